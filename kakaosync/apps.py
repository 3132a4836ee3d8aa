from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KakaoSyncConfig(AppConfig):
    name = "kakaosync"
    verbose_name = _("Kakao Sync")
    default_auto_field = "django.db.models.BigAutoField"
