"""The plugin core's data: store settings, customers, the points ledger, the welcome coupon's
definition, merges and deletions. The built-in shop's catalogue, orders and issued coupons
are in ``store.commerce`` (optional)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .app_settings import app_settings
from .singleton import SingletonModel, VersionedCache, private_copy


class StoreSettings(SingletonModel):
    """The one row of store-wide settings (pk is always 1)."""

    name = models.CharField(_("store name"), max_length=100, default="Social Store")
    age_restricted = models.BooleanField(
        _("age-restricted store"),
        default=False,
        help_text=_(
            "Sells goods for adults only. Social login supplies no date of birth, so it is "
            "switched off while this is on."
        ),
    )
    welcome_points = models.PositiveIntegerField(
        _("welcome points"),
        default=0,
        help_text=_("Points every new customer receives, whatever the way they joined."),
    )
    welcome_coupon = models.ForeignKey(
        "store.CouponTemplate",
        verbose_name=_("welcome coupon"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Coupon every new customer receives, whatever the way they joined."),
    )
    under_14_policy = models.CharField(
        _("customers under 14"),
        max_length=10,
        choices=[
            ("refuse", _("Refuse: only customers aged 14 or older may join")),
            ("guardian", _("Accept with the consent of a legal guardian")),
        ],
        default="refuse",
        help_text=_(
            "The Personal Information Protection Act (art. 22-2) asks for a legal guardian's "
            "consent to process the personal data of a child under 14."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("store settings")
        verbose_name_plural = _("store settings")

    def __str__(self) -> str:
        return str(self.name)

    @classmethod
    def load(cls) -> StoreSettings:
        """The settings, no query per request once loaded (a copy: callers may change it)."""
        return private_copy(cls.settings_cache.get())


StoreSettings.settings_cache = VersionedCache(
    "store:settings:version",
    StoreSettings.get_solo,
    lambda: app_settings.SETTINGS_CACHE_TIMEOUT,
)


class JoinChannel:
    """How a customer joined: ``store`` (store ID and password) or a provider id."""

    STORE = "store"


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    OTHER = "other", _("Other")


class Customer(models.Model):
    """The shop's profile of a user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="customer",
    )
    join_channel = models.CharField(
        _("join channel"), max_length=30, default=JoinChannel.STORE, db_index=True
    )
    nickname = models.CharField(_("nickname"), max_length=100, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    marketing_consent = models.BooleanField(_("marketing consent"), default=False)
    marketing_consent_at = models.DateTimeField(_("marketing consent given"), null=True, blank=True)
    welcome_granted_at = models.DateTimeField(_("welcome benefits given"), null=True, blank=True)
    # {field: {"source": "provider:kakao" | "form" | "partner:social_login" | ..., "at": ISO}}
    # so that the provider's value and what the customer typed are told apart; written
    # only by store.services.customers.
    profile_sources = models.JSONField(
        _("where profile values came from"), default=dict, blank=True
    )
    created_at = models.DateTimeField(_("joined"), default=timezone.now)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.nickname or self.user.get_username()

    @property
    def points_balance(self) -> int:
        return int(self.point_entries.aggregate(total=Sum("amount"))["total"] or 0)


class WelcomedAccount(models.Model):
    """A provider account (provider + its user ID) whose customer got the welcome benefits.

    Kept after the link ends (an unlink at Kakao, a disconnect, a deletion) so that joining
    again with the same account brings no second grant. A keyed hash, never the ID
    (``store.services.customers.welcomed_digests``).
    """

    digest = models.CharField(max_length=64, unique=True)
    provider = models.CharField(_("provider"), max_length=30)
    created_at = models.DateTimeField(_("welcomed"), default=timezone.now)

    class Meta:
        verbose_name = _("welcomed provider account")
        verbose_name_plural = _("welcomed provider accounts")

    def __str__(self) -> str:
        return f"{self.provider} {self.digest[:12]}"


class PointEntry(models.Model):
    """One line of the points ledger: the balance is the sum, never a stored counter."""

    class Reason(models.TextChoices):
        WELCOME = "welcome", _("Welcome points")
        ORDER_SPENT = "order_spent", _("Spent on an order")
        ORDER_EARNED = "order_earned", _("Earned with an order")
        ADJUSTMENT = "adjustment", _("Adjustment")
        MERGE = "merge", _("Moved from a merged account")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="point_entries")
    amount = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The built-in shop's order (``store.commerce``, optional), by id: the ledger is core
    # and a host without the built-in shop keeps it too.
    order_ref = models.BigIntegerField(_("order"), null=True, blank=True, db_column="order_id")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="point_entry_nonzero")]

    def __str__(self) -> str:
        return f"{self.amount:+d} ({self.get_reason_display()})"


