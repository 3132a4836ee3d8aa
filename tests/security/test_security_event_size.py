"""An oversized security event is refused early: 413, unread, one log line, no traceback.

RFC 8935 answers a token the receiver will not take with a 4xx, which the sender does not
deliver again; a 5xx asks it to retry, and a traceback per request fills the error log.
"""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from kakaosync.models import WebhookDelivery
from tests.kakaosync.conftest import kakao_login, sync_on

__all__ = ["kakao_login", "sync_on"]

pytestmark = pytest.mark.django_db
URL = "/kakaosync/webhooks/events/"


def test_a_3_mib_event_is_413_logged_once_without_a_traceback(sync_on, caplog):
    body = "e" * (3 * 1024 * 1024)
    with caplog.at_level(logging.INFO):
        response = Client().post(URL, body, content_type="application/secevent+jwt")
    assert response.status_code == 413
    assert response.json()["err"] == "invalid_request"
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]
    mentions = [r for r in caplog.records if "too large" in r.getMessage()]
    assert len(mentions) == 1, [r.getMessage() for r in caplog.records]
    assert not WebhookDelivery.objects.exists()


def test_the_body_is_not_read_beyond_the_limit(sync_on, settings):
    from django.test import RequestFactory

    from kakaosync.security_events import SecurityEvents

    class Tripwire:
        """A request stream that fails when read at all."""

        def read(self, *args: object) -> bytes:
            raise AssertionError("the body was read")

        readline = read

    request = RequestFactory().post(URL, b"x", content_type="application/secevent+jwt")
    request.META["CONTENT_LENGTH"] = str(10 * 1024 * 1024)
    request.META["wsgi.input"] = Tripwire()
    request._stream = Tripwire()  # type: ignore[attr-defined]
    response = SecurityEvents.endpoint()(request)
    assert response.status_code == 413


def test_a_body_within_the_limit_is_still_read(sync_on):
    response = Client().post(URL, "not-a-jwt", content_type="application/secevent+jwt")
    assert response.status_code == 400
    assert response.json()["err"] == "invalid_request"
