from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialLoginConfig(AppConfig):
    name = "sociallogin"
    verbose_name = _("Social login")
    default_auto_field = "django.db.models.BigAutoField"