class CouponTemplate(models.Model):
    """What a coupon gives; issued to customers as :class:`Coupon`."""

    class Kind(models.TextChoices):
        AMOUNT = "amount", _("Fixed amount off")
        PERCENT = "percent", _("Percent off")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("discount type"), max_length=10, choices=Kind.choices)
    value = models.PositiveIntegerField(
        _("value"), validators=[MinValueValidator(1)], help_text=_("Won off, or percent off.")
    )
    min_order_total = models.PositiveIntegerField(_("minimum order total"), default=0)
    valid_days = models.PositiveIntegerField(
        _("valid for (days)"), default=30, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("coupon type")
        verbose_name_plural = _("coupon types")
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="coupon_value_positive"),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(value__lte=100), name="coupon_percent_max_100"
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.PERCENT:
            return f"{self.name} ({self.value}%)"
        return f"{self.name} (₩{self.value:,})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.kind == self.Kind.PERCENT and self.value and self.value > 100:
            raise ValidationError({"value": _("A percentage cannot exceed 100.")})

    def discount_for(self, total: int) -> int:
        if total < self.min_order_total:
            return 0
        if self.kind == self.Kind.PERCENT:
            return total * self.value // 100
        return min(self.value, total)


def _coupon_code() -> str:
    # Referenced by migration 0001; store.commerce's Coupon uses it.
    return secrets.token_hex(5).upper()


class RequestLock(models.Model):
    """A name held until the request that took it ends (``store.request_lock``, its one
    writer): a row, not a PostgreSQL session lock, so it holds through any connection pooler."""

    key = models.BigIntegerField(primary_key=True)
    holder = models.UUIDField()
    # A holder that died (a worker killed mid-request) never deletes its row; after this time
    # the next request takes it over.
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("request lock")
        verbose_name_plural = _("request locks")

    def __str__(self) -> str:
        return f"{self.key} until {self.expires_at:%H:%M:%S}"


class MergeRecord(models.Model):
    """Audit of one merge: everything of ``source`` moved onto ``target``."""

    target = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    target_repr = models.CharField(max_length=200)
    # A string: the host's primary key may be an integer or a UUID (``store.users``).
    source_user_id = models.CharField(max_length=64)
    source_repr = models.CharField(max_length=200)
    reason = models.CharField(_("reason"), max_length=200)
    moved = models.JSONField(_("moved"), default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("account merge")
        verbose_name_plural = _("account merges")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_repr} → {self.target_repr}"


