from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeymapConfig(AppConfig):
    name = "keymap"
    verbose_name = _("User database")
    default_auto_field = "django.db.models.BigAutoField"
