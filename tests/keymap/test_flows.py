"""The four webhooks through the shop's own pages (test client, partner faked with responses)."""

from __future__ import annotations

import datetime as dt

import pytest
import responses
from django.contrib.auth import get_user_model
from django.urls import reverse

from keymap.models import Delivery, PartnerLink
from store.models import Customer, PointEntry, StoreSettings

from .conftest import PARTNER, PATHS, answer, configure_partner

User = get_user_model()
AUTH = PARTNER + PATHS["user_authentication"]
CREATE = PARTNER + PATHS["user_creation"]
VALIDATE = PARTNER + PATHS["user_validation"]


@pytest.fixture
def welcome(db):
    settings_ = StoreSettings.load()
    settings_.welcome_points = 500
    settings_.save()


def _login(client, login="gamer123", password="pw-123456"):
    return client.post(reverse("account_login"), {"login": login, "password": password})


@responses.activate
def test_password_login_creates_and_updates_the_partner_customer(client, partner, welcome) -> None:
    responses.post(AUTH, json=answer())
    response = _login(client)
    assert response.status_code == 302
    user = User.objects.get(partner_link__server_custom_id="12345678")
    assert int(client.session["_auth_user_id"]) == user.pk
    customer = user.customer
    assert (customer.nickname, customer.gender, customer.birthday) == (
        "gamer123",
        "male",
        dt.date(1990, 5, 15),
    )
    assert (user.first_name, user.last_name) == ("John", "Doe")
    assert not user.has_usable_password()
    assert PointEntry.objects.filter(customer=customer, reason="welcome").count() == 1
    assert user.partner_link.partner_data["loyalty_level"] == "gold"
    assert client.session["store.login_type"] == "partner"
    # Second login: the same customer, profile updated, welcome not given twice.
    client.logout()
    responses.replace(responses.POST, AUTH, json=answer(username="gamer-renamed"))
    _login(client)
    assert User.objects.filter(partner_link__isnull=False).count() == 1
    customer.refresh_from_db()
    assert customer.nickname == "gamer-renamed"
    assert PointEntry.objects.filter(customer=customer, reason="welcome").count() == 1


@responses.activate
def test_wrong_password_is_wrong_credentials(client, partner) -> None:
    responses.post(AUTH, status=401, json={"error": "bad credentials"})
    response = _login(client)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert Delivery.objects.get().outcome == "refused"
    assert not User.objects.exists()


@pytest.mark.parametrize("fault", [{"status": 500}, {"body": "not json"}, {"json": [1, 2]}])
@responses.activate
def test_partner_fault_is_unavailable_not_wrong_password(client, partner, fault) -> None:
    responses.post(AUTH, **fault)
    response = _login(client)
    content = response.content.decode()
    assert response.status_code == 200
    assert "unavailable" in content or "cannot use" in content
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()
    assert Delivery.objects.count() == 1


@pytest.mark.parametrize(
    "bad",
    [
        answer(player_id=""),
        answer(birthday="15/05/1990"),
        answer(gender=7),
        {"user": {"email": "x@example.com"}, "user_info": {"username": "x"}},
    ],
)
@responses.activate
def test_answer_that_does_not_fit_the_map_writes_nothing(client, partner, bad) -> None:
    responses.post(AUTH, json=bad)
    response = _login(client)
    assert "cannot use" in response.content.decode()
    assert not User.objects.exists() and not PartnerLink.objects.exists()
    delivery = Delivery.objects.get()
    assert delivery.outcome == "bad_answer" and "key name map" in delivery.error


@responses.activate
def test_builtin_storage_never_calls_the_partner(client, db) -> None:
    User.objects.create_user("local", password="pw-123456")
    response = _login(client, "local")
    assert response.status_code == 302
    assert len(responses.calls) == 0


@responses.activate
def test_local_admin_still_logs_in_when_partner_says_no(client, partner) -> None:
    User.objects.create_superuser("admin", "admin@example.com", "admin-pw-1")
    responses.post(AUTH, status=404)
    assert _login(client, "admin", "admin-pw-1").status_code == 302


def _signup(client, username="newbie"):
    return client.post(
        reverse("account_signup"),
        {
            "username": username,
            "email": f"{username}@example.com",
            "password1": "a-Long-pass-123",
            "password2": "a-Long-pass-123",
        },
    )


@responses.activate
def test_signup_calls_user_creation_and_maps_the_answer(client, partner, welcome) -> None:
    responses.post(CREATE, json=answer(player_id="777", username="NewbieNick"))
    response = _signup(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="newbie")
    assert user.partner_link.server_custom_id == "777"
    assert user.customer.nickname == "NewbieNick"
    sent = responses.calls[0].request.body.decode()
    assert "a-Long-pass-123" not in sent  # passwords go only to user authentication
    assert PointEntry.objects.filter(customer__user=user, reason="welcome").exists()


@responses.activate
def test_signup_refusal_shows_the_partners_reason(client, partner) -> None:
    responses.post(CREATE, status=409, json={"message": "This name is taken at the partner."})
    response = _signup(client)
    assert response.status_code == 200
    assert "This name is taken at the partner." in response.content.decode()
    assert 'href="/accounts/login/"' in response.content.decode()  # allauth's signup page
    assert not User.objects.filter(username="newbie").exists()
    assert Delivery.objects.get().outcome == "refused"


@responses.activate
def test_signup_partner_down_writes_nothing(client, partner) -> None:
    responses.post(CREATE, status=502)
    response = _signup(client)
    assert "unavailable" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


