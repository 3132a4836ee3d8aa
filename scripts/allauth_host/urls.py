"""allauth's test project's URLs, then the plugin's as the README's recipe adds them.

allauth's are listed here again rather than imported from ``tests.projects.regular.urls``:
its tests change URL-shaping settings and reload ``ROOT_URLCONF`` (``settings_impacting_urls``),
which rebuilds only the resolvers made by this module.
"""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)  # as allauth's test project does

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("", include("allauth.idp.urls")),
    path("", include("tests.projects.common.urls")),
    # The plugin's, from the README's recipe.
    path("sociallogin/", include("sociallogin.urls")),
    path("kakaosync/", include("kakaosync.urls")),
    path("keymap/", include("keymap.urls")),
    # allauth's identity provider serves /.well-known/jwks.json: the plugin's key set moves
    # aside, as keymap.E006's hint says.
    path("shop/", include("keymap.api_urls")),
    path("", include("store.urls")),
]
handler400 = "store.errors.bad_request"
handler500 = "store.errors.server_error"
