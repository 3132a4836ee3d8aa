"""The store's terms and each customer's consents: the one writer of ``store.Consent``.

Every way of joining (the store-ID signup, the social "finish joining" form, Kakao Sync,
a partner, a host's own registration) hands its answers to :func:`record`; the consents
page withdraws through :func:`withdraw`; Kakao's answers arrive through
:func:`record_kakao_terms`.

One mechanism asks again for what a logged-in customer lacks: a mandatory term published
since or a new version of one (agreed on the shop's consents page), and a required Kakao
Sync term the store added after the member joined (agreed on Kakao's consent screen,
registered by ``kakaosync`` as a :class:`RequiredSource`). The login step
``store.consent_steps.note_missing_consents`` notes every missing item on the session
(one key, :data:`SESSION_KEY`), the request guard ``store.required_consents`` holds the
customer before any write, and the consents page lists everything missing.

The legal frame (PIPA art. 15, 22, 22-2; Network Act art. 50) is in the README's consent
section.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .app_settings import app_settings
from .models import (
    MARKETING_KINDS,
    Consent,
    ConsentNotice,
    ConsentVia,
    StoreSettings,
    Term,
    TermKind,
    TermVersion,
)
from .singleton import VersionedCache

logger = logging.getLogger(__name__)

# What the session's customer still has to agree to, and what it was checked against:
# ``{"checked": {source: fingerprint}, "missing": {source: [item, ...]}}``. A source is read
# again only when its fingerprint changed (a term published, a version, a Kakao tag added).
SESSION_KEY = "store:required"
# Network Act art. 50(8): each consent to advertising is confirmed every two years.
CONFIRM_EVERY = timedelta(days=730)
# Advertising consents proper (night-time sending is a consent on top of one of them).
AD_KINDS = MARKETING_KINDS - {TermKind.MARKETING_NIGHT}


class WithdrawRefused(Exception):
    """The consent cannot be withdrawn here (a mandatory term, or not agreed)."""


@dataclass(frozen=True)
class Guardian:
    """Who consented for a child under 14 (PIPA art. 22-2)."""

    name: str
    contact: str


# --- the terms -----------------------------------------------------------------------------


def _build_terms() -> tuple[Term, ...]:
    return tuple(Term.objects.filter(published=True).order_by("position", "pk"))


# Read on every signup, Kakao Sync login and guarded POST: no query while warm.
_published = VersionedCache(
    "store:terms:version", _build_terms, lambda: app_settings.SETTINGS_CACHE_TIMEOUT
)


def published_terms() -> list[Term]:
    """The published terms as customers are asked them (copies: callers may not change
    the shared ones)."""
    return [copy.copy(t) for t in _published.get()]


def invalidate_terms() -> None:
    _published.invalidate()


def publish(term: Term) -> Term:
    """Save ``term``; a changed title, text or mandatory flag is a new version (the consents
    to the earlier one keep theirs, and a new mandatory version is asked again)."""
    with transaction.atomic():
        last = TermVersion.objects.filter(term_id=term.pk).order_by("-version").first()
        if last is not None and (last.title, last.text, last.mandatory) != (
            term.title,
            term.text,
            term.mandatory,
        ):
            term.version = last.version + 1
        term.save()
        invalidate_terms()
        if last is None or last.version != term.version:
            TermVersion.objects.create(
                term=term,
                version=term.version,
                title=term.title,
                text=term.text,
                mandatory=term.mandatory,
            )
    return term


def version_published_at(term: Term) -> datetime | None:
    found = TermVersion.objects.filter(term_id=term.pk, version=term.version).first()
    return found.published_at if found is not None else None


# --- reading a customer's consents ---------------------------------------------------------


def current(user: Any) -> dict[int, Consent]:
    """The customer's latest statement per term id."""
    return {
        c.term_id: c for c in Consent.objects.filter(user=user, current=True).select_related("term")
    }


def holds(consent: Consent | None, term: Term) -> bool:
    """Whether ``consent`` agrees to the term as it is now (its current version)."""
    return consent is not None and consent.agreed and consent.version == term.version


def missing_mandatory(user: Any, terms: Iterable[Term] | None = None) -> list[Term]:
    """The published mandatory terms the customer has not agreed to in their current version."""
    terms = published_terms() if terms is None else list(terms)
    mine = current(user)
    return [t for t in terms if t.mandatory and not holds(mine.get(t.pk), t)]


def _mandatory_key(terms: Iterable[Term]) -> list[list[int]]:
    return sorted([t.pk, t.version] for t in terms if t.mandatory)


# --- what a logged-in customer still has to agree to ----------------------------------------

