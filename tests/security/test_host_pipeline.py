"""A host's own login steps, in a host project that is not the demo.

The host extends the plugin's pipeline in its settings (``STORE_LOGIN_PIPELINE``, see
``host_project/settings.py``): a form of its own in the middle of a first Kakao login
(paused before anything is written, resumed by the host's view), and an audit step at the
end of every stage. A Kakao Sync signup with custom storage runs each stage once.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

from kakaosync.models import KakaoSyncMember
from store.default_pipeline import PIPELINE
from store.models import Customer
from tests.kakaosync.conftest import (  # noqa: F401  (fixtures)
    CHANNEL,
    TERMS,
    kakao_login,
    kakao_sandbox,
    shop_kakao_login,
    sync_on,
    use_kakao_sandbox,
)
from tests.keymap.conftest import configure_partner, partner_sandbox  # noqa: F401

from .host_project import settings as host_settings
from .host_project.fixtures import host  # noqa: F401

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def host_pipeline(host: Any) -> Any:  # noqa: F811
    host.STORE_LOGIN_PIPELINE = host_settings.STORE_LOGIN_PIPELINE
    return host


def test_a_hosts_step_pauses_a_kakao_sync_signup_for_its_own_form_and_resumes_it(
    host_pipeline: Any,
    sync_on: Any,  # noqa: F811
    use_kakao_sandbox: Any,  # noqa: F811
    partner_sandbox: Any,  # noqa: F811
    client: Client,
) -> None:
    # The partner links the account and names no nickname (its word would win over the form).
    key_map = {"server_custom_id": "user.player_id", "gender": "user_info.gender"}
    configure_partner(partner_sandbox.base_url, linking=True, key_map=key_map)
    response, _authorize = shop_kakao_login(
        client, use_kakao_sandbox, terms=[t[0] for t in TERMS], channels=[CHANNEL]
    )
    # Paused before anything is written: the host's form, nothing in the database.
    assert response.status_code == 302 and response["Location"] == "/join/nickname/"
    assert not User.objects.exists() and not Customer.objects.exists()
    form = client.get("/join/nickname/")
    assert form.status_code == 200 and 'data-testid="nickname-step">kakao<' in form.content.decode()

    done = client.post("/join/nickname/", {"nickname": "Sunny"})
    assert done.status_code == 302 and done["Location"] == "/me/", done.content[:500]
    customer = Customer.objects.get()
    assert customer.nickname == "Sunny" and customer.join_channel == "kakao"
    assert customer.profile_sources["nickname"]["source"] == "form"
    assert customer.welcome_granted_at is not None
    assert KakaoSyncMember.objects.filter(user=customer.user, joined_via_sync=True).exists()
    assert customer.user.partner_link.server_custom_id  # the partner's answer, linked
    # Each stage once, on one context (the paused pass stopped before the audit step).
    assert client.session["host_stages"] == [
        "pre_social_login:social",
        "save_user:social",
        "user_signed_up:social",
        "user_logged_in:social",
    ]
    webhooks = [d["webhook"] for d in partner_sandbox.received]
    assert webhooks == ["social_login"]  # the partner was asked once
    # Nothing is paused any more: the form cannot replay the login.
    assert client.post("/join/nickname/", {"nickname": "Again"})["Location"] == "/login/"


def test_a_returning_login_and_a_hosts_own_login_view_run_the_hosts_step(
    host_pipeline: Any,
    sync_on: Any,  # noqa: F811
    use_kakao_sandbox: Any,  # noqa: F811
    client: Client,
) -> None:
    User.objects.create_user("shopper", "shopper@example.com", "pw-12345678")
    response = client.post("/login/", {"username": "shopper", "password": "pw-12345678"})
    assert response.status_code == 302
    assert client.session["host_stages"] == ["user_logged_in:password"]


def test_the_hosts_pipeline_passes_the_checks_and_dropping_a_promise_fails_them(
    host_pipeline: Any,
) -> None:
    call_command("check")
    dropped = {
        stage: tuple(p for p in paths if not p.endswith(".stamp_session_login_time"))
        for stage, paths in host_settings.STORE_LOGIN_PIPELINE.items()
    }
    host_pipeline.STORE_LOGIN_PIPELINE = dropped
    with pytest.raises(SystemCheckError, match=r"store\.E005"):
        call_command("check")
    assert "keymap.login_steps.stamp_session_login_time" in PIPELINE["user_logged_in"]
