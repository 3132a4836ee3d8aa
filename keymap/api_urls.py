"""Mounted at the site root: ``/api/token``, ``/api/users/me``, ``/.well-known/jwks.json``."""

from django.urls import path

from . import api_views

urlpatterns = [
    path("api/token", api_views.token, name="keymap_token"),
    path("api/users/me", api_views.users_me, name="keymap_users_me"),
    path(".well-known/jwks.json", api_views.jwks, name="keymap_jwks"),
]