# Where an item is agreed: the shop's consents page, or Kakao's consent screen.
AT_STORE = "store"
AT_KAKAO = "kakao"


class RequiredSource(Protocol):
    """One kind of thing a customer must have agreed to (the store's mandatory terms,
    Kakao Sync's required tags). Items are JSON-safe dicts with ``where`` and a key
    (``term``: a term id, or ``tag``: a Kakao tag)."""

    name: str

    def fingerprint(self) -> Any:
        """What the answer depends on, JSON-safe, without a query while warm."""
        ...

    def missing(self, user: Any, ctx: Any = None) -> list[dict[str, Any]]:
        """The items ``user`` lacks (``ctx``: the login's context, when a login asks)."""
        ...


class StoreTerms:
    """The store's published mandatory terms, agreed on the consents page."""

    name = AT_STORE

    def fingerprint(self) -> Any:
        return _mandatory_key(published_terms())

    def missing(self, user: Any, ctx: Any = None) -> list[dict[str, Any]]:
        mandatory = [t for t in published_terms() if t.mandatory]
        if not mandatory:
            return []  # a login costs no query for it
        return [{"where": AT_STORE, "term": t.pk} for t in missing_mandatory(user, mandatory)]


_sources: dict[str, RequiredSource] = {AT_STORE: StoreTerms()}


def register_required_source(source: RequiredSource) -> None:
    """Called from an app's ``ready()``: its items join the one list the guard asks."""
    _sources[source.name] = source


def required_sources() -> list[RequiredSource]:
    return list(_sources.values())


def note_missing(session: Any, user: Any, ctx: Any = None) -> list[dict[str, Any]]:
    """Read every source for ``user`` and note what is missing on the session (at login,
    and when the consents page shows or saves)."""
    checked: dict[str, Any] = {}
    missing: dict[str, list[dict[str, Any]]] = {}
    for source in required_sources():
        checked[source.name] = source.fingerprint()
        missing[source.name] = source.missing(user, ctx)
    session[SESSION_KEY] = {"checked": checked, "missing": missing}
    return _combined(missing)


def session_missing(session: Any, user: Any) -> list[dict[str, Any]]:
    """Everything this session's customer lacks, however it logged in (a login noted it;
    a host's own ``login()`` or an older session is read at its first guarded request).

    A source is read again only when its fingerprint changed since it was noted: no query
    per request for a customer's consents or Kakao row, one per session and change.
    """
    noted = session.get(SESSION_KEY)
    if not isinstance(noted, dict):
        noted = {}
    checked = dict(noted.get("checked") or {})
    missing = dict(noted.get("missing") or {})
    changed = False
    for source in required_sources():
        fingerprint = source.fingerprint()
        if source.name not in checked or checked[source.name] != fingerprint:
            checked[source.name] = fingerprint
            missing[source.name] = source.missing(user)
            changed = True
    for name in set(checked) - set(_sources):
        checked.pop(name)
        missing.pop(name, None)
        changed = True
    if changed:
        session[SESSION_KEY] = {"checked": checked, "missing": missing}
    return _combined(missing)


def noted(session: Any) -> list[dict[str, Any]]:
    """What the session noted, without reading anything again."""
    found = session.get(SESSION_KEY)
    return _combined((found or {}).get("missing") or {}) if isinstance(found, dict) else []


