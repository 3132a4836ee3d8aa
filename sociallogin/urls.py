from django.urls import path

from . import views

app_name = "sociallogin"

urlpatterns = [
    path("link/", views.link, name="link"),
    path("link/cancel/", views.link_cancel, name="link_cancel"),
]
