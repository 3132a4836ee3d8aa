"""allauth's social-account adapter for the shop: ``SOCIALACCOUNT_ADAPTER``.

- Apps come from the admin's provider settings through the cache (``conf``), never
  from allauth's ``SocialApp`` table: no query per request once warm, and a save in the
  admin reaches every worker that shares the cache.
- The host's other allauth providers (GitHub, OpenID Connect...) keep allauth's own apps
  (``SocialApp`` rows, ``SOCIALACCOUNT_PROVIDERS[...]["APPS"]``), under the same ``policy``;
  that table is read only when such a provider is installed or asked for.
- Providers are our subclasses (``providers``), offered and accepted per request by
  ``policy`` (age restriction, ``registry`` filters).
- ``pre_social_login`` and ``save_user`` run the login pipeline's stages of the same names
  (``store.login_pipeline``) on the login's one context; this app's steps, in
  ``login_steps``: refused providers, deleted-account tombstones, proof of ownership
  before linking to an existing account, the new customer's profile.
- Signup: the social signup form is shown only when a field the admin made required for
  the provider is missing; the customer is onboarded like any other.
- The provider's tokens never sit in the session readable: allauth serialises a pending
  login (its "finish joining" form's, ours) through this adapter, which encrypts them.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import requests
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount import app_settings as socialaccount_settings
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialToken
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from store import crypto, login_pipeline, new_users
from store.http import new_session

from . import headless, policy, registry
from .catalog import PROVIDERS
from .conf import configs_for
from .signup import missing_required, signup_profile

logger = logging.getLogger(__name__)

TOKEN_FIELDS = ("token", "token_secret")  # SocialToken's access and refresh token
SEALED_PREFIX = "sealed:"


def _rewriting_request(original: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
    return original(method, registry.rewrite_url(url), *args, **kwargs)


def _host_provider_classes() -> list[type[Any]]:
    """allauth's provider classes other than the shop's six: empty in a shop that installs
    only ours, so that its requests never ask allauth's ``SocialApp`` table."""
    from allauth.socialaccount.providers import registry as allauth_registry

    return [cls for cls in allauth_registry.get_class_list() if cls.id not in PROVIDERS]


