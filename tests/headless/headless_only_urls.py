"""The demo's URLs as a ``HEADLESS_ONLY`` project has them.

allauth reads ``HEADLESS_ONLY`` at request time everywhere but in ``allauth.urls``, which
drops its HTML views when the module is first imported. This urlconf is what
``allauth.urls`` builds under ``HEADLESS_ONLY = True`` (the providers' callback URLs only),
so that ``override_settings(HEADLESS_ONLY=True, ROOT_URLCONF=__name__)`` is such a project.
"""

from allauth.urls import build_provider_urlpatterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include(build_provider_urlpatterns())),
    path("_allauth/", include("allauth.headless.urls")),
    path("sociallogin/", include("sociallogin.urls")),
    path("kakaosync/", include("kakaosync.urls")),
    path("keymap/", include("keymap.urls")),
    path("", include("keymap.api_urls")),
    path("", include("store.urls")),
    path("", include("store.commerce.urls")),
]
