"""allauth's social-account adapter for the shop: ``SOCIALACCOUNT_ADAPTER``.

- Apps come from the admin's provider settings through the cache (``config_cache``), never
  from allauth's ``SocialApp`` table: no query per request once warm, and a save in the
  admin reaches every worker that shares the cache.
- Providers are our subclasses (``providers``), offered and accepted per request by
  ``policy`` (age restriction, ``registry`` filters).
- The platform's rules run in ``pre_social_login``: refused providers, deleted-account
  tombstones, proof of ownership before linking to an existing account.
- Signup: the social signup form is shown only when a field the admin made required for
  the provider is missing; the customer is onboarded like any other.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import requests
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount import app_settings as socialaccount_settings
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import AuthProcess
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from store.http import new_session
from store.models import Customer

from . import linking, policy, registry
from .catalog import PROVIDERS, Rule
from .config_cache import configs_for
from .signup import missing_required, provider_profile

logger = logging.getLogger("sociallogin.adapter")


def _rewriting_request(original: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
    return original(method, registry.rewrite_url(url), *args, **kwargs)


def _provider_view(request: HttpRequest | None, provider_id: str) -> bool:
    match = getattr(request, "resolver_match", None)
    name = getattr(match, "url_name", None) or ""
    # Apple's form_post callback continues at "apple_finish_callback".
    return name in (
        f"{provider_id}_login",
        f"{provider_id}_callback",
        f"{provider_id}_finish_callback",
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    # --- apps and providers ----------------------------------------------------------

    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        configs = configs_for(request)
        apps = []
        for pid in policy.available_provider_ids(request):
            if provider and pid != provider:
                continue
            config = configs[pid]
            if client_id and config.client_id != client_id:
                continue
            apps.append(config.to_app())
        return apps

    def get_app(
        self, request: HttpRequest | None, provider: str, client_id: str | None = None
    ) -> SocialApp:
        apps = self.list_apps(request, provider=provider, client_id=client_id)
        if not apps:
            raise SocialApp.DoesNotExist()
        return apps[0]

    def list_providers(self, request: HttpRequest) -> list[Any]:
        configs = configs_for(request)
        ret = []
        for pid in policy.available_provider_ids(request):
            cls = registry.provider_class(pid)
            if cls is not None:
                ret.append(cls(request=request, app=configs[pid].to_app()))
        return ret

    def get_provider(
        self, request: HttpRequest, provider: str, client_id: str | None = None
    ) -> Any:
        cls = registry.provider_class(provider)
        if cls is None:
            # A provider app installed next to ours that the shop does not configure.
            try:
                return super().get_provider(request, provider, client_id=client_id)
            except SocialApp.DoesNotExist:
                if _provider_view(request, provider):
                    raise ImmediateHttpResponse(
                        policy.unavailable_response(request, provider, "unknown")
                    ) from None
                raise
        reason = policy.refusal_reason(request, provider)
        if reason is None:
            return cls(request, app=self.get_app(request, provider, client_id=client_id))
        if _provider_view(request, provider):
            # Login and callback URLs of a provider that is off, age-restricted or
            # filtered out for this browser: a clear page, not allauth's DoesNotExist.
            raise ImmediateHttpResponse(policy.unavailable_response(request, provider, reason))
        # Elsewhere (a customer's list of connected accounts) the provider is only named.
        config = configs_for(request)[provider]
        return cls(request, app=SocialApp(provider=provider, client_id=config.client_id))

    # --- outbound HTTP ---------------------------------------------------------------

    def get_requests_session(self) -> requests.Session:
        # allauth's timeout becomes each provider call's total deadline too.
        session = new_session(deadline=float(socialaccount_settings.REQUESTS_TIMEOUT))
        session.request = functools.partial(_rewriting_request, session.request)  # type: ignore[method-assign]
        return session

    # --- the platform's rules --------------------------------------------------------

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        provider_id = sociallogin.account.provider
        reason = policy.refusal_reason(request, provider_id)
        if reason is not None and provider_id in PROVIDERS:
            raise ImmediateHttpResponse(policy.unavailable_response(request, provider_id, reason))
        # After lookup() a known social account carries its row's pk; allauth's is_existing
        # would ask the database again for the user.
        if sociallogin.account.pk is not None or (sociallogin.user and sociallogin.user.pk):
            return
        tombstoned, owner_id = linking.screen_new_login(
            sociallogin,
            check_tombstone=provider_id in PROVIDERS,
            find_owner=sociallogin.state.get("process") != AuthProcess.CONNECT,
        )
        if tombstoned:
            logger.warning("social signup refused: provider=%s reason=deleted_account", provider_id)
            raise ImmediateHttpResponse(
                render(
                    request,
                    "sociallogin/deleted_account.html",
                    {"provider_name": PROVIDERS[provider_id].name},
                    status=403,
                )
            )
        if owner_id is not None:
            raise ImmediateHttpResponse(linking.start(request, sociallogin, owner_id))

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        # Class and message only: exceptions from OAuth clients never carry tokens here,
        # but the provider's raw answer might, so it is not logged.
        logger.warning(
            "social login failed: provider=%s error=%s exception=%s%s",
            getattr(provider, "id", provider),
            error,
            type(exception).__name__ if exception else "-",
            f" ({str(exception)[:200]})" if isinstance(exception, ValidationError | str) else "",
        )
        super().on_authentication_error(request, provider, error, exception, extra_context)

    # --- signup ----------------------------------------------------------------------

    def _profile(self, sociallogin: Any) -> dict[str, Any]:
        profile = provider_profile(sociallogin.account.provider, sociallogin.account.extra_data)
        if not any(e.verified for e in sociallogin.email_addresses) and "email" in profile:
            # An unverified address is offered for editing, never taken as given.
            profile["email_unverified"] = profile.pop("email")
        return profile

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        # A signup left pending on the social signup form while the provider was switched
        # off (or the store became age-restricted) is closed, not completed.
        provider_id = sociallogin.account.provider
        if provider_id in PROVIDERS and policy.refusal_reason(request, provider_id) is not None:
            return False
        return super().is_open_for_signup(request, sociallogin)

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: Any) -> bool:
        config = configs_for(None).get(sociallogin.account.provider)
        if config is not None:
            profile = self._profile(sociallogin)
            if "email_unverified" in profile:
                profile["email"] = profile["email_unverified"]
            if missing_required(config, profile):
                return False
        return super().is_auto_signup_allowed(request, sociallogin)

    def get_signup_form_initial_data(self, sociallogin: Any) -> dict[str, Any]:
        initial = super().get_signup_form_initial_data(sociallogin)
        profile = self._profile(sociallogin)
        initial.update({k: v for k, v in profile.items() if k != "email_unverified"})
        if not initial.get("email") and profile.get("email_unverified"):
            initial["email"] = profile["email_unverified"]
        return initial

    @transaction.atomic
    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form=form)
        provider_id = sociallogin.account.provider
        values = self._profile(sociallogin)
        if form is not None:
            values.update({k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
        config = configs_for(None).get(provider_id)
        if config is not None:
            # What the admin hid for this provider is not kept, even when the provider gave it.
            values = {k: v for k, v in values.items() if config.rule(k) != Rule.HIDDEN}
        profile = {k: values[k] for k in ("phone", "birthday", "gender") if values.get(k)}
        if values.get("name"):
            profile["nickname"] = str(values["name"])[:100]
        if values.get("marketing_consent") is True:
            profile["marketing_consent"] = True
            profile["marketing_consent_at"] = timezone.now()
        # The profile row is created here with what the provider (or the form) gave; the
        # store's onboarding on allauth's user_signed_up then adds the welcome benefits to
        # it, exactly once, as for every other customer.
        Customer.objects.create(user=user, join_channel=provider_id, **profile)
        if values.get("address") or values.get("terms_agreement"):
            from .models import SocialSignupDetails

            SocialSignupDetails.objects.update_or_create(
                user=user,
                defaults={
                    "provider": provider_id,
                    "address": str(values.get("address") or "")[:300],
                    "terms_agreed_at": timezone.now() if values.get("terms_agreement") else None,
                },
            )
        return user

    def validate_disconnect(self, account: Any, accounts: Any) -> None:
        user = account.user
        others = [a for a in accounts if a.pk != account.pk]
        if not others and not user.has_usable_password():
            raise ValidationError(
                _("This is your only way to log in. Set a password first, then disconnect.")
            )
