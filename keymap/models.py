"""Custom user storage: settings, the partner's webhooks, links and recorded deliveries."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from store.fields import EncryptedTextField
from store.singleton import SingletonModel, VersionedCache

from .app_settings import app_settings
from .mapping import CompiledKeyMap, compile_key_map


class Storage(models.TextChoices):
    BUILTIN = "builtin", _("Built-in storage")
    CUSTOM = "custom", _("Custom storage (the partner's user database)")


class WebhookName(models.TextChoices):
    USER_AUTHENTICATION = "user_authentication", _("User authentication")
    USER_CREATION = "user_creation", _("User creation")
    SOCIAL_LOGIN = "social_login", _("Social login")
    USER_VALIDATION = "user_validation", _("User validation")


# The user-validation webhook answers only "exists" (200) or "not found" (404).
MAPPED_WEBHOOKS = (
    WebhookName.USER_AUTHENTICATION,
    WebhookName.USER_CREATION,
    WebhookName.SOCIAL_LOGIN,
)


class UserDatabase(SingletonModel):
    """The one row of custom-storage settings (pk is always 1), with its four webhooks."""

    storage = models.CharField(
        _("storage"), max_length=10, choices=Storage.choices, default=Storage.BUILTIN
    )
    account_linking = models.BooleanField(
        _("enable user account linking"),
        default=False,
        help_text=_(
            "All accounts whose partner answer carries the same server_custom_id become one "
            "customer. Available only when server_custom_id is mapped in a key name map."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("user database")
        verbose_name_plural = _("user database")

    def __str__(self) -> str:
        return str(_("User database"))


class Webhook(models.Model):
    """One of the partner's four webhooks; the secret signs our calls and is never shown."""

    database = models.ForeignKey(
        UserDatabase, on_delete=models.CASCADE, related_name="webhooks", default=1
    )
    name = models.CharField(_("webhook"), max_length=30, choices=WebhookName.choices, unique=True)
    enabled = models.BooleanField(_("on"), default=False)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    secret = EncryptedTextField(_("signing secret"), blank=True)
    timeout = models.FloatField(
        _("timeout (seconds)"),
        default=5.0,
        validators=[MinValueValidator(0.5), MaxValueValidator(30.0)],
    )
    key_map = models.JSONField(_("key name map"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.get_name_display())

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        invalidate()

    @property
    def compiled_map(self) -> CompiledKeyMap:
        # Compiled once per loaded settings object (they are cached between requests).
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = compile_key_map(self.key_map or {})
            self.__dict__["_compiled"] = compiled
        return compiled

    @property
    def is_active(self) -> bool:
        return bool(self.enabled and self.url)


def _build_config() -> Any:
    # conf.py imports these models; the cache is wired here so that every save invalidates it.
    from .conf import build_config

    return build_config()


UserDatabase.settings_cache = VersionedCache(
    "keymap:settings:v1", _build_config, lambda: app_settings.SETTINGS_CACHE_TIMEOUT
)


def ensure_rows() -> None:
    """Create the settings row and its four webhooks (admin, storeconfig, demo seeding)."""
    database, _created = UserDatabase.objects.get_or_create(pk=1)
    existing = set(Webhook.objects.values_list("name", flat=True))
    for name in WebhookName.values:
        if name not in existing:
            Webhook.objects.get_or_create(name=name, defaults={"database": database})


def invalidate() -> None:
    UserDatabase.settings_cache.invalidate()


class PartnerLink(models.Model):
    """What the partner told us about a customer: its user ID and its last answer.

    ``linked`` marks the one customer that owns a ``server_custom_id`` under account
    linking; the partial unique constraint makes that "one" hold under concurrent logins.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_link",
        verbose_name=_("customer"),
    )
    server_custom_id = models.CharField(
        _("server_custom_id"), max_length=255, null=True, blank=True, db_index=True
    )
    linked = models.BooleanField(_("linked"), default=False)
    partner_login = models.CharField(
        _("login at the partner"), max_length=255, null=True, blank=True, unique=True
    )
    partner_data = models.JSONField(_("last partner answer"), default=dict, blank=True)
    source = models.CharField(
        _("last webhook"), max_length=30, choices=WebhookName.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("partner link")
        verbose_name_plural = _("partner links")
        constraints = [
            models.UniqueConstraint(
                fields=["server_custom_id"],
                condition=Q(linked=True),
                name="keymap_one_linked_customer_per_server_custom_id",
            ),
            models.CheckConstraint(
                condition=Q(linked=False) | Q(server_custom_id__isnull=False),
                name="keymap_linked_needs_server_custom_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.server_custom_id or '-'} → #{self.user_id}"


class Delivery(models.Model):
    """One call to the partner: what happened, never what was sent (no passwords)."""

    class Outcome(models.TextChoices):
        OK = "ok", _("Accepted")
        REFUSED = "refused", _("Refused (4xx)")
        NOT_FOUND = "not_found", _("Not found (404)")
        UNAVAILABLE = "unavailable", _("Unavailable (down, slow or 5xx)")
        BAD_ANSWER = "bad_answer", _("Unusable answer")

    delivery_id = models.UUIDField(_("delivery ID"), default=uuid.uuid4, unique=True)
    webhook = models.CharField(_("webhook"), max_length=30, choices=WebhookName.choices)
    url = models.CharField(_("URL"), max_length=500)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    duration_ms = models.FloatField(_("duration (ms)"))
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.webhook} {self.delivery_id}"


class SigningKey(models.Model):
    """An RS256 key for the shop's JWTs; the newest active one signs, all active verify."""

    kid = models.CharField(_("key ID"), max_length=64, unique=True)
    private_key = EncryptedTextField(_("private key"))
    public_jwk = models.JSONField(_("public key (JWK)"))
    active = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("token signing key")
        verbose_name_plural = _("token signing keys")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return str(self.kid)


class RevokedSession(models.Model):
    """A logged-out session: the JWTs it was given (their ``sid`` claim) are no longer accepted.

    One row per session, however many tokens it asked for; kept until the last of them has
    expired (``keymap_prune_revoked_tokens`` then drops it).
    """

    sid = models.CharField(_("session"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True
    )
    expires_at = models.DateTimeField(_("expires"), db_index=True)
    revoked_at = models.DateTimeField(_("revoked"), default=timezone.now)

    class Meta:
        verbose_name = _("revoked session")
        verbose_name_plural = _("revoked sessions")

    def __str__(self) -> str:
        return self.sid


class CredentialsNotBefore(models.Model):
    """Sessions and JWTs of this customer established before ``not_before`` are void.

    Set when Kakao reports the account disabled or its sessions revoked, and when the
    account is deleted: one row per customer, whatever number of tokens were issued.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    not_before = models.DateTimeField(_("not before"))
    reason = models.CharField(_("reason"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("revoked credentials")
        verbose_name_plural = _("revoked credentials")

    def __str__(self) -> str:
        return f"#{self.user_id} < {self.not_before:%Y-%m-%d %H:%M:%S}"
