"""The ad audience: who is in it, the admin view and exports, the management command."""

from __future__ import annotations

import pytest
import responses
from allauth.socialaccount.models import SocialAccount
from django.core.management import call_command
from django.utils import timezone

from kakaosync import audience
from kakaosync.models import KakaoSyncMember
from store import consents
from store.models import Customer, Term
from store.services.customers import delete_account

from .conftest import ADMIN_KEY
from .test_webhooks import make_kakao_customer

pytestmark = pytest.mark.django_db


def ad_term():
    # The audience is read from the consent record (store.Consent), never a flag.
    term = Term.objects.filter(kind="marketing_email", published=True).first()
    return term or consents.publish(
        Term(kind="marketing_email", title="Ads", text="Ads by e-mail", published=True)
    )


def member(uid, *, marketing=True, channel="NONE", phone="", phone_consented=False, sync=True):
    user = make_kakao_customer(uid, email=f"{uid}@example.com")
    Customer.objects.filter(user=user).update(phone=phone)
    consents.record(user, {ad_term(): marketing}, via="kakao", channel="test", notify=False)
    KakaoSyncMember.objects.filter(user=user).update(
        channel_status=channel, phone_consented=phone_consented, joined_via_sync=sync
    )
    return user


@pytest.fixture
def population(sync_on):
    member(1, channel="ADDED", phone="010-1111-2222", phone_consented=True)
    member(2, channel="ADDED", phone="010-3333-4444", phone_consented=False)
    member(3, channel="BLOCKED")
    member(4, marketing=False, channel="ADDED")
    member(5, sync=False)
    gone = member(6, channel="ADDED")
    KakaoSyncMember.objects.filter(user=gone).update(unlinked_at=timezone.now())


def test_who_is_in_the_audience(population):
    assert [m.kakao_user_id for m in audience.audience("moment")] == [1, 2, 3]
    assert [m.kakao_user_id for m in audience.audience("channel")] == [1, 2]
    counts = audience.counts()
    assert counts == {
        "sync_customers": 4,
        "moment": 3,
        "channel": 2,
        "channel_blocked": 1,
        "no_marketing": 1,
    }


def test_csv_has_phone_only_where_shared(population):
    text = "".join(audience.render(audience.audience("channel"), "csv"))
    assert text.splitlines() == ["app_user_id,phone", "1,010-1111-2222", "2,"]
    assert "".join(audience.render(audience.audience("moment"), "txt")) == "1\n2\n3\n"


def test_withdrawn_consent_and_blocked_channel_leave_the_audience(client, population):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(socialaccount__uid="1")
    consents.record(user, {ad_term(): False}, via="form", channel="test", notify=False)
    assert 1 not in [m.kakao_user_id for m in audience.audience("moment")]
    resp = client.post(
        "/kakaosync/webhooks/channel/",
        {"event": "blocked", "id": "2", "id_type": "app_user_id"},
        HTTP_AUTHORIZATION=f"KakaoAK {ADMIN_KEY}",
    )
    assert resp.status_code == 200
    assert [m.kakao_user_id for m in audience.audience("channel")] == []


def test_admin_view_and_exports(admin_client, population):
    page = admin_client.get("/admin/kakaosync/kakaosyncmember/audience/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="count-moment">3<' in html
    assert 'data-testid="count-channel">2<' in html
    resp = admin_client.get("/admin/kakaosync/kakaosyncmember/audience/channel.csv")
    assert resp["Content-Type"].startswith("text/csv")
    assert b"".join(resp.streaming_content).decode().splitlines()[1] == "1,010-1111-2222"
    assert admin_client.get("/admin/kakaosync/kakaosyncmember/audience/x.csv").status_code == 404
    assert admin_client.get("/admin/kakaosync/kakaosyncmember/").status_code == 200
    ids = list(KakaoSyncMember.objects.values_list("pk", flat=True))
    resp = admin_client.post(
        "/admin/kakaosync/kakaosyncmember/",
        {"action": "export_txt", "_selected_action": ids},
    )
    assert b"".join(resp.streaming_content).decode() == "1\n2\n3\n"


def test_audience_needs_admin(client, population):
    resp = client.get("/admin/kakaosync/kakaosyncmember/audience/moment.csv")
    assert resp.status_code == 302 and "/admin/login/" in resp["Location"]


def test_management_command(population, tmp_path, capsys):
    call_command("kakaosync_audience", "--channel", "--format", "txt")
    assert capsys.readouterr().out == "1\n2\n"
    out = tmp_path / "aud.csv"
    call_command("kakaosync_audience", "-o", str(out))
    assert out.read_text().splitlines()[0] == "app_user_id,phone"
    assert len(out.read_text().splitlines()) == 4
    call_command("kakaosync_audience", "--count")
    assert "moment: 3" in capsys.readouterr().out


@responses.activate
def test_account_deletion_unlinks_at_kakao_after_commit(
    sync_on, django_capture_on_commit_callbacks
):
    responses.post(
        "https://kapi.kakao.com/v1/user/unlink",
        match=[
            responses.matchers.header_matcher({"Authorization": f"KakaoAK {ADMIN_KEY}"}),
            responses.matchers.urlencoded_params_matcher(
                {"target_id_type": "user_id", "target_id": "77"}
            ),
        ],
        json={"id": 77},
    )
    user = member(77)
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(user)
    assert len(responses.calls) == 1
    assert not SocialAccount.objects.filter(user=user).exists()
    assert KakaoSyncMember.objects.get(user=user).unlinked_at is not None
    assert audience.counts()["moment"] == 0


@responses.activate
def test_failed_unlink_at_kakao_does_not_undo_the_deletion(
    sync_on, django_capture_on_commit_callbacks, caplog
):
    responses.post("https://kapi.kakao.com/v1/user/unlink", status=500, json={"code": -1})
    user = member(78)
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(user)
    user.refresh_from_db()
    assert not user.is_active
    assert "unlink after deletion" in caplog.text
    assert ADMIN_KEY not in caplog.text


def test_admin_customers_filtered_by_kakao_link(admin_client, population):
    url = "/admin/kakaosync/kakaosyncmember/"
    resp = admin_client.get(url, {"kakao_link": "unlinked"})
    assert resp.status_code == 200
    assert [m.kakao_user_id for m in resp.context["cl"].result_list] == [6]
    resp = admin_client.get(url, {"kakao_link": "linked"})
    assert sorted(m.kakao_user_id for m in resp.context["cl"].result_list) == [1, 2, 3, 4, 5]
    html = resp.content.decode()
    assert "Left the Kakao app" in html and "kakao1</a>" in html  # the customer, linked
