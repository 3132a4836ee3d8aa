"""Service terms after sign-up: terms the store added later, and consents withdrawn.

Kakao shows its consent screen only once: a member who joined before the store added a
required term is never asked for it again by Kakao on its own. The shop compares the
member's agreed terms (as ``/v2/user/service_terms`` last said, stored per member with
``agreed_by`` and ``revocable``) with the store's required terms, and sends the member to
Kakao's consent screen naming exactly the missing tags (``service_terms`` without tags
shows no terms at all).

Asking is the store's one mechanism (``store.consents``): :class:`KakaoTerms` is its source
for Kakao's tags, registered in ``KakaoSyncConfig.ready``; the login step
``store.consent_steps.note_missing_consents`` notes them with the store's own terms, the
guard ``store.required_consents`` holds the member, the consents page offers this flow.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse

from store import consents
from store.services import customers

from . import client
from .conf import SyncConfig, load_config
from .models import KakaoSyncMember

logger = logging.getLogger(__name__)


class WithdrawRefused(Exception):
    """The term cannot be withdrawn (not agreed, not revocable, or required)."""


def agreed_tags(terms: list[dict[str, Any]]) -> set[str]:
    return {str(t.get("tag")) for t in terms if isinstance(t, dict) and t.get("agreed")}


def missing_required(member: KakaoSyncMember | None, config: SyncConfig) -> list[str]:
    """The store's required terms this linked member has not agreed to (in store order)."""
    if member is None or not member.is_linked:
        return []
    agreed = agreed_tags(member.terms)
    return [t.tag for t in config.terms if t.required and t.tag not in agreed]


def consent_form(tags: list[str], next_url: str = "") -> tuple[str, dict[str, str]]:
    """Kakao's additional-consent flow: a Kakao login (a POST) naming only ``tags``
    (allauth reads ``auth_params`` from the query string)."""
    from sociallogin.headless import headless_only

    if headless_only():
        # No allauth login view: allauth headless's redirect, back to the front end.
        from .headless import consent_flow

        flow = consent_flow(None, tags)
        return flow["url"], {**flow["fields"], "callback_url": next_url or "/"}
    query = urlencode({"auth_params": urlencode({"service_terms": ",".join(tags)})})
    fields = {"process": "login"}
    if next_url:
        fields["next"] = next_url
    return f"{reverse('kakao_login')}?{query}", fields


def required_tags(config: SyncConfig) -> list[str]:
    return sorted(t.tag for t in config.terms if t.required)


class KakaoTerms:
    """Source ``kakao`` of ``store.consents``: the store's required Kakao tags a linked
    member has not agreed to, agreed on Kakao's consent screen."""

    name = consents.AT_KAKAO

    def fingerprint(self) -> Any:
        from .conf import sync_active

        config = sync_active()
        return None if config is None else required_tags(config)

    def missing(self, user: Any, ctx: Any = None) -> list[dict[str, Any]]:
        from .conf import sync_active

        config = sync_active()
        if config is None:
            return []
        at_hand, member = _member_of_login(ctx, user)
        if not at_hand:
            member = KakaoSyncMember.objects.filter(user=user).first()
        return [{"where": self.name, "tag": tag} for tag in missing_required(member, config)]

    def titles(self) -> dict[str, str]:
        return {t.tag: str(t.title) for t in load_config().terms}

    def form(self, items: list[dict[str, Any]], next_url: str) -> tuple[str, dict[str, str]]:
        """The page's button: Kakao's additional-consent flow for exactly these tags."""
        return consent_form([str(i["tag"]) for i in items], next_url)

    def flow(self, request: Any, items: list[dict[str, Any]]) -> dict[str, Any]:
        """The same flow for a front end (allauth headless's provider redirect)."""
        from .headless import consent_flow

        return consent_flow(request, [str(i["tag"]) for i in items])


def _member_of_login(ctx: Any, user: Any) -> tuple[bool, KakaoSyncMember | None]:
    """The row this login read or wrote for ``user``, if it has one at hand (a login's
    second read of the row is spared)."""
    if ctx is None:
        return False, None
    from .login_steps import KakaoSyncRow

    row = ctx.get(KakaoSyncRow)
    if row is None or row.user_pk != user.pk:
        return False, None
    return True, row.member


def session_missing(session: Any, user: Any) -> list[str]:
    """The required Kakao tags this session's member lacks (the store's one list, read
    as ``store.consents.session_missing`` reads it)."""
    return [
        str(item["tag"])
        for item in consents.session_missing(session, user)
        if item.get("where") == consents.AT_KAKAO
    ]


def _set_agreed(member: KakaoSyncMember, tags: set[str], agreed: bool) -> list[dict[str, Any]]:
    terms = []
    for term in member.terms:
        if isinstance(term, dict) and term.get("tag") in tags:
            term = {**term, "agreed": agreed}
            if not agreed:
                term["agreed_at"] = None
        terms.append(term)
    return terms


def apply_withdrawn(
    member: KakaoSyncMember,
    tags: set[str],
    config: SyncConfig,
    *,
    via: str = "kakao",
    channel: str = "kakao",
) -> None:
    """Record consents withdrawn (at Kakao or here) on the member and the customer."""
    member.terms = _set_agreed(member, tags, agreed=False)
    KakaoSyncMember.objects.filter(pk=member.pk).update(terms=member.terms)
    withdrawn = [t for t in consents.published_terms() if t.kakao_tag in tags and not t.mandatory]
    if withdrawn:
        consents.record(member.user, dict.fromkeys(withdrawn, False), via=via, channel=channel)
    if tags & config.marketing_tags:
        # Out of the ad audience: it is read from the customer's marketing consent.
        customers.set_marketing_consent(member.user, False, source="kakao_sync")


def holds_revocable(user: Any, tag: str) -> bool:
    """Whether Kakao holds the linked member's revocable agreement to ``tag``."""
    member = KakaoSyncMember.objects.filter(user=user).first()
    if member is None or not member.is_linked:
        return False
    return any(
        isinstance(t, dict) and t.get("tag") == tag and t.get("agreed") and t.get("revocable")
        for t in member.terms
    )


def withdraw(
    user: Any, tags: list[str], *, via: str = "form", channel: str = "kakao_consents_page"
) -> list[str]:
    """Withdraw the member's consent to ``tags`` at Kakao, then here (one transaction).

    Kakao's revoke call takes the admin key with the member's app user ID, so the shop
    needs no Kakao token of the member. Only terms Kakao reported ``revocable`` are sent.
    """
    config = load_config()
    member = KakaoSyncMember.objects.select_related("user").filter(user=user).first()
    if member is None or not member.is_linked:
        raise WithdrawRefused("not a linked Kakao Sync member")
    by_tag = {t.get("tag"): t for t in member.terms if isinstance(t, dict)}
    for tag in tags:
        term = by_tag.get(tag)
        if term is None or not term.get("agreed") or not term.get("revocable"):
            raise WithdrawRefused(f"{tag} is not an agreed, revocable term")
    if not config.admin_key_token:
        raise WithdrawRefused("no admin key stored")
    revoked = client.revoke_member_service_terms(
        admin_key=str(config.admin_key), user_id=member.kakao_user_id, tags=tags
    )
    with transaction.atomic():
        apply_withdrawn(member, set(revoked), config, via=via, channel=channel)
    logger.info("kakao terms %s withdrawn for user %s", ",".join(revoked), user.pk)
    return revoked
