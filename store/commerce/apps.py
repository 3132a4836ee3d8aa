from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommerceConfig(AppConfig):
    """The built-in minimal shop (catalogue, orders, issued coupons, shop front); optional."""

    name = "store.commerce"
    label = "commerce"
    verbose_name = _("Built-in shop")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from . import checks as commerce_checks

        checks.register(commerce_checks.check_humanize)
