"""Recorded webhook deliveries are pruned after the retention period (floods of forged
webhook calls cannot grow the tables for ever)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kakaosync.models import WebhookDelivery
from keymap.models import Delivery

pytestmark = pytest.mark.django_db


def _kakao(days_ago: int) -> None:
    WebhookDelivery.objects.create(
        kind="unlink",
        method="POST",
        outcome="unauthorized",
        status_code=401,
        received_at=timezone.now() - timedelta(days=days_ago),
    )


def _partner(days_ago: int) -> None:
    Delivery.objects.create(
        webhook="user_validation",
        url="http://p",
        outcome="ok",
        duration_ms=1.0,
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def test_prune_keeps_the_retention_period(settings) -> None:
    for days in (1, 100, 200):
        _kakao(days)
        _partner(days)
    out = io.StringIO()
    call_command("kakaosync_prune_deliveries", "--dry-run", stdout=out)
    assert out.getvalue().startswith("2 ") and WebhookDelivery.objects.count() == 3
    call_command("kakaosync_prune_deliveries", stdout=io.StringIO())
    assert WebhookDelivery.objects.count() == 1
    settings.KEYMAP_DELIVERY_RETENTION_DAYS = 150
    call_command("keymap_prune_deliveries", stdout=io.StringIO())
    assert Delivery.objects.count() == 2
    call_command("keymap_prune_deliveries", "--days", "30", stdout=io.StringIO())
    assert Delivery.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("keymap_prune_deliveries", "--days", "0")