class AccountDeletion(models.Model):
    """Audit of a deleted account (no personal data: only what was done)."""

    user_id = models.CharField(max_length=64)  # an integer or a UUID, as the host's pk
    join_channel = models.CharField(max_length=30)
    orders_kept = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("account deletion")
        verbose_name_plural = _("account deletions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.user_id} ({self.created_at:%Y-%m-%d})"


class AccountTakeover(models.Model):
    """Audit of a take-over: the owner of the account's never-verified address proved it,
    and every other way into the account ended (``store.services.takeover``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    user_repr = models.CharField(_("account"), max_length=200)
    proof = models.CharField(_("proof"), max_length=200)
    # {"password": 1, "social_accounts": 2, "email_addresses": 1, "keymap.partner_links": 1, ...}
    ended = models.JSONField(_("ended"), default=dict)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("account take-over")
        verbose_name_plural = _("account take-overs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_repr} ({self.created_at:%Y-%m-%d})"


# --- terms and consents (store.consents is their one writer) -------------------------------


class TermKind(models.TextChoices):
    TERMS_OF_SERVICE = "tos", _("Terms of service")
    PRIVACY = "privacy", _("Collection and use of personal data")
    THIRD_PARTY = "third_party", _("Provision of personal data to third parties")
    MARKETING_EMAIL = "marketing_email", _("Advertising by e-mail")
    MARKETING_SMS = "marketing_sms", _("Advertising by text message")
    MARKETING_PUSH = "marketing_push", _("Advertising by app push")
    MARKETING_NIGHT = "marketing_night", _("Advertising between 21:00 and 08:00")
    OTHER = "other", _("Other")


# The kinds that are consent to advertising (Network Act art. 50): never mandatory.
MARKETING_KINDS = frozenset(
    {
        TermKind.MARKETING_EMAIL,
        TermKind.MARKETING_SMS,
        TermKind.MARKETING_PUSH,
        TermKind.MARKETING_NIGHT,
    }
)


class Term(models.Model):
    """One of the store's terms, as customers are asked it now.

    Changing its title or text publishes a new version (``TermVersion``); the consents
    given to the earlier one keep their version and its text.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=TermKind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    mandatory = models.BooleanField(
        _("mandatory"),
        default=False,
        help_text=_("A customer cannot join without agreeing. Advertising is never mandatory."),
    )
    kakao_tag = models.CharField(
        _("Kakao Sync tag"),
        max_length=40,
        blank=True,
        help_text=_(
            "The tag of the same term on Kakao's consent screen (Kakao Sync): Kakao's "
            "answer for it counts as the customer's answer here."
        ),
    )
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Asked of customers while published.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms and consents")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(
                    kind__in=[
                        "marketing_email",
                        "marketing_sms",
                        "marketing_push",
                        "marketing_night",
                    ],
                    mandatory=True,
                ),
                name="store_term_marketing_not_mandatory",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def is_marketing(self) -> bool:
        return self.kind in MARKETING_KINDS


class TermVersion(models.Model):
    """The text of a term as one version said it (kept for the consents given to it)."""

    # A term with consents cannot be deleted (Consent.term protects it); its versions go
    # with a draft that nobody agreed to.
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    mandatory = models.BooleanField(_("mandatory"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("term version")
        verbose_name_plural = _("term versions")
        ordering = ["term", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["term", "version"], name="store_term_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class ConsentVia(models.TextChoices):
    FORM = "form", _("The shop's form")
    KAKAO = "kakao", _("Kakao's consent screen")
    PARTNER = "partner", _("The partner")
    ADMIN = "admin", _("The admin")
    GUARDIAN = "guardian", _("A legal guardian, on the shop's form")


class Consent(models.Model):
    """One statement of a customer about one term: agreed or withdrawn, when, through what.

    Append-only; ``current`` marks the latest statement per customer and term. Written only
    by ``store.consents.record``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="store_consents",
    )
    term = models.ForeignKey(
        Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="consents"
    )
    version = models.PositiveIntegerField(_("version"))
    agreed = models.BooleanField(_("agreed"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    via = models.CharField(_("through"), max_length=10, choices=ConsentVia.choices)
    # Where it was asked: "signup", "social:naver", "kakao_sync", "host", "consents_page", ...
    channel = models.CharField(_("where"), max_length=40, blank=True)
    current = models.BooleanField(_("current"), default=True)
    # A child under 14 joined with a guardian's consent (PIPA art. 22-2): who gave it.
    guardian_name = models.CharField(_("guardian"), max_length=100, blank=True)
    guardian_contact = models.CharField(_("guardian's contact"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "term"],
                condition=Q(current=True),
                name="store_consent_one_current",
            )
        ]
        indexes = [models.Index(fields=["term", "agreed", "current"])]

    def __str__(self) -> str:
        state = _("agreed") if self.agreed else _("withdrawn")
        return f"{self.term.title} v{self.version}: {state}"


class ConsentNotice(models.Model):
    """A notice mailed to a customer about their consents: the result of a statement
    (Network Act art. 50(7)) or the two-yearly confirmation (art. 50(8))."""

    class Kind(models.TextChoices):
        RESULT = "result", _("Result of a consent or withdrawal")
        CONFIRMATION = "confirmation", _("Two-yearly confirmation")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="store_consent_notices",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sent_to = models.CharField(_("sent to"), max_length=254)
    # [{"term": id, "title", "version", "agreed", "at"}]: what the notice said.
    summary = models.JSONField(_("what it said"), default=list)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("consent notice")
        verbose_name_plural = _("consent notices")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sent_at:%Y-%m-%d}"
