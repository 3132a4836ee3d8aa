"""Kakao Sync settings, each customer's Sync data, and the webhooks Kakao delivered."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from store.fields import EncryptedTextField
from store.singleton import SingletonModel, VersionedCache

from .app_settings import app_settings


class KakaoSyncSettings(SingletonModel):
    """The one row of Kakao Sync settings (pk is always 1)."""

    enabled = models.BooleanField(_("Kakao Sync"), default=False)
    app_id = models.PositiveBigIntegerField(
        _("App ID"),
        null=True,
        blank=True,
        help_text=_("The numeric App ID of your app in Kakao Developers (My Application)."),
    )
    admin_key = EncryptedTextField(
        _("admin key"),
        blank=True,
        default="",
        help_text=_("Kakao checks webhooks with it and the shop unlinks users with it."),
    )
    channel_public_id = models.CharField(
        _("Kakao Talk Channel public ID"),
        max_length=40,
        blank=True,
        help_text=_("Shown on the consent screen so customers can add the channel (e.g. _ZeUTxl)."),
    )
    quick_signup_confirmed = models.BooleanField(
        _("Kakao Quick Signup is ON in Kakao Developers"),
        default=False,
        help_text=_("Kakao Sync works only when [Kakao Quick Signup] is ON for your app."),
    )
    kakao_only_in_app_browser = models.BooleanField(
        _("Allow customers to log in only using a Kakao ID in the Kakao in-app browser"),
        default=False,
        help_text=_(
            "In KakaoTalk's in-app browser, customers can then only log in or sign up with "
            "Kakao; customers with a store ID connect it to Kakao once. PC and mobile web "
            "browsers are not affected."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("Kakao Sync settings")
        verbose_name_plural = _("Kakao Sync settings")

    def __str__(self) -> str:
        return str(_("Kakao Sync settings"))


class ServiceTerm(models.Model):
    """A service term shown on Kakao's consent screen (its tag is set in Kakao Developers)."""

    settings = models.ForeignKey(
        KakaoSyncSettings, on_delete=models.CASCADE, related_name="service_terms"
    )
    tag = models.CharField(
        _("tag"),
        max_length=40,
        help_text=_("The term's tag exactly as registered in Kakao Developers."),
    )
    title = models.CharField(_("title"), max_length=100)
    required = models.BooleanField(_("required"), default=True)
    marketing = models.BooleanField(
        _("marketing consent"),
        default=False,
        help_text=_("Agreeing to this term is the customer's consent to advertising."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("service term")
        verbose_name_plural = _("service terms")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["settings", "tag"], name="kakaosync_term_tag_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.tag})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        invalidate_settings()

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        result = super().delete(*args, **kwargs)
        invalidate_settings()
        return result


def _build_config() -> Any:
    from .conf import build_config

    return build_config()


KakaoSyncSettings.settings_cache = VersionedCache(
    "kakaosync:settings:version",
    _build_config,
    lambda: app_settings.SETTINGS_CACHE_TIMEOUT,
)


def invalidate_settings() -> None:
    KakaoSyncSettings.settings_cache.invalidate()


class ChannelStatus(models.TextChoices):
    ADDED = "ADDED", _("Added")
    BLOCKED = "BLOCKED", _("Blocked")
    NONE = "NONE", _("Not added")


class KakaoSyncMember(models.Model):
    """A customer's Kakao Sync data: their Kakao app user ID, consents and channel status."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="kakaosync",
    )
    kakao_user_id = models.BigIntegerField(_("Kakao app user ID"), db_index=True)
    app_id = models.BigIntegerField(_("App ID"), null=True, blank=True)
    joined_via_sync = models.BooleanField(_("joined through Kakao Sync"), default=False)
    synched_at = models.DateTimeField(_("Kakao Sync signup (Kakao's synched_at)"), null=True)
    # [{"tag", "required", "agreed", "agreed_at", "agreed_by", "revocable"}] as Kakao's
    # /v2/user/service_terms said
    # at the last login: one row per customer keeps a Sync login to a single write.
    terms = models.JSONField(_("service terms"), default=list, blank=True)
    phone_consented = models.BooleanField(_("phone number shared by Kakao"), default=False)
    channel_public_id = models.CharField(_("channel"), max_length=40, blank=True)
    channel_status = models.CharField(
        _("channel status"), max_length=10, choices=ChannelStatus.choices, default="NONE"
    )
    channel_updated_at = models.DateTimeField(_("channel status changed"), null=True, blank=True)
    last_read_at = models.DateTimeField(_("last read from Kakao"), default=timezone.now)
    unlinked_at = models.DateTimeField(_("left the Kakao app"), null=True, blank=True)
    unlink_reason = models.CharField(_("unlink reason"), max_length=30, blank=True)
    profile_changed_at = models.DateTimeField(
        _("profile changed at Kakao"),
        null=True,
        blank=True,
        help_text=_("Kakao reported a profile change; the next login refreshes the profile."),
    )
    needs_recovery = models.BooleanField(
        _("needs email recovery"),
        default=False,
        help_text=_("Kakao was the only way to log in; the customer can recover by email."),
    )

    class Meta:
        verbose_name = _("Kakao Sync customer")
        verbose_name_plural = _("Kakao Sync customers")
        indexes = [models.Index(fields=["joined_via_sync", "unlinked_at"])]

    def __str__(self) -> str:
        return f"Kakao {self.kakao_user_id} → #{self.user_id}"

    @property
    def is_linked(self) -> bool:
        return self.unlinked_at is None


class WebhookDelivery(models.Model):
    """Every webhook call Kakao (or anyone) made, and what the shop did with it."""

    class Kind(models.TextChoices):
        UNLINK = "unlink", _("Unlink")
        CHANNEL = "channel", _("Channel")
        EVENTS = "events", _("Security event")

    class Outcome(models.TextChoices):
        PROCESSED = "processed", _("Processed")
        UNKNOWN_USER = "unknown_user", _("Unknown user")
        DUPLICATE = "duplicate", _("Already handled")
        UNAUTHORIZED = "unauthorized", _("Wrong or missing admin key")
        WRONG_APP = "wrong_app", _("Wrong App ID")
        BAD_REQUEST = "bad_request", _("Bad parameters")
        DISABLED = "disabled", _("No admin key stored")
        ERROR = "error", _("Internal error")
        INVALID_TOKEN = "invalid_token", _("Security event token not valid")
        REPLAYED = "replayed", _("Security event token already received")
        IGNORED = "ignored", _("Event type not handled (recorded)")

    kind = models.CharField(_("webhook"), max_length=10, choices=Kind.choices)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    method = models.CharField(max_length=8)
    app_id = models.CharField(_("App ID"), max_length=30, blank=True)
    kakao_user_id = models.CharField(_("Kakao user ID"), max_length=30, blank=True)
    event = models.CharField(_("referrer type / event"), max_length=200, blank=True)
    # Kakao sends it for apps of an app group: the user's token across the group.
    group_user_token = models.CharField(_("group user token"), max_length=200, blank=True)
    # A security event token's ID: unique, so a replayed token is never acted on twice.
    jti = models.CharField(_("token ID (jti)"), max_length=100, null=True, blank=True, unique=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(_("answered"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("Kakao webhook delivery")
        verbose_name_plural = _("Kakao webhook deliveries")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.event} {self.outcome}"
