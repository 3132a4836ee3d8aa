"""The demo's URLs with allauth's GitHub provider's in front: a host that logs in with its
own allauth provider beside the shop's six (``github_app`` fixture)."""

from django.urls import include, path

from config.urls import handler400, handler500
from config.urls import urlpatterns as shop_urlpatterns

urlpatterns = [
    path("accounts/", include("allauth.socialaccount.providers.github.urls")),
    *shop_urlpatterns,
]

__all__ = ["handler400", "handler500", "urlpatterns"]
