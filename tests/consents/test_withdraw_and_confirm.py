"""The consents page withdraws at once (at Kakao too), mails the result with its date; the
two-yearly confirmation mails exactly those due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from kakaosync import audience
from store import consents
from store.models import Consent, ConsentNotice
from tests.kakaosync.conftest import CHANNEL, shop_kakao_login
from tests.kakaosync.test_webhooks import make_kakao_customer

pytestmark = pytest.mark.django_db


def with_ads(user, terms, *, at=None):
    consents.record(
        user,
        {terms["tos"]: True, terms["privacy"]: True, terms["email"]: True},
        via="form",
        channel="signup",
        at=at,
        notify=False,
    )


def test_withdrawing_takes_the_customer_out_of_the_audience_and_mails_the_date(
    client, terms, sync_on, mailoutbox, commits
):
    user = make_kakao_customer(1001, password=True)
    with_ads(user, terms)
    assert [m.user_id for m in audience.audience("moment")] == [user.pk]
    client.login(username="kakao1001", password="pw-123456")
    page = client.get("/account/consents/").content.decode()
    assert f'data-testid="withdraw-{terms["email"].pk}"' in page
    assert f'data-testid="withdraw-{terms["tos"].pk}"' not in page  # mandatory
    with commits(execute=True):
        resp = client.post(
            "/account/consents/",
            {"action": "withdraw", "term": terms["email"].pk},
            follow=True,
        )
    withdrawn = consents.current(user)[terms["email"].pk]
    assert not withdrawn.agreed
    when = timezone.localtime(withdrawn.at)
    assert f"{when:%Y-%m-%d}" in resp.content.decode()  # told on the page, with the date
    assert audience.audience("moment").count() == 0
    assert not user.customer.__class__.objects.get(user=user).marketing_consent
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["k@example.com"]
    assert f"Ads by e-mail: refused or withdrawn ({when:%Y-%m-%d %H:%M})" in mailoutbox[0].body
    assert ConsentNotice.objects.get(user=user).kind == "result"


def test_a_mandatory_term_cannot_be_withdrawn(client, terms):
    user = get_user_model().objects.create_user("a", "a@example.com", "pw-123456")
    with_ads(user, terms)
    client.login(username="a", password="pw-123456")
    resp = client.post(
        "/account/consents/", {"action": "withdraw", "term": terms["tos"].pk}, follow=True
    )
    assert "cannot be withdrawn" in resp.content.decode()
    assert consents.current(user)[terms["tos"].pk].agreed


def test_a_consent_kakao_holds_is_withdrawn_at_kakao_too(
    client, terms, sync_on, use_kakao_sandbox, mailoutbox, commits
):
    shop_kakao_login(
        client,
        use_kakao_sandbox,
        terms=["terms_of_service", "privacy_policy", "marketing"],
        channels=[CHANNEL],
    )
    client.post("/account/consents/join/", {"age_14_or_older": "on"})
    user = SocialAccount.objects.get(provider="kakao").user
    assert audience.audience("moment").count() == 1
    with commits(execute=True):
        client.post("/account/consents/", {"action": "withdraw", "term": terms["email"].pk})
    assert use_kakao_sandbox.state.links[1001].terms["marketing"]["agreed"] is False
    withdrawn = consents.current(user)[terms["email"].pk]
    assert (withdrawn.agreed, withdrawn.via, withdrawn.channel) == (False, "form", "consents_page")
    assert audience.audience("moment").count() == 0
    assert [m.to for m in mailoutbox][-1] == ["minji@example.com"]


def test_the_two_year_command_mails_exactly_those_due(terms, mailoutbox):
    now = timezone.now()
    make = get_user_model().objects.create_user
    due = make("due", "due@example.com")
    with_ads(due, terms, at=now - timedelta(days=731))
    recent = make("recent", "recent@example.com")
    with_ads(recent, terms, at=now - timedelta(days=700))
    withdrawn = make("withdrawn", "w@example.com")
    with_ads(withdrawn, terms, at=now - timedelta(days=900))
    consents.record(withdrawn, {terms["email"]: False}, via="form", channel="t", notify=False)
    confirmed = make("confirmed", "c@example.com")
    with_ads(confirmed, terms, at=now - timedelta(days=1000))
    ConsentNotice.objects.create(
        user=confirmed,
        kind="confirmation",
        sent_to="c@example.com",
        sent_at=now - timedelta(days=300),
    )
    call_command("confirm_consents")
    assert [m.to for m in mailoutbox] == [["due@example.com"]]
    assert "Ads by e-mail" in mailoutbox[0].body and "Withdraw" in mailoutbox[0].body
    assert "Terms of service" not in mailoutbox[0].body  # only the advertising consents
    notice = ConsentNotice.objects.get(user=due, kind="confirmation")
    assert notice.summary[0]["term"] == terms["email"].pk
    call_command("confirm_consents")  # recorded: nobody twice
    assert len(mailoutbox) == 1
    assert Consent.objects.filter(user=due, current=True).count() == 3


def test_the_audience_is_built_from_the_record_only(terms, sync_on):
    # A customer flag set by other code, with no consent recorded, does not put anyone in.
    user = make_kakao_customer(1002)
    user.customer.__class__.objects.filter(user=user).update(marketing_consent=True)
    assert audience.audience("moment").count() == 0
    consents.record(user, {terms["email"]: True}, via="kakao", channel="kakao_sync", notify=False)
    assert [m.user_id for m in audience.audience("moment")] == [user.pk]
