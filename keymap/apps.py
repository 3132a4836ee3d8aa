from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class KeymapConfig(AppConfig):
    name = "keymap"
    verbose_name = _("User database")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from store import registry

        from . import checks as keymap_checks
        from . import middleware, receivers
        from .config_section import KeymapSection
        from .merging import end_partner_link, move_partner_link

        checks.register(keymap_checks.check_jwt, checks.Tags.security)
        checks.register(keymap_checks.check_backend)
        checks.register(keymap_checks.check_retired_settings)
        checks.register(keymap_checks.check_jwks_url, checks.Tags.urls)
        checks.register(keymap_checks.check_urls, checks.Tags.urls)
        registry.register_config_section(KeymapSection())
        registry.register_merge_handler("keymap", move_partner_link)
        registry.register_takeover_handler("keymap", end_partner_link)
        registry.register_request_guard(
            "keymap.revoked_sessions", request=middleware.end_revoked_session
        )
        registry.register_request_guard(
            "keymap.user_id_session",
            view=middleware.user_id_session_view,
            exception=middleware.weak_login_exception,
        )
        receivers.connect()
        if apps.is_installed("sociallogin"):
            # A partner login for an address the shop has waits on its proof page.
            from . import partner_proof

            partner_proof.register()
