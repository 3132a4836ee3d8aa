"""Social signup with custom storage when the "finish joining" form is needed.

A social signup talks to the partner through the social-login webhook only: the form
must not call the user-creation webhook (the social-login webhook already created that
user at the partner, so it would answer "already taken" and leave a stray user), and a
partner that knows the Kakao user must not make the form fail on the customer row.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.contrib.auth import get_user_model

from keymap.models import Delivery
from store.models import Customer

from ..keymap.conftest import PARTNER, PATHS, answer, configure_partner

User = get_user_model()
SOCIAL = PARTNER + PATHS["social_login"]
CREATE = PARTNER + PATHS["user_creation"]
SIGNUP_FORM = "/accounts/3rdparty/signup/"


def kakao_user_without_email(uid: int = 4242) -> dict[str, Any]:
    return {
        "id": uid,
        "connected_at": "2026-01-01T00:00:00Z",
        "kakao_account": {"profile": {"nickname": "Minji"}},
    }


@pytest.fixture
def kakao(db: Any) -> Iterator[responses.RequestsMock]:
    from sociallogin.models import ProviderSettings

    ProviderSettings.objects.update_or_create(
        provider="kakao",
        defaults={"enabled": True, "client_id": "kakao-client", "secret": "kakao-secret"},
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(
            responses.POST,
            "https://kauth.kakao.com/oauth/token",
            json={"access_token": "at", "token_type": "bearer", "expires_in": 3600},
        )
        rsps.add(
            responses.GET, "https://kapi.kakao.com/v2/user/me", json=kakao_user_without_email()
        )
        yield rsps


def _to_signup_form(client: Any) -> Any:
    resp = client.post("/accounts/kakao/login/")
    state = parse_qs(urlsplit(resp["Location"]).query)["state"][0]
    return client.get("/accounts/kakao/login/callback/", {"code": "c0de", "state": state})


def _finish(client: Any) -> Any:
    return client.post(SIGNUP_FORM, {"email": "minji@example.com", "name": "Minji"})


def _creation_calls(rsps: responses.RequestsMock) -> int:
    return sum(1 for call in rsps.calls if call.request.url == CREATE)


def test_signup_form_completes_without_the_user_creation_webhook(client: Any, kakao: Any) -> None:
    configure_partner()
    kakao.add(responses.POST, SOCIAL, json=answer(player_id="555", username="minji"))
    # What the partner says when asked to create the user its social-login webhook created.
    kakao.add(responses.POST, CREATE, status=409, json={"reason": "already taken"})
    assert _to_signup_form(client)["Location"] == SIGNUP_FORM
    done = _finish(client)
    assert done.status_code == 302, done.content.decode()[:1000]
    user = User.objects.get()
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.customer.join_channel == "kakao" and user.customer.nickname == "minji"
    assert user.partner_link.server_custom_id == "555"
    assert _creation_calls(kakao) == 0
    assert list(Delivery.objects.values_list("webhook", flat=True)) == ["social_login"]


def test_signup_form_with_a_partner_that_knows_the_user_and_linking(
    client: Any, kakao: Any
) -> None:
    from store.services import points

    from ..store.factories import set_welcome

    set_welcome(points=500)
    configure_partner(linking=True)
    kakao.add(responses.POST, SOCIAL, json=answer(player_id="777", username="minji"))
    kakao.add(responses.POST, CREATE, json=answer(player_id="777", username="minji"))
    assert _to_signup_form(client)["Location"] == SIGNUP_FORM
    done = _finish(client)
    assert done.status_code == 302, done.content.decode()[:1000]
    user = User.objects.get()
    assert Customer.objects.filter(user=user).count() == 1
    assert user.partner_link.linked and user.partner_link.server_custom_id == "777"
    assert _creation_calls(kakao) == 0
    assert points.balance(user.customer) == 500  # welcome benefits exactly once


def test_partner_refusal_of_a_social_signup_is_a_recorded_delivery(
    client: Any, kakao: Any, admin_client: Any
) -> None:
    configure_partner()
    kakao.add(responses.POST, SOCIAL, status=403, json={"reason": "banned"})
    resp = _to_signup_form(client)
    assert resp.status_code == 302 and resp["Location"] != SIGNUP_FORM
    assert not User.objects.filter(is_staff=False).exists()
    refused = Delivery.objects.get(outcome=Delivery.Outcome.REFUSED)
    assert refused.webhook == "social_login"
    page = admin_client.get("/admin/keymap/delivery/", {"outcome__exact": "refused"})
    assert str(refused.delivery_id) in page.content.decode() or "social" in page.content.decode()


def test_a_refused_user_creation_during_a_social_signup_is_never_asked(
    client: Any, kakao: Any
) -> None:
    """Before the fix every try of the form left a refused call that nobody could see."""
    configure_partner()
    kakao.add(responses.POST, SOCIAL, json=answer(player_id="555"))
    kakao.add(responses.POST, CREATE, status=409, json={"reason": "already taken"})
    _to_signup_form(client)
    for _ in range(2):
        _finish(client)
    assert _creation_calls(kakao) == 0
    assert Delivery.objects.filter(webhook="user_creation").count() == 0
