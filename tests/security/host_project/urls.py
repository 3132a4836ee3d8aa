from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

host = (
    [
        path("login/", auth_views.LoginView.as_view(template_name="host/login.html"), name="login"),
        path("signup/", views.signup, name="signup"),
        path("me/", views.me, name="me"),
        path("catalogue/", views.catalogue, name="catalogue"),
        path("quick-order/", views.quick_order, name="quick_order"),
        path("join/nickname/", views.nickname, name="nickname"),
    ],
    "host",
)

urlpatterns = [
    path("", include(host)),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("kakaosync/", include("kakaosync.urls")),
    path("keymap/", include("keymap.urls")),
    path("sociallogin/", include("sociallogin.urls")),
    path("", include("keymap.api_urls")),
    path("store/", include("store.urls")),
    path("shop/", include("store.commerce.urls")),  # the built-in shop front, beside the host
]
