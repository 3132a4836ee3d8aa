"""Partner identities onto local customers, and account linking by ``server_custom_id``.

Only a verified partner answer (mapped through the admin's key name map) ever reaches
these functions: a ``server_custom_id`` never comes from what a shopper typed, except
through the user-validation webhook's 200, which is the partner's confirmation.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Q
from django.db.models.query import get_related_populators
from django.http import HttpRequest

from store import new_users, users
from store.services import customers
from store.services.customers import get_customer

from .app_settings import app_settings
from .models import PartnerLink

logger = logging.getLogger(__name__)

CUSTOMER_FIELDS = ("nickname", "birthday", "gender")
USER_FIELDS = ("first_name", "last_name")


class NewCustomerRefused(Exception):
    """The database refused a new customer's rows (a unique field, such as an e-mail that
    an account took meanwhile): no link race, so never retried as one."""


class EmailOwner(NamedTuple):
    user: Any
    verified: bool  # the address is a verified allauth address of ``user``


def email_owner(address: str) -> EmailOwner | None:
    """The account that already has ``address``, by its verified allauth address first,
    then by an unverified one or the user model's e-mail field (inactive ones too: a
    closed account still holds a unique e-mail). ``None``: nobody has it.

    A verified address owns its account; any other match is only what someone typed, so
    the caller asks for a proof that can take the account over (``sociallogin.ownership``).
    """
    from allauth.account.models import EmailAddress

    address = address.strip()
    if not address:
        return None
    manager = get_user_model()._default_manager
    verified = (
        EmailAddress.objects.filter(email__iexact=address, verified=True)
        .order_by("-user__is_active", "pk")
        .values_list("user_id", flat=True)
        .first()
    )
    if verified is not None:
        return EmailOwner(manager.get(pk=verified), True)
    match = Q(pk__in=EmailAddress.objects.filter(email__iexact=address).values("user_id"))
    field = users.email_field()
    if field:
        match |= Q(**{f"{field}__iexact": address})
    user = manager.filter(match).order_by("-is_active", "pk").first()
    return EmailOwner(user, False) if user is not None else None


def new_user(username_hint: str = "", email: str = "") -> Any:
    """A local user for a partner identity: no usable password, the partner holds it.

    ``username_hint`` names the user only on a model with a user name of its own; a model
    that logs in with its e-mail gets the address or a placeholder (``store.users``).
    """
    user = get_user_model()(**users.new_user_values(username_hint, email))
    user.set_unusable_password()
    with new_users.onboarded_by_caller():  # onboarded by the caller, on the partner's channel
        user.save()
    return user


def is_current(
    user: Any, link: PartnerLink, values: dict[str, Any], *, answer: dict[str, Any], source: str
) -> bool:
    """Whether :func:`apply_profile` would write nothing (a returning login, same answer)."""
    customer = getattr(user, "customer", None)
    if customer is None:
        return False
    for name in CUSTOMER_FIELDS:
        if name in values and getattr(customer, name) != values[name]:
            return False
    for name in USER_FIELDS:
        if name in values and hasattr(user, name) and getattr(user, name) != values[name]:
            return False
    if "server_custom_id" in values and link.server_custom_id != values["server_custom_id"]:
        return False
    return link.partner_data == capped_partner_data(answer) and link.source == source


def capped_partner_data(answer: dict[str, Any]) -> dict[str, Any]:
    """The partner's answer as kept for ``partner_data`` in the JWT, within the size cap.

    A JWT travels in headers (commonly limited to 8-16 KiB), so an answer over
    ``KEYMAP_PARTNER_DATA_MAX_BYTES`` keeps its top-level keys in order while they fit;
    the keys left out are logged. The mapping itself always sees the whole answer.
    """
    limit = app_settings.PARTNER_DATA_MAX_BYTES
    if len(json.dumps(answer, ensure_ascii=False, separators=(",", ":"))) <= limit:
        return answer
    kept: dict[str, Any] = {}
    size, dropped = 2, []
    for key, value in answer.items():
        item = len(json.dumps({key: value}, ensure_ascii=False, separators=(",", ":"))) - 1
        if size + item <= limit:
            kept[key] = value
            size += item
        else:
            dropped.append(key)
    logger.warning(
        "partner answer over %s bytes: keys left out of partner_data: %s",
        limit,
        ", ".join(dropped[:20]),
    )
    return kept


def apply_profile(
    user: Any,
    values: dict[str, Any],
    *,
    answer: dict[str, Any],
    source: str,
    link: PartnerLink | None = None,
) -> PartnerLink:
    """Write the mapped values (unmapped attributes keep theirs) and the partner's answer.

    Concurrent logins of one customer lock its rows in one order, the partner link first
    (as linking itself does), so two of them wait for each other instead of deadlocking.
    """
    # Usually already loaded with the link (select_related), so no query here.
    customer = getattr(user, "customer", None) or get_customer(user)
    changed = [f for f in CUSTOMER_FIELDS if f in values and getattr(customer, f) != values[f]]
    user_changed = [
        f for f in USER_FIELDS if f in values and hasattr(user, f) and getattr(user, f) != values[f]
    ]
    if link is None:
        link, _created = PartnerLink.objects.get_or_create(user=user)
    link_changed = []
    if (
        "server_custom_id" in values
        and not link.linked
        and link.server_custom_id != values["server_custom_id"]
    ):
        link.server_custom_id = values["server_custom_id"]
        link_changed.append("server_custom_id")
    partner_data = capped_partner_data(answer)
    if link.partner_data != partner_data:
        link.partner_data = partner_data
        link_changed.append("partner_data")
    if link.source != source:
        link.source = source
        link_changed.append("source")
    if not (changed or user_changed or link_changed):
        return link  # a returning login with the same answer writes nothing
    # The link row is locked first: by this UPDATE, or by a lock when only the profile moves.
    if link_changed:
        link.save(update_fields=[*link_changed, "updated_at"])
    else:
        PartnerLink.objects.select_for_update().filter(pk=link.pk).exists()
    if changed:
        customers.update_profile(
            customer, {f: values[f] for f in changed}, source=f"partner:{source}"
        )
    for name in user_changed:
        setattr(user, name, values[name])
    if user_changed:
        user.save(update_fields=user_changed)
    return link


def find_linked(server_custom_id: str) -> tuple[Any, PartnerLink] | None:
    """The customer linked to ``server_custom_id``, with its link and profile, if any."""
    link = _LINKED_LOOKUP.first(server_custom_id)
    return (link.user, link) if link is not None else None


class _PreparedLookup:
    """One ORM query compiled once per thread and database, then run with a new value.

    Every linked login runs the same three-table lookup; building and compiling it is
    most of its cost (on PostgreSQL ~0.5 ms of ~1 ms, the SQL itself ~0.3 ms). The SQL,
    the converters and the row-to-model mapping all stay Django's own: only the
    compilation is reused.
    """

    _SENTINEL = "\x00keymap-lookup-value"

    def __init__(self, build: Callable[[Any], Any]) -> None:
        self._build = build
        self._local = threading.local()

    def first(self, value: str) -> Any | None:
        alias = router.db_for_read(PartnerLink)
        prepared = self._prepared(alias)
        sql, params, positions, compiler, init_list, start, end, populators = prepared
        params = list(params)
        for position in positions:
            params[position] = value
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchmany(1)
        for row in compiler.results_iter([rows]):
            obj = compiler.klass_info["model"].from_db(alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            return obj
        return None

    def _prepared(self, alias: str) -> tuple[Any, ...]:
        cache: dict[str, tuple[Any, ...]] = self._local.__dict__.setdefault("by_alias", {})
        prepared = cache.get(alias)
        if prepared is None:
            queryset = self._build(self._SENTINEL).using(alias)
            compiler = queryset.query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            positions = [i for i, p in enumerate(params) if p == self._SENTINEL]
            if len(positions) != 1:  # pragma: no cover - the query's shape is fixed above
                raise RuntimeError("prepared lookup: the value must appear exactly once")
            fields = compiler.klass_info["select_fields"]
            start, end = fields[0], fields[-1] + 1
            init_list = [f[0].target.attname for f in compiler.select[start:end]]
            populators = get_related_populators(  # type: ignore[call-arg]  # stubs: newer Django
                compiler.klass_info, compiler.select, alias
            )
            prepared = (sql, tuple(params), positions, compiler, init_list, start, end, populators)
            cache[alias] = prepared
        return prepared


# No ORDER BY: the partial unique index allows one row at most (and sorting costs more
# than the lookup itself on every linked login).
_LINKED_LOOKUP = _PreparedLookup(
    lambda value: PartnerLink.objects.select_related("user", "user__customer").filter(
        server_custom_id=value, linked=True
    )[:1]
)


def linked_user(
    server_custom_id: str,
    *,
    candidate: Any | None = None,
    create: Callable[[], Any],
    candidate_is_new: bool = False,
    link_values: Mapping[str, Any] | None = None,
    look_first: bool = True,
) -> tuple[Any, PartnerLink]:
    """The one customer linked to ``server_custom_id``; made so if nobody is yet.

    Who becomes the linked customer, in order: the one already linked; ``candidate`` (the
    customer this login is already on); the oldest customer who carries the ID from
    before linking was on; a new customer from ``create``. Concurrent logins with the
    same ID race on the partial unique index: the loser re-reads the winner's row.
    Call inside a transaction.

    ``candidate_is_new``: the candidate was created in the caller's transaction and has no
    link row yet. ``link_values``: what a link row inserted here carries besides the ID
    (the partner's answer and its webhook), so that nothing writes it again.
    ``look_first=False``: the caller found nobody linked in this login already; a link
    made since is refused by the unique index, and then re-read. A new customer the
    database refuses (``create``) is the same race when a customer linked to the ID has
    committed meanwhile, else :class:`NewCustomerRefused`, for the caller to answer.
    """
    for attempt in range(3):
        found = find_linked(server_custom_id) if look_first or attempt else None
        if found is not None:
            return found
        try:
            # The savepoint catches the partial unique index's refusal, for the retry.
            with transaction.atomic():
                return _claim(
                    server_custom_id, candidate, create, candidate_is_new, link_values or {}
                )
        except NewCustomerRefused:
            # A parallel login with the same ID made its customer first (its user name or
            # address is the one this INSERT wanted; the database made this one wait for
            # its commit): that customer is the one. Any other refusal goes up.
            found = find_linked(server_custom_id)
            if found is None:
                raise
            logger.info("concurrent first login of a server_custom_id; the winner's customer")
            return found
        except IntegrityError:
            logger.info("concurrent link of a server_custom_id; re-reading the winner")
    raise RuntimeError("server_custom_id link kept conflicting")  # pragma: no cover


def _claim(
    server_custom_id: str,
    candidate: Any | None,
    create: Callable[[], Any],
    candidate_is_new: bool,
    link_values: Mapping[str, Any],
) -> tuple[Any, PartnerLink]:
    if candidate is None:
        earlier = (
            PartnerLink.objects.select_related("user", "user__customer")
            .filter(server_custom_id=server_custom_id, user__is_active=True)
            .order_by("created_at", "pk")
            .first()
        )
        if earlier is not None:
            if not earlier.linked:  # linked meanwhile by a login that just committed
                earlier.linked = True
                earlier.save(update_fields=["linked", "updated_at"])
            return earlier.user, earlier
        candidate, candidate_is_new = guarded(create), True
    claimed = {"server_custom_id": server_custom_id, "linked": True}
    if candidate_is_new:
        # Created in this transaction: no link row to look for, one INSERT makes it.
        return candidate, PartnerLink.objects.create(user=candidate, **link_values, **claimed)
    link, created = PartnerLink.objects.get_or_create(
        user=candidate, defaults={**link_values, **claimed}
    )
    if not created:
        link.server_custom_id = server_custom_id
        link.linked = True
        link.save(update_fields=["server_custom_id", "linked", "updated_at"])
    return candidate, link


def unlinked_user(server_custom_id: str, *, create: Callable[[], Any]) -> tuple[Any, PartnerLink]:
    """Without linking: the oldest customer carrying the ID, or a new one."""
    found = (
        PartnerLink.objects.select_related("user", "user__customer")
        .filter(server_custom_id=server_custom_id, user__is_active=True)
        .order_by("-linked", "created_at", "pk")
        .first()
    )
    if found is not None:
        return found.user, found
    try:
        user = guarded(create)
    except NewCustomerRefused:
        # A parallel first login with the same ID committed its customer first.
        winner = (
            PartnerLink.objects.select_related("user", "user__customer")
            .filter(server_custom_id=server_custom_id, user__is_active=True)
            .order_by("created_at", "pk")
            .first()
        )
        if winner is None:
            raise
        return winner.user, winner
    link = PartnerLink.objects.create(user=user, server_custom_id=server_custom_id)
    return user, link


def guarded(create: Callable[[], Any]) -> Any:
    """``create()``, its database refusal as :class:`NewCustomerRefused`."""
    try:
        with transaction.atomic():
            return create()
    except IntegrityError as exc:
        raise NewCustomerRefused(str(exc)) from exc


def creator(
    channel: str,
    *,
    username_hint: str = "",
    email: str = "",
    request: HttpRequest | None = None,
    proven: bool = True,
) -> Callable[[], Any]:
    """A factory for a new partner customer, onboarded like every other customer.

    ``proven=False`` (a user-ID login: a user ID is no secret): the customer gets the
    welcome benefits only at its first stronger login.
    """

    def create() -> Any:
        user = new_user(username_hint, email)
        if proven:
            customers.join(user, channel, {}, request=request)
        else:
            customers.join_deferred(user, channel)
        return user

    return create
