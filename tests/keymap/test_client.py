"""The partner client: signed JSON POSTs, limits, and every fault recorded, no secrets."""

from __future__ import annotations

import json
import logging

import pytest
import requests
import responses

from keymap import client as partner_client
from keymap.client import PartnerUnavailable
from keymap.conf import load
from keymap.models import Delivery

from .conftest import PARTNER, SECRET, SEED_ANSWER

URL = PARTNER + "/webhooks/user-authentication"


def _hook():
    return load().webhooks["user_authentication"]


@responses.activate
def test_signed_post_and_recorded_delivery(partner, caplog) -> None:
    responses.post(URL, json=SEED_ANSWER)
    caplog.set_level(logging.INFO, logger="keymap")
    answer = partner_client.authenticate_user(_hook(), login="gamer123", password="hunter2-pass")
    assert answer.ok and answer.data == SEED_ANSWER
    sent = responses.calls[0].request
    assert sent.headers["X-Store-Webhook"] == "user_authentication"
    assert partner_client.verify(SECRET, sent.body, sent.headers["X-Store-Signature"])
    assert sent.headers["X-Store-Signature"].startswith("sha256=")
    assert json.loads(sent.body) == {"login": "gamer123", "password": "hunter2-pass"}
    delivery = Delivery.objects.get()
    assert str(delivery.delivery_id) == sent.headers["X-Store-Delivery"]
    assert delivery.outcome == "ok" and delivery.status_code == 200
    recorded = " ".join(str(v) for v in Delivery.objects.values().get().values())
    assert "hunter2-pass" not in recorded and SECRET not in recorded
    assert "hunter2-pass" not in caplog.text and SECRET not in caplog.text


@pytest.mark.parametrize(
    ("kwargs", "outcome", "fragment"),
    [
        ({"status": 503}, "unavailable", "HTTP 503"),
        ({"status": 302, "headers": {"Location": "http://evil.test/"}}, "unavailable", "redirect"),
        ({"body": "<html>hi</html>"}, "bad_answer", "not JSON"),
        ({"json": [SEED_ANSWER]}, "bad_answer", "not an object"),
        ({"body": b"{" + b" " * (1024 * 1024 + 10) + b"}"}, "bad_answer", "larger than"),
        ({"body": requests.ConnectionError("refused")}, "unavailable", "ConnectionError"),
        ({"body": requests.ReadTimeout("slow")}, "unavailable", "no answer within"),
    ],
)
@responses.activate
def test_faults_raise_unavailable_and_are_recorded(partner, kwargs, outcome, fragment) -> None:
    responses.post(URL, **kwargs)
    with pytest.raises(PartnerUnavailable) as exc:
        partner_client.authenticate_user(_hook(), login="a", password="b")
    delivery = Delivery.objects.get()
    assert delivery.outcome == outcome
    assert fragment in delivery.error
    assert exc.value.delivery == delivery
    assert len(responses.calls) == 1  # never retried, never followed


@responses.activate
def test_refusal_carries_the_partners_reason(partner) -> None:
    responses.post(URL, status=409, json={"message": "Name taken at the partner"})
    answer = partner_client.authenticate_user(_hook(), login="a", password="b")
    assert not answer.ok and answer.reason == "Name taken at the partner"
    assert Delivery.objects.get().outcome == "refused"


def test_real_slow_partner_times_out(partner, settings) -> None:
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    from .conftest import configure_partner

    configure_partner(f"http://127.0.0.1:{port}", timeout=0.5)
    with pytest.raises(PartnerUnavailable):
        partner_client.validate_user(load().webhooks["user_validation"], user_id="1")
    assert Delivery.objects.get().error.startswith("no answer within 0.5")
    server.close()


def test_real_partner_down_is_unavailable(partner) -> None:
    import socket

    from .conftest import configure_partner

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    configure_partner(f"http://127.0.0.1:{port}")  # nothing listens there
    with pytest.raises(PartnerUnavailable):
        partner_client.validate_user(load().webhooks["user_validation"], user_id="1")
    assert "ConnectionError" in Delivery.objects.get().error


@responses.activate
def test_a_key_in_the_webhook_url_is_not_recorded(partner) -> None:
    from keymap.models import Webhook, invalidate

    url = "https://user:pw-in-url@partner.test/hook?api_key=s3cr3t-key"
    Webhook.objects.filter(name="user_authentication").update(url=url)
    invalidate()
    responses.post(url, body=requests.ConnectionError(f"failed to reach {url}"))
    with pytest.raises(PartnerUnavailable):
        partner_client.authenticate_user(_hook(), login="a", password="b")
    delivery = Delivery.objects.get()
    recorded = " ".join(str(v) for v in Delivery.objects.values().get().values())
    assert "s3cr3t-key" not in recorded and "pw-in-url" not in recorded
    assert delivery.url == "https://partner.test/hook?…"
    assert "partner.test/hook" in delivery.error


@responses.activate
def test_answers_are_asked_for_uncompressed(partner) -> None:
    responses.post(URL, json=SEED_ANSWER)
    partner_client.authenticate_user(_hook(), login="a", password="b")
    assert responses.calls[0].request.headers["Accept-Encoding"] == "identity"


def test_real_partner_dripping_its_answer_is_cut_at_the_timeout(partner) -> None:
    """Each byte comes within the read timeout, but the whole answer never comes in time."""
    import socket
    import threading
    import time

    from .conftest import configure_partner

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    stop = threading.Event()

    def drip() -> None:
        conn, _addr = server.accept()
        with conn:
            conn.recv(65536)
            body = b'{"user": {"player_id": "1"}, "pad": "' + b"x" * 40 + b'"}'
            head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n"
            conn.sendall(head.encode())
            for byte in body:
                if stop.wait(0.1):
                    return
                conn.sendall(bytes([byte]))

    threading.Thread(target=drip, daemon=True).start()
    configure_partner(f"http://127.0.0.1:{port}", timeout=0.5)
    started = time.perf_counter()
    with pytest.raises(PartnerUnavailable):
        partner_client.validate_user(load().webhooks["user_validation"], user_id="1")
    elapsed = time.perf_counter() - started
    stop.set()
    server.close()
    assert elapsed < 1.5  # the whole answer would take ~7 s
    assert Delivery.objects.get().error.startswith("no answer within 0.5")
