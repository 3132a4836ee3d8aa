"""The demo's URLs plus the single-page front end at ``/spa/`` (same origin)."""

from django.urls import include, path

from config.urls import urlpatterns as demo

urlpatterns = [path("spa/", include("devtools.spa.urls")), *demo]
