from django.urls import path

from . import views

app_name = "keymap"

urlpatterns = [
    path("login/user-id/", views.user_id_login, name="user_id_login"),
    path("login/stronger/", views.stronger_login, name="stronger_login"),
]