@responses.activate
def test_signup_for_an_already_linked_partner_user_is_refused(client, partner) -> None:
    configure_partner(linking=True)
    responses.post(VALIDATE, status=200)
    client.post(reverse("keymap:user_id_login"), {"user_id": "777"})
    client.logout()
    responses.post(CREATE, json=answer(player_id="777"))
    response = _signup(client)
    assert "already have an account" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


@responses.activate
def test_user_id_login(client, partner, welcome) -> None:
    responses.post(VALIDATE, status=200)
    response = client.post(reverse("keymap:user_id_login"), {"user_id": "12345678"})
    assert response.status_code == 302
    user = User.objects.get(partner_link__server_custom_id="12345678")
    assert client.session["store.user_id_login"] is True
    assert client.session["store.login_type"] == "server_custom_id"
    assert Customer.objects.get(user=user).join_channel == "partner"
    client.logout()
    client.post(reverse("keymap:user_id_login"), {"user_id": "12345678"})
    assert User.objects.filter(partner_link__isnull=False).count() == 1


@responses.activate
def test_user_id_login_unknown_user(client, partner) -> None:
    responses.post(VALIDATE, status=404)
    response = client.post(reverse("keymap:user_id_login"), {"user_id": "nobody"})
    assert "There is no user with this ID." in response.content.decode()
    assert not User.objects.exists()
    assert Delivery.objects.get().outcome == "not_found"


@responses.activate
def test_user_id_login_partner_down(client, partner) -> None:
    responses.post(VALIDATE, status=500)
    response = client.post(reverse("keymap:user_id_login"), {"user_id": "1"})
    assert response.status_code == 503
    assert "unavailable" in response.content.decode()


@responses.activate
def test_user_id_login_is_rate_limited_per_id_and_per_ip(client, partner, settings) -> None:
    settings.KEYMAP_USER_ID_RATE_LIMIT = (3, 60)
    responses.post(VALIDATE, status=404)
    url = reverse("keymap:user_id_login")
    for _ in range(3):
        assert client.post(url, {"user_id": "victim"}).status_code == 200
    assert client.post(url, {"user_id": "victim"}).status_code == 429
    # Another ID from another IP is also limited per ID...
    assert client.post(url, {"user_id": "victim"}, REMOTE_ADDR="10.0.0.9").status_code == 429
    # ...and this IP is spent for every ID.
    assert client.post(url, {"user_id": "other"}).status_code == 429
    assert len(responses.calls) == 3


def test_user_id_login_not_offered_without_the_webhook(client, db) -> None:
    response = client.get(reverse("keymap:user_id_login"))
    assert "not offered" in response.content.decode()


@responses.activate
def test_stronger_login_lifts_the_user_id_restriction(client, partner) -> None:
    configure_partner(linking=True)
    responses.post(VALIDATE, status=200)
    client.post(reverse("keymap:user_id_login"), {"user_id": "12345678"})
    assert client.session["store.user_id_login"] is True
    # Any other login of the same customer in this session (the session's data is kept).
    client.force_login(User.objects.get(), backend="django.contrib.auth.backends.ModelBackend")
    assert "store.user_id_login" not in client.session
    assert client.session["store.login_type"] == "store"
    assert User.objects.count() == 1


@responses.activate
def test_queries_per_partner_login_are_bounded(client, partner, django_assert_max_num_queries):
    responses.post(AUTH, json=answer())
    _login(client)
    client.logout()
    with django_assert_max_num_queries(30):
        _login(client)


@responses.activate
def test_user_id_session_is_kept_from_personal_pages(client, partner) -> None:
    responses.post(VALIDATE, status=200)
    response = client.post(reverse("keymap:user_id_login"), {"user_id": "12345678"})
    assert response["Location"] == "/"
    for url in ("/account/", "/account/delete/", "/accounts/email/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("keymap:stronger_login")), url
    page = client.get(reverse("keymap:stronger_login") + "?next=/account/")
    assert "log in with your password or a social account" in page.content.decode()
    assert client.get("/").status_code == 200
    # After a stronger login of the same customer, the pages open.
    client.force_login(User.objects.get(), backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/account/").status_code == 200


@responses.activate
def test_user_id_login_never_logs_in_staff(client, partner) -> None:
    from keymap.models import PartnerLink as Link

    staff = User.objects.create_user("clerk", is_staff=True)
    Link.objects.create(user=staff, server_custom_id="S1")
    responses.post(VALIDATE, status=200)
    response = client.post(reverse("keymap:user_id_login"), {"user_id": "S1"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@responses.activate
def test_returning_linked_login_with_the_same_answer_is_two_queries(
    partner, django_assert_num_queries
) -> None:
    from keymap import flows

    configure_partner(linking=True)
    responses.post(AUTH, json=answer())
    first = flows.authenticate(None, "gamer123", "pw")
    # The delivery record and the linked-customer lookup; nothing to write.
    with django_assert_num_queries(2):
        again = flows.authenticate(None, "gamer123", "pw")
    assert again == first
    responses.replace(responses.POST, AUTH, json=answer(username="renamed"))
    flows.authenticate(None, "gamer123", "pw")
    first.customer.refresh_from_db()
    assert first.customer.nickname == "renamed"


@responses.activate
@pytest.mark.parametrize(
    ("next_url", "expected"),
    [("/products/", "/products/"), ("https://evil.example/", "/"), ("//evil.example/", "/")],
)
def test_user_id_login_follows_only_a_same_site_next(client, partner, next_url, expected) -> None:
    responses.post(VALIDATE, status=200)
    response = client.post(
        reverse("keymap:user_id_login"), {"user_id": "12345678", "next": next_url}
    )
    assert response.status_code == 302 and response["Location"] == expected
