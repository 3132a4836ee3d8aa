from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("sociallogin/", include("sociallogin.urls")),
    path("kakaosync/", include("kakaosync.urls")),
    path("keymap/", include("keymap.urls")),
    path("", include("keymap.api_urls")),
    path("", include("store.urls")),
    path("", include("store.commerce.urls")),  # the built-in shop front
]

# A lost database answers 503 "try again" instead of 500 (store.errors).
handler400 = "store.errors.bad_request"
handler500 = "store.errors.server_error"
