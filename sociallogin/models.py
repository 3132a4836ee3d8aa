"""Provider settings per store, archived links, deleted-account tombstones."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from store.fields import EncryptedTextField

from .catalog import DEFAULT_SIGNUP_RULES, PROVIDERS


def default_signup_fields() -> dict[str, str]:
    return dict(DEFAULT_SIGNUP_RULES)


class ProviderSettings(models.Model):
    """One provider's settings, as the store admin entered them (one row per provider)."""

    # No ``choices``: the catalogue (``sociallogin.providers``) is the list of providers, and
    # rows are only created for its ids, so a new provider needs no migration.
    provider = models.CharField(_("provider"), max_length=20, unique=True)
    enabled = models.BooleanField(_("enabled"), default=False)
    client_id = models.CharField(_("client ID"), max_length=255, blank=True)
    secret = EncryptedTextField(_("secret"), blank=True, default="")
    team_id = models.CharField(_("team ID"), max_length=20, blank=True)
    key_id = models.CharField(_("key ID"), max_length=20, blank=True)
    private_key = EncryptedTextField(_("private key"), blank=True, default="")
    signup_fields = models.JSONField(_("signup fields"), default=default_signup_fields)
    # Buttons on the login page go by this number, then by the catalog's order.
    position = models.PositiveSmallIntegerField(_("position on the login page"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("social login")
        verbose_name_plural = _("social login")
        ordering = ["pk"]

    def __str__(self) -> str:
        info = PROVIDERS.get(self.provider)
        return str(info.name if info else self.provider)

    def save(self, *args: Any, **kwargs: Any) -> None:
        from .conf import invalidate

        super().save(*args, **kwargs)
        invalidate()


class ProviderClient(models.Model):
    """Another client (app) whose tokens the provider's login accepts: an iOS or Android
    app's own client ID (Google), Kakao's native app key beside its REST API key.

    The provider's ``client_id`` stays the web client, the one the redirect login uses;
    these are only the audiences an app's token may carry (``sociallogin.app_tokens``).
    Provider user IDs are the same across the clients of one app or project, so adding or
    removing one archives no link.
    """

    provider = models.CharField(_("provider"), max_length=20)
    label = models.CharField(_("label"), max_length=60, help_text=_("e.g. iOS, Android"))
    client_id = models.CharField(_("client ID"), max_length=255)
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("app client")
        verbose_name_plural = _("app clients")
        ordering = ["provider", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "client_id"], name="sociallogin_client_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from .conf import invalidate

        super().save(*args, **kwargs)
        invalidate()

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        from .conf import invalidate

        result = super().delete(*args, **kwargs)
        invalidate()
        return result


class ClientIdChange(models.Model):
    """Audit of a client ID change: how many links were archived and restored."""

    provider = models.CharField(_("provider"), max_length=20)
    old_client_id = models.CharField(_("old client ID"), max_length=255, blank=True)
    new_client_id = models.CharField(_("new client ID"), max_length=255, blank=True)
    archived = models.PositiveIntegerField(_("links archived"), default=0)
    restored = models.PositiveIntegerField(_("links restored"), default=0)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("client ID change")
        verbose_name_plural = _("client ID changes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.provider}: {self.old_client_id} → {self.new_client_id}"


class ArchivedSocialAccount(models.Model):
    """A customer's link to a provider, set aside when the provider's client ID changed.

    Provider user IDs are issued per client (app), so a link only means something under the
    client ID it was made with. Switching back to that client ID restores it.
    """

    provider = models.CharField(_("provider"), max_length=20)
    client_id = models.CharField(_("client ID"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    uid = models.CharField(max_length=191)
    extra_data = models.JSONField(default=dict)
    date_joined = models.DateTimeField()
    last_login = models.DateTimeField()
    archived_at = models.DateTimeField(_("archived"), default=timezone.now)

    class Meta:
        verbose_name = _("archived social link")
        verbose_name_plural = _("archived social links")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "client_id", "uid"], name="sociallogin_archive_unique"
            )
        ]
        indexes = [models.Index(fields=["provider", "client_id"])]

    def __str__(self) -> str:
        return f"{self.provider} ({self.client_id}) #{self.user_id}"


class DeletedSocialAccount(models.Model):
    """Tombstone of a social account whose customer deleted the account.

    Holds a keyed HMAC of provider and provider user ID, never the ID itself, so the shop
    can refuse a new signup with that account without keeping personal data.
    """

    provider = models.CharField(_("provider"), max_length=20)
    digest = models.CharField(_("keyed hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("deleted"), default=timezone.now)
    # From when the account may join again: deletion + the admin's cool-down, or None
    # (never). Kept on the row so that checking a signup costs no extra query.
    rejoin_after = models.DateTimeField(_("may join again from"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("deleted social account")
        verbose_name_plural = _("deleted social accounts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.provider} {self.digest[:12]}…"


class RejoinPolicy(models.Model):
    """Whether a deleted social account may join again (one row, pk=1).

    Read only when an account is deleted (its tombstone gets ``rejoin_after``) and by the
    admin; saving it recomputes ``rejoin_after`` of every tombstone.
    """

    cooldown_days = models.PositiveIntegerField(
        _("days before a deleted social account may join again"),
        null=True,
        blank=True,
        help_text=_("Leave empty: a deleted social account can never join again."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("rejoin policy")
        verbose_name_plural = _("rejoin policy")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)
        # The policy applies to the tombstones already there, not only to future ones.
        days = self.cooldown_days
        DeletedSocialAccount.objects.update(
            rejoin_after=None
            if days is None
            else models.F("created_at") + datetime.timedelta(days=days)
        )

    @classmethod
    def cooldown(cls) -> int | None:
        return cls.objects.filter(pk=1).values_list("cooldown_days", flat=True).first()


class AppleToken(models.Model):
    """The refresh token Apple issued at the customer's last Sign in with Apple.

    Apple's account-deletion rule wants the shop to revoke the customer's tokens; the
    revoke call needs a token, the access token lasts an hour and the refresh token does
    not expire, so the refresh token is kept, encrypted, until the account is deleted.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uid = models.CharField(max_length=191, unique=True)
    refresh_token = EncryptedTextField(_("refresh token"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("Apple refresh token")
        verbose_name_plural = _("Apple refresh tokens")

    def __str__(self) -> str:
        return f"apple #{self.user_id}"


class AppleRevocation(models.Model):
    """What happened when the shop asked Apple to revoke a deleted customer's tokens."""

    class Outcome(models.TextChoices):
        REVOKED = "revoked", _("revoked")
        FAILED = "failed", _("failed")
        NO_TOKEN = "no_token", _("no token kept")

    # Text: the host's primary key may be an integer or a UUID (``store.users``).
    user_id = models.CharField(_("user ID"), max_length=64)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("Apple token revocation")
        verbose_name_plural = _("Apple token revocations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.user_id} {self.outcome}"


class SocialSignupDetails(models.Model):
    """What the social signup form asked beyond the store's customer profile."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="social_signup",
    )
    provider = models.CharField(_("provider"), max_length=20)
    address = models.CharField(_("address"), max_length=300, blank=True)
    terms_agreed_at = models.DateTimeField(_("terms agreed"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("social signup details")
        verbose_name_plural = _("social signup details")

    def __str__(self) -> str:
        return f"{self.provider} #{self.user_id}"
