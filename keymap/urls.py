from django.urls import path

from . import headless, views

app_name = "keymap"

urlpatterns = [
    path("login/user-id/", views.user_id_login, name="user_id_login"),
    path("login/stronger/", views.stronger_login, name="stronger_login"),
    # allauth headless's front ends: the user-ID login as JSON.
    path("headless/login/user-id", headless.user_id_login, name="headless_user_id_login"),
]
