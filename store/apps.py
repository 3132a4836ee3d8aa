from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoreConfig(AppConfig):
    name = "store"
    verbose_name = _("Store")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks
        from django.core.signals import request_finished, request_started

        from . import checks as store_checks
        from . import (
            deleted_users,
            login_pipeline,
            login_steps,
            new_users,
            registry,
            request_lock,
            singleton,
        )
        from .config_section import StoreSection
        from .models import JoinChannel

        checks.register(store_checks.check_secrets_key, checks.Tags.security)
        checks.register(store_checks.check_shared_cache, checks.Tags.caches)
        checks.register(store_checks.check_allauth_urls, checks.Tags.urls)
        checks.register(store_checks.check_host_adapter)
        checks.register(store_checks.check_middleware)
        checks.register(store_checks.check_user_model)
        checks.register(store_checks.check_urls, checks.Tags.urls)
        checks.register(store_checks.check_context_processor, checks.Tags.templates)
        registry.register_config_section(StoreSection())
        registry.register_join_channel(JoinChannel.STORE, _("Store ID"))
        checks.register(login_pipeline.check_pipeline)
        from . import consent_checks, consent_views

        checks.register(consent_checks.check_consents)
        registry.register_request_guard(
            "store.required_consents", view=consent_views.required_consents_first
        )
        login_steps.connect()
        request_started.connect(singleton.begin_request, dispatch_uid="store.settings_versions")
        request_finished.connect(singleton.end_request, dispatch_uid="store.settings_versions")
        new_users.connect()
        deleted_users.connect()
        # After Django's close_old_connections (connected first): a connection it keeps open
        # (CONN_MAX_AGE) gives the request's locks back here.
        request_finished.connect(request_lock.release_all, dispatch_uid="store.request_lock")