def _provider_view(request: HttpRequest | None, provider_id: str) -> bool:
    match = getattr(request, "resolver_match", None)
    name = getattr(match, "url_name", None) or ""
    if getattr(match, "kwargs", {}).get("provider_id") == provider_id:
        # OpenID Connect and SAML: one URL pattern for all apps, the app's id in the path.
        return name.endswith(("_login", "_callback"))
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
        if provider in PROVIDERS:
            return self._shop_apps(request, provider, client_id)
        if provider is not None:
            return self._host_apps(request, provider, client_id)
        apps = self._shop_apps(request, None, client_id)
        if _host_provider_classes():
            apps.extend(self._host_apps(request, None, client_id))
        return apps

    def _shop_apps(
        self, request: HttpRequest | None, provider: str | None, client_id: str | None
    ) -> list[SocialApp]:
        # From the admin's settings through the cache: no query once warm.
        configs = configs_for(request)
        apps = []
        for pid in policy.available_provider_ids(request):
            if provider and pid != provider:
                continue
            config = configs[pid]
            if client_id and client_id not in config.accepted_client_ids:
                continue
            # The app a token names (its ``client_id``): one of the provider's clients.
            apps.append(config.to_app(client_id))
        return apps

    def _host_apps(
        self, request: HttpRequest | None, provider: str | None, client_id: str | None
    ) -> list[SocialApp]:
        """The host's other providers, configured the allauth way, under the store's rules.

        allauth's ``SocialApp`` rows and settings apps for the shop's six are left out
        (``sociallogin.W002``): the admin's settings are the only source for those.
        """
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        return [
            app
            for app in apps
            if app.provider not in PROVIDERS
            and policy.host_refusal_reason(request, app.provider_id or app.provider) is None
        ]

    def get_app(
        self, request: HttpRequest | None, provider: str, client_id: str | None = None
    ) -> SocialApp:
        if provider not in PROVIDERS:
            # allauth's choice among several apps (the one not "hidden").
            return super().get_app(request, provider, client_id=client_id)
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
        if _host_provider_classes():
            ret.extend(self._host_providers(request))
        return ret

    def _host_providers(self, request: HttpRequest) -> list[Any]:
        # allauth's own way (DefaultSocialAccountAdapter.list_providers), for the host's
        # providers only: one provider per app, or one without an app if it needs none.
        apps_map: dict[str, list[SocialApp]] = {}
        for app in self._host_apps(request, None, None):
            apps_map.setdefault(app.provider, []).append(app)
        ret: list[Any] = []
        for provider_class in _host_provider_classes():
            provider_apps: list[SocialApp | None] = list(apps_map.get(provider_class.id, []))
            if not provider_apps:
                if provider_class.uses_apps:
                    continue
                if policy.host_refusal_reason(request, provider_class.id) is not None:
                    continue
                provider_apps = [None]
            ret.extend(provider_class(request=request, app=app) for app in provider_apps)
        return ret

    def get_provider(
        self, request: HttpRequest, provider: str, client_id: str | None = None
    ) -> Any:
        cls = registry.provider_class(provider)
        if cls is None:
            return self._get_host_provider(request, provider, client_id)
        reason = policy.refusal_reason(request, provider)
        if reason is None:
            return cls(request, app=self.get_app(request, provider, client_id=client_id))
        if _provider_view(request, provider):
            # Login and callback URLs of a provider that is off, age-restricted or
            # filtered out for this browser: a clear page, not allauth's DoesNotExist.
            raise ImmediateHttpResponse(policy.unavailable_response(request, provider, reason))
        # Elsewhere (a customer's list of connected accounts) the provider is only named.
        config = configs_for(request)[provider]
        if client_id is not None and client_id != config.client_id:
            # A lookup by another client ID (a headless token login) has no app here, as
            # allauth's own lookup would say: a provider carrying the shop's client ID
            # instead is a mismatch that allauth's headless input answers with a 500.
            raise SocialApp.DoesNotExist()
        return cls(request, app=SocialApp(provider=provider, client_id=config.client_id))

    def _get_host_provider(self, request: HttpRequest, provider: str, client_id: str | None) -> Any:
        """A provider the host installed and configured the allauth way (GitHub, OpenID
        Connect's ``provider_id``...): allauth's lookup, under the store's rules."""
        reason = policy.host_refusal_reason(request, provider)
        if reason is not None and _provider_view(request, provider):
            raise ImmediateHttpResponse(policy.unavailable_response(request, provider, reason))
        try:
            return super().get_provider(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            if _provider_view(request, provider):
                raise ImmediateHttpResponse(
                    policy.unavailable_response(request, provider, "unknown")
                ) from None
            raise

    # --- outbound HTTP ---------------------------------------------------------------

    def get_requests_session(self) -> requests.Session:
        # allauth's timeout becomes each provider call's total deadline too.
        session = new_session(deadline=float(socialaccount_settings.REQUESTS_TIMEOUT))
        session.request = functools.partial(_rewriting_request, session.request)  # type: ignore[method-assign]
        return session

    # --- serialised logins ------------------------------------------------------------

    def serialize_instance(self, instance: Any) -> Any:
        data = super().serialize_instance(instance)
        if isinstance(instance, SocialToken):
            # allauth keeps a pending signup in the session (a session row, a cache entry or
            # a signed cookie): the access and refresh tokens go there encrypted.
            for field in TOKEN_FIELDS:
                if data.get(field):
                    data[field] = SEALED_PREFIX + crypto.encrypt(str(data[field]))
        return data

    def deserialize_instance(self, model: Any, data: Any) -> Any:
        if model is SocialToken and isinstance(data, dict):
            data = dict(data)
            for field in TOKEN_FIELDS:
                value = data.get(field)
                if isinstance(value, str) and value.startswith(SEALED_PREFIX):
                    try:
                        data[field] = crypto.decrypt(value[len(SEALED_PREFIX) :])
                    except crypto.SecretDecryptionError as exc:
                        # allauth drops a pending login it cannot read (ValueError).
                        raise ValueError("sealed token cannot be decrypted") from exc
        return super().deserialize_instance(model, data)

    # --- the platform's rules --------------------------------------------------------

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        ctx = login_pipeline.for_social(request, sociallogin)
        try:
            login_pipeline.run("pre_social_login", ctx)
        except ImmediateHttpResponse as exc:
            # A headless client gets the refusal as JSON or on its callback URL, not a page.
            raise headless.refusal(request, sociallogin, exc) from None
        if ctx.is_new:
            # The last hook before allauth may hand a new account to its "finish joining"
            # form (its own decision, after this): the context goes with the login.
            ctx.write_out()

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
        return signup_profile(sociallogin)

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        # A signup left pending on the social signup form while the provider was switched
        # off (or the store became age-restricted) is closed, not completed.
        if policy.refusal_reason(request, sociallogin.account.provider) is not None:
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
        ctx = login_pipeline.for_social(request, sociallogin)
        # The pipeline writes the customer and onboards it on the provider's channel.
        with new_users.onboarded_by_caller():
            user = super().save_user(request, sociallogin, form=form)
        ctx.user, ctx.form, ctx.signed_up = user, form, True
        try:
            login_pipeline.run("save_user", ctx)
        except ImmediateHttpResponse as exc:
            raise headless.refusal(request, sociallogin, exc) from None
        return user

    def validate_disconnect(self, account: Any, accounts: Any) -> None:
        user = account.user
        others = [a for a in accounts if a.pk != account.pk]
        if not others and not user.has_usable_password():
            raise ValidationError(
                _("This is your only way to log in. Set a password first, then disconnect.")
            )
