from django.urls import path

from . import headless, views

app_name = "sociallogin"

urlpatterns = [
    path("link/", views.link, name="link"),
    path("link/cancel/", views.link_cancel, name="link_cancel"),
    # allauth headless's front ends: the store's signup fields per provider.
    path(
        "headless/signup-fields/<str:provider>",
        headless.signup_fields_view,
        name="headless_signup_fields",
    ),
]
