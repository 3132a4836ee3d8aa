"""allauth's account adapter, for the partner's user database.

- password login: a partner that cannot answer is "try again", not "wrong password";
- signup: the partner's user-creation webhook runs before the user is saved, and its
  refusal is shown on the signup form.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from django import forms
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect

from . import backends, flows
from .client import PartnerUnavailable


class AccountAdapter(DefaultAccountAdapter):
    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any | None:
        # The login form reports a partner fault itself, as its error ("try again").
        reported = backends.fault_of(request, create=True)
        if reported is not None:
            reported.form_reports = True
        user = super().authenticate(request, **credentials)
        fault = backends.partner_fault(request)
        proof_url = reported.proof_url if reported is not None else ""
        if user is None and fault is not None:
            # The partner failed (or the login waits on a proof), not the shopper: give
            # back the attempt allauth's login_failed rate limit took in pre_authenticate
            # (as allauth does itself for a successful login), so an outage locks nobody
            # out once the partner is back.
            rollback = getattr(self, "_rollback_login_failed_rl_usage", None)
            if rollback is not None:
                rollback()
            if proof_url and not _is_headless(request):
                # The login waits on the proof page: go there instead of "wrong password".
                raise ImmediateHttpResponse(HttpResponseRedirect(proof_url))
            raise forms.ValidationError(fault, code="partner_unavailable")
        return user

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        if getattr(form, "sociallogin", None) is not None:
            # allauth's social signup form saves through here too; a social signup talks to
            # the partner through the social-login webhook only (which already created the
            # user there), never the user-creation webhook.
            return super().save_user(request, user, form, commit)
        data = getattr(form, "cleaned_data", {}) or {}
        email = str(data.get("email") or "")
        # A shop without user names signs up with the e-mail alone: that address is the
        # login the customer types later, so the partner gets it as the user name too
        # rather than an empty one it would refuse.
        username = str(data.get("username") or "") or email
        created = None
        try:
            created = flows.create_at_partner(username, email) if commit else None
            if created is not None:
                flows.refuse_if_linked(created)
        except (flows.PartnerRefused, PartnerUnavailable) as exc:
            self._refuse(request, form, exc.message)
        if created is None:
            return super().save_user(request, user, form, commit)
        try:
            with transaction.atomic():
                saved = super().save_user(request, user, form, commit)
                flows.after_signup(saved, created, username or email)
        except flows.PartnerRefused as exc:
            user.pk = None
            self._refuse(request, form, exc.message)
        return saved

    def _refuse(self, request: HttpRequest, form: Any, message: Any) -> None:
        from sociallogin.headless import error_response, is_headless_endpoint

        if is_headless_endpoint(request):
            # allauth headless's auth/signup: its error shape, before any user is saved.
            raise ImmediateHttpResponse(error_response(400, "partner_refused", message))
        # allauth's own signup view renders the refused form, with its usual context.
        from allauth.account.views import SignupView

        form.add_error(None, message)
        view = SignupView()
        view.setup(request)
        raise ImmediateHttpResponse(view.form_invalid(form))


def _is_headless(request: Any) -> bool:
    """allauth's headless API answers in JSON: its client reads the message instead."""
    match = getattr(request, "resolver_match", None)
    return match is not None and "headless" in match.namespaces
