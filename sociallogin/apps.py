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

        from . import apple_revocation
        from . import checks as sociallogin_checks
        from .catalog import PROVIDERS
        from .config_section import SocialLoginSection
        from .tombstones import on_account_deleting

        checks.register(sociallogin_checks.check_adapter)
        checks.register(sociallogin_checks.check_endpoints)
        checks.register(sociallogin_checks.check_providers_installed)
        checks.register(sociallogin_checks.check_wiring)
        checks.register(sociallogin_checks.check_provider_urls, checks.Tags.urls)
        checks.register(sociallogin_checks.check_mounted_urls, checks.Tags.urls)
        checks.register(sociallogin_checks.check_socialapp_rows, checks.Tags.database)
        account_deleting.connect(on_account_deleting, dispatch_uid="sociallogin.tombstones")
        self._connect_login_receivers()
        store_registry.register_config_section(SocialLoginSection())
        store_registry.register_takeover_handler("sociallogin", apple_revocation.end_kept_tokens)
        for provider_id, info in PROVIDERS.items():
            store_registry.register_join_channel(provider_id, info.name)
        self._register_request_guards()
        from . import headless

        headless.register_checks()
        if apps.is_installed("django.contrib.admin"):
            # After the admin's autodiscovery (which imports allauth's admin after ours).
            from .admin import hide_allauth_app_admin

            hide_allauth_app_admin()

    def _register_request_guards(self) -> None:
        from store import registry as store_registry

        from . import last_used, middleware

        store_registry.register_request_guard(
            "sociallogin.provider_errors", exception=middleware.provider_error_page
        )
        store_registry.register_request_guard(
            "sociallogin.last_used", response=last_used.set_last_used_cookie
        )

    def _connect_login_receivers(self) -> None:
        from allauth.account.signals import user_logged_in
        from allauth.socialaccount.signals import social_account_added

        from store import registry as store_registry
        from store.signals import account_deleting

        from . import apple_revocation, last_used

        user_logged_in.connect(last_used.on_user_logged_in, dispatch_uid="sociallogin.last_used")
        user_logged_in.connect(
            apple_revocation.on_user_logged_in, dispatch_uid="sociallogin.apple_token"
        )
        social_account_added.connect(
            apple_revocation.on_social_account_added, dispatch_uid="sociallogin.apple_token_added"
        )
        account_deleting.connect(
            apple_revocation.on_account_deleting, dispatch_uid="sociallogin.apple_revoke"
        )
        store_registry.register_merge_handler("sociallogin.apple", apple_revocation.merge_handler)
