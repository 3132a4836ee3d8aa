from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoreOscarConfig(AppConfig):
    name = "store.contrib.oscar"
    # "oscar" is django-oscar's own label.
    label = "store_oscar"
    verbose_name = _("Store on django-oscar")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from . import checks as oscar_checks
        from . import guards

        # The welcome voucher, erasure and merging reach Oscar only through
        # STORE_HOST_ADAPTER (store.services asks get_host_adapter()).
        checks.register(oscar_checks.check_oscar_host)
        guards.register()