def _combined(missing: Mapping[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One list, in the sources' order. A store term Kakao's screen will ask (its tag is
    among Kakao's missing ones) is asked there only: Kakao's answer records it."""
    items = [item for name in _sources for item in missing.get(name, [])]
    at_kakao = {item.get("tag") for item in items if item.get("where") == AT_KAKAO}
    if not at_kakao:
        return items
    tags = {t.pk: t.kakao_tag for t in published_terms()}
    return [
        item
        for item in items
        if not (item.get("where") == AT_STORE and tags.get(int(item.get("term") or 0)) in at_kakao)
    ]


def describe_missing(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The items as a person or a front end reads them: where, key, title, form param."""
    terms = {t.pk: t for t in published_terms()}
    items = list(items)
    kakao_titles = _titles(AT_KAKAO) if any(i.get("where") == AT_KAKAO for i in items) else {}
    described: list[dict[str, Any]] = []
    for item in items:
        if item.get("where") == AT_KAKAO:
            tag = str(item.get("tag"))
            described.append(
                {"where": AT_KAKAO, "tag": tag, "param": tag, "title": kakao_titles.get(tag, tag)}
            )
        else:
            term = terms.get(int(item.get("term") or 0))
            if term is None:
                continue  # unpublished since: nothing to agree to
            described.append(
                {
                    "where": AT_STORE,
                    "term": term.pk,
                    "version": term.version,
                    "param": f"term_{term.pk}",
                    "title": term.title,
                }
            )
    return described


def _titles(where: str) -> dict[str, str]:
    """A source's own titles for its items (Kakao's tags: the admin's Sync terms)."""
    source = _sources.get(where)
    titles = getattr(source, "titles", None)
    return dict(titles()) if titles is not None else {}


def ad_consenting_users() -> QuerySet[Consent]:
    """Current agreements to an advertising term: the one source of every ad audience."""
    return Consent.objects.filter(
        current=True, agreed=True, term__published=True, term__kind__in=AD_KINDS
    )


def consents_to_ads(user_field: str = "user") -> Exists:
    """For a queryset's filter: the row's user currently agrees to an advertising term."""
    return Exists(ad_consenting_users().filter(user=OuterRef(user_field)))


# --- the one writer ------------------------------------------------------------------------


def record(
    user: Any,
    answers: Mapping[Term, bool],
    *,
    via: str,
    channel: str,
    guardian: Guardian | None = None,
    at: datetime | None = None,
    notify: bool = True,
) -> list[Consent]:
    """Record the customer's answers (term → agreed); the statements that changed anything.

    A statement equal to the current one (same answer, same version) is not written again.
    The result of every statement on an advertising term is mailed to the customer with
    its date (Network Act art. 50(7)), once the transaction commits.
    """
    if via not in ConsentVia.values:
        raise ValueError(f"unknown consent source {via!r}")
    at = at or timezone.now()
    written: list[Consent] = []
    with transaction.atomic():
        mine = {
            c.term_id: c
            for c in Consent.objects.select_for_update().filter(
                user=user, current=True, term__in=[t.pk for t in answers]
            )
        }
        for term, agreed in answers.items():
            if term.mandatory and not agreed and via != ConsentVia.ADMIN:
                # The forms refuse this already; a caller that did not is a bug, not a
                # customer without the terms.
                raise ValueError(f"mandatory term {term.pk} refused")
            before = mine.get(term.pk)
            if (
                before is not None
                and before.agreed == bool(agreed)
                and (before.version == term.version or not agreed)
            ):
                continue
            if before is not None:
                Consent.objects.filter(pk=before.pk).update(current=False)
            written.append(
                Consent.objects.create(
                    user=user,
                    term=term,
                    version=term.version,
                    agreed=bool(agreed),
                    at=at,
                    via=via,
                    channel=channel[:40],
                    current=True,
                    guardian_name=guardian.name[:100] if guardian else "",
                    guardian_contact=guardian.contact[:254] if guardian else "",
                )
            )
        if any(c.term.kind in AD_KINDS for c in written):
            sync_customer_flag(user, via, at)
    if written:
        logger.info(
            "consents of user %s via %s (%s): %s",
            user.pk,
            via,
            channel,
            ", ".join(f"{c.term_id}v{c.version}={'y' if c.agreed else 'n'}" for c in written),
        )
    marketing = [c for c in written if c.term.is_marketing]
    if notify and marketing:
        transaction.on_commit(lambda: send_result(user, marketing))
    return written


def sync_customer_flag(user: Any, via: str, at: datetime) -> None:
    """``Customer.marketing_consent`` mirrors the records for the code that reads it (a
    signup through the store's form records before its customer row exists: the
    ``user_signed_up`` step calls this again)."""
    from .models import Customer
    from .services import customers

    if not Customer.objects.filter(user=user).exists():
        return  # written with the customer row (a signup records before it exists)
    agreed = ad_consenting_users().filter(user=user).exists()
    customers.set_marketing_consent(user, agreed, source=f"consent:{via}", at=at)


def withdraw(user: Any, term: Term, *, channel: str = "consents_page") -> Consent:
    """Withdraw an optional consent now: at Kakao first when Kakao holds it (nothing is
    changed when Kakao refuses), then here; the customer is mailed the result."""
    if term.mandatory:
        raise WithdrawRefused(f"term {term.pk} is mandatory")
    now = current(user).get(term.pk)
    if now is None or not now.agreed:
        raise WithdrawRefused(f"term {term.pk} is not agreed")
    if term.kakao_tag:
        _withdraw_at_kakao(user, term.kakao_tag)
    written = record(user, {term: False}, via=ConsentVia.FORM, channel=channel)
    return written[0] if written else current(user)[term.pk]


def _withdraw_at_kakao(user: Any, tag: str) -> None:
    from django.apps import apps

    if not apps.is_installed("kakaosync"):
        return
    from kakaosync import terms as kakao_terms

    if kakao_terms.holds_revocable(user, tag):
        # Raises KakaoError when Kakao does not confirm: the caller tells the customer.
        kakao_terms.withdraw(user, [tag], via=ConsentVia.FORM, channel="consents_page")


def record_kakao_terms(
    user: Any, kakao_terms: Iterable[Mapping[str, Any]], *, channel: str = "kakao_sync"
) -> list[Consent]:
    """Kakao's answer for the tags its consent screen showed counts for the store's terms
    with those tags; the store's other terms are asked by the shop.

    An agreement older than the term's current version does not agree to that version.
    """
    by_tag = {str(t.get("tag")): t for t in kakao_terms if isinstance(t, Mapping)}
    answers: dict[Term, bool] = {}
    for term in published_terms():
        kakao = by_tag.get(term.kakao_tag) if term.kakao_tag else None
        if kakao is None:
            continue
        agreed = bool(kakao.get("agreed"))
        if agreed:
            agreed_at = _parse(kakao.get("agreed_at"))
            since = version_published_at(term)
            # Kakao's times are to the second.
            if (
                agreed_at is not None
                and since is not None
                and agreed_at < since.replace(microsecond=0)
            ):
                continue  # agreed to an earlier version: the shop asks this one
        elif term.mandatory:
            continue  # Kakao lost a required term: the login asks it again
        answers[term] = agreed
    if not answers:
        return []
    return record(user, answers, via=ConsentVia.KAKAO, channel=channel)


def _parse(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


# --- the notices (Network Act art. 50(7), 50(8)) --------------------------------------------


def _summary(consents: Iterable[Consent]) -> list[dict[str, Any]]:
    return [
        {
            "term": c.term_id,
            "title": c.term.title,
            "version": c.version,
            "agreed": c.agreed,
            "at": c.at.isoformat(),
        }
        for c in consents
    ]


def _mail(user: Any, kind: str, consents: list[Consent], template: str) -> ConsentNotice | None:
    address = str(getattr(user, "email", "") or "")
    if not address:
        logger.warning("consent notice (%s) for user %s not sent: no e-mail address", kind, user.pk)
        return None
    store = StoreSettings.load()
    context = {"store": store, "consents": consents, "user": user}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    send_mail(subject, body, None, [address])
    return ConsentNotice.objects.create(
        user=user, kind=kind, sent_to=address, summary=_summary(consents)
    )


def send_result(user: Any, consents: list[Consent]) -> ConsentNotice | None:
    """The result of consents to, refusals of or withdrawals from advertising, with the date."""
    try:
        return _mail(user, ConsentNotice.Kind.RESULT, consents, "store/consents/result_mail")
    except Exception:
        # The statement stands; a failed mail is logged for the admin to resend.
        logger.exception("consent result notice for user %s failed", user.pk)
        return None


def due_for_confirmation(now: datetime | None = None) -> dict[Any, list[Consent]]:
    """Customers whose advertising consent is two years old since it was given or last
    confirmed, with those consents."""
    now = now or timezone.now()
    cutoff = now - CONFIRM_EVERY
    last_confirmation = ConsentNotice.objects.filter(
        user=OuterRef("user"), kind=ConsentNotice.Kind.CONFIRMATION, sent_at__gt=cutoff
    )
    due = (
        Consent.objects.filter(current=True, agreed=True, term__kind__in=MARKETING_KINDS)
        .filter(at__lte=cutoff, user__is_active=True)
        .exclude(Exists(last_confirmation))
        .exclude(Q(user__email="") | Q(user__email__isnull=True))
        .select_related("term", "user")
        .order_by("user_id", "term__position")
    )
    found: dict[Any, list[Consent]] = {}
    for consent in due:
        found.setdefault(consent.user, []).append(consent)
    return found


def send_confirmations(now: datetime | None = None) -> int:
    """Mail each due customer what they agreed to and how to withdraw; record it."""
    sent = 0
    for user, consents in due_for_confirmation(now).items():
        try:
            notice = _mail(
                user, ConsentNotice.Kind.CONFIRMATION, consents, "store/consents/confirm_mail"
            )
        except Exception:
            logger.exception("two-yearly consent confirmation for user %s failed", user.pk)
            continue
        if notice is not None:
            sent += 1
    return sent


def consents_url() -> str:
    from .host import get_host_adapter

    return get_host_adapter().consents_url(None)


def under_14_policy() -> str:
    return str(StoreSettings.load().under_14_policy)


def describe(consent: Consent) -> str:
    return _("%(title)s, version %(version)s") % {
        "title": consent.term.title,
        "version": consent.version,
    }
