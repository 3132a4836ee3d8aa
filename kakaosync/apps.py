from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def point_kakao_endpoints(**kwargs: object) -> None:
    """Send allauth's Kakao calls to the hosts of ``KAKAOSYNC_*_BASE_URL`` (e.g. a sandbox)."""
    setting = kwargs.get("setting")
    if setting is not None and not str(setting).startswith("KAKAOSYNC_"):
        return
    from sociallogin import registry

    from .app_settings import app_settings

    registry.set_endpoint("kakao", "https://kauth.kakao.com", app_settings.AUTH_BASE_URL)
    registry.set_endpoint("kakao", "https://kapi.kakao.com", app_settings.API_BASE_URL)


class KakaoSyncConfig(AppConfig):
    name = "kakaosync"
    verbose_name = _("Kakao Sync")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks
        from django.core.signals import setting_changed

        from sociallogin import registry
        from store import registry as store_registry

        from . import checks as kakaosync_checks
        from . import inapp, middleware, receivers
        from .config_section import KakaoSyncSection
        from .switch_off import kakao_login_off_note

        checks.register(kakaosync_checks.check_hosts)
        checks.register(kakaosync_checks.check_urls, checks.Tags.urls)
        checks.register(kakaosync_checks.check_configuration, checks.Tags.database)
        store_registry.register_config_section(KakaoSyncSection())
        registry.register_auth_params("kakao", inapp.kakao_auth_params)
        registry.register_provider_filter(inapp.provider_filter)
        registry.register_switch_off_note("kakao", kakao_login_off_note)
        store_registry.register_request_guard(
            "kakaosync.kakao_only_in_app", view=middleware.kakao_only_in_app
        )
        # Kakao's required tags are asked by the store's one mechanism (its guard
        # store.required_consents, its page): kakaosync gives it the items and the flow.
        from store import consents

        from .terms import KakaoTerms

        consents.register_required_source(KakaoTerms())
        point_kakao_endpoints()
        setting_changed.connect(point_kakao_endpoints, dispatch_uid="kakaosync.endpoints")
        receivers.connect()
