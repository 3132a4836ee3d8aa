from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class SocialLoginConfig(AppConfig):
    name = "sociallogin"
    verbose_name = _("Social login")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from store import registry as store_registry
        from store.signals import account_deleting

        from . import checks as sociallogin_checks
        from .config_section import SocialLoginSection
        from .login_steps import register_steps
        from .tombstones import on_account_deleting

        checks.register(sociallogin_checks.check_adapter)
        checks.register(sociallogin_checks.check_endpoints)
        checks.register(sociallogin_checks.check_providers_installed)
        checks.register(sociallogin_checks.check_wiring)
        checks.register(sociallogin_checks.check_socialapp_rows, checks.Tags.database)
        account_deleting.connect(on_account_deleting, dispatch_uid="sociallogin.tombstones")
        store_registry.register_config_section(SocialLoginSection())
        register_steps()
        if apps.is_installed("django.contrib.admin"):
            # After the admin's autodiscovery (which imports allauth's admin after ours).
            from .admin import hide_allauth_app_admin

            hide_allauth_app_admin()
