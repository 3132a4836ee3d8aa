"""Kakao's inbound webhooks as ``urls`` names them; each endpoint's view and its answers are
declared in ``webhooks`` (unlink, channel) and ``security_events`` (events)."""

from __future__ import annotations

from .security_events import SecurityEvents
from .webhooks import ChannelWebhook, UnlinkWebhook

unlink_webhook = UnlinkWebhook.endpoint()
channel_webhook = ChannelWebhook.endpoint()
security_events = SecurityEvents.endpoint()
