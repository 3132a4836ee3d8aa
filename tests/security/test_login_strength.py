"""Promises of login strength: a session logged in by a partner user ID only (no secret).

- It opens the allow-list of views only (catalogue, product pages, logout, the logins);
  every other view, the shop's, allauth's or a host project's, sends it to the stronger
  login. A setting adds views (a host's catalogue); the retired deny-list setting is
  reported by a system check.
- It orders nothing and spends no points or coupons, on any view: the services refuse it.
- Its JWT carries no personal claims, whoever asks the issuer.
- A user ID the shop never saw creates a customer without welcome benefits; they come at
  the customer's first stronger login.
"""

from __future__ import annotations

from typing import Any

import pytest
import responses
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from keymap import checks as keymap_checks
from keymap import jwt_tokens as tokens
from keymap.models import PartnerLink
from store import login_strength
from store.commerce.models import Coupon, Order
from store.login_strength import LoginStrength, Strength, WeakLogin
from store.models import Customer, PointEntry
from store.services import points
from store.services.orders import Item, place_order
from tests.keymap.conftest import answer
from tests.store.factories import make_product, set_welcome

from .host_project.fixtures import AUTH, host, partner, user_id_login  # noqa: F401

pytestmark = pytest.mark.django_db

User = get_user_model()
VICTIM_ID = "87654321"  # the demo's customer with a partner ID


def _stronger_login(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("keymap:stronger_login")
    )


@pytest.fixture
def victim(partner: Any) -> Any:  # noqa: F811
    """A customer who joined with the partner's password: 1,000 points and a coupon."""
    set_welcome(points=1000, coupon_value=3000)
    with responses.RequestsMock() as rsps:
        rsps.post(AUTH, json=answer(player_id=VICTIM_ID, username="victim"))
        response = Client().post(
            reverse("account_login"), {"login": "victim@example.com", "password": "pw-1"}
        )
    assert response.status_code == 302
    user = User.objects.get(partner_link__server_custom_id=VICTIM_ID)
    user.email = "victim@example.com"
    user.save()
    assert user.customer.points_balance == 1000
    return user


# --- the allow-list middleware -------------------------------------------------------------


def test_a_user_id_session_places_no_order_with_the_customers_points_and_coupon(
    client: Client, victim: Any
) -> None:
    assert user_id_login(client, VICTIM_ID) == victim
    coupon = Coupon.objects.get(customer=victim.customer)
    product = make_product(price=20000)
    page = client.get(f"/products/{product.slug}/")
    assert page.status_code == 200  # browsing stays open...
    assert "1,000" not in page.content.decode() and coupon.code not in page.content.decode()
    response = client.post(
        f"/products/{product.slug}/",
        {
            "quantity": 1,
            "coupon_code": coupon.code,
            "points": 1000,
            "recipient_name": "Mallory",
            "shipping_address": "Somewhere",
        },
    )
    assert _stronger_login(response)  # ...ordering needs a stronger login
    assert not Order.objects.exists()
    coupon.refresh_from_db()
    assert coupon.used_at is None
    assert victim.customer.points_balance == 1000


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/reauthenticate/code/",  # showed the customer's e-mail
        "/accounts/password/reset/",  # showed the username
        "/accounts/reauthenticate/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/3rdparty/",
        "/account/",
        "/account/delete/",
        "/admin/",
    ],
)
def test_a_user_id_session_reads_no_personal_data_on_allauths_or_the_shops_pages(
    client: Client, victim: Any, url: str
) -> None:
    user_id_login(client, VICTIM_ID)
    response = client.get(url)
    assert _stronger_login(response), (url, response.status_code)
    assert b"victim" not in response.content


def test_a_user_id_session_is_sent_to_the_stronger_login_on_a_host_projects_page(
    host: Any,  # noqa: F811
    victim: Any,
    client: Client,
) -> None:
    user_id_login(client, VICTIM_ID)
    response = client.get("/me/")  # the host's login_required page showing the e-mail
    assert _stronger_login(response)
    assert b"victim@example.com" not in response.content
    assert _stronger_login(client.get("/catalogue/"))  # not listed: not open
    host.KEYMAP_USER_ID_ALLOWED_VIEWS = ["host:catalogue"]
    assert client.get("/catalogue/").status_code == 200
    assert client.get("/shop/").status_code == 200  # the built-in list still holds


def test_the_allow_list_lets_the_session_reach_every_stronger_login(
    client: Client, victim: Any
) -> None:
    user_id_login(client, VICTIM_ID)
    for url in ("/", "/keymap/login/stronger/?next=/account/", "/keymap/login/user-id/"):
        assert client.get(url).status_code == 200, url
    # Provider login views are open (the login itself decides); logout too.
    assert not _stronger_login(client.post("/accounts/kakao/login/", {"process": "login"}))
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_stronger_login_of_the_same_customer_opens_the_personal_pages(
    client: Client, victim: Any
) -> None:
    user_id_login(client, VICTIM_ID)
    # The stronger-login page's button: log out, then the password login.
    assert client.post("/accounts/logout/").status_code == 302
    with responses.RequestsMock() as rsps:
        rsps.post(AUTH, json=answer(player_id=VICTIM_ID, username="victim"))
        client.post(reverse("account_login"), {"login": "victim@example.com", "password": "pw-1"})
    assert int(client.session["_auth_user_id"]) == victim.pk
    assert not login_strength.is_user_id_only(client.get("/").wsgi_request)
    assert client.get("/account/").status_code == 200


def test_the_retired_deny_list_setting_is_reported(settings: Any) -> None:
    assert keymap_checks.check_retired_settings() == []
    settings.KEYMAP_USER_ID_PROTECTED_VIEWS = ["store:account"]
    (warning,) = keymap_checks.check_retired_settings()
    assert warning.id == "keymap.W005"
    assert "KEYMAP_USER_ID_ALLOWED_VIEWS" in warning.hint


# --- the services refuse it, whatever view calls them ---------------------------------------


def test_the_order_service_refuses_a_user_id_login(victim: Any) -> None:
    customer = victim.customer
    coupon = Coupon.objects.get(customer=customer)
    with pytest.raises(WeakLogin):
        place_order(
            customer,
            [Item(make_product(), 1)],
            strength=Strength.USER_ID,
            coupon_code=coupon.code,
            points_to_use=1000,
        )
    with pytest.raises(WeakLogin):
        points.spend(customer, 100, strength=LoginStrength(Strength.USER_ID, "server_custom_id"))
    assert not Order.objects.exists()
    assert customer.points_balance == 1000
    # The same order with a password or social login goes through.
    order = place_order(
        customer,
        [Item(make_product(price=20000), 1)],
        strength=Strength.CREDENTIAL,
        coupon_code=coupon.code,
        points_to_use=1000,
    )
    assert order.points_used == 1000 and order.discount == 3000


def test_a_hosts_view_that_orders_through_the_service_is_refused_too(
    host: Any,  # noqa: F811
    victim: Any,
    client: Client,
) -> None:
    user_id_login(client, VICTIM_ID)
    host.KEYMAP_USER_ID_ALLOWED_VIEWS = ["host:quick_order"]  # the middleware lets it open
    product = make_product(price=20000)
    response = client.post("/quick-order/", {"slug": product.slug, "points": 1000})
    assert _stronger_login(response)  # the service's refusal, shown as the stronger login
    host.MIDDLEWARE = [m for m in host.MIDDLEWARE if "StoreMiddleware" not in m]
    bare = Client()  # a client loads the middleware once: a new one for the new list
    bare.cookies = client.cookies
    response = bare.post("/quick-order/", {"slug": product.slug, "points": 1000})
    assert response.status_code == 403  # without the middleware: refused, never a 500
    assert not Order.objects.exists() and victim.customer.points_balance == 1000


def test_the_token_issuer_puts_no_personal_claims_in_a_user_id_logins_token(
    client: Client, victim: Any
) -> None:
    _value, claims = tokens.issue(victim, LoginStrength(Strength.USER_ID, "server_custom_id"))
    assert claims["restricted"] is True and claims["partner_data"] == {}
    assert all(claims[name] is None for name in tokens.PERSONAL_CLAIMS)
    _value, full = tokens.issue(victim, LoginStrength(Strength.CREDENTIAL, "partner"))
    assert full["email"] == "victim@example.com" and full["partner_data"]
    # Through the views: the session's token, then the user details it opens.
    user_id_login(client, VICTIM_ID)
    token = client.post("/api/token").json()["access_token"]
    details = client.get("/api/users/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert details["email"] is None and details["username"] is None
    assert tokens.is_restricted({"type": "server_custom_id"})  # even without the flag


# --- a partner ID never seen before ---------------------------------------------------------


def test_a_never_seen_user_id_gets_no_welcome_benefits_until_a_stronger_login(
    client: Client,
    partner: Any,  # noqa: F811
) -> None:
    set_welcome(points=1000, coupon_value=3000)
    user = user_id_login(client, "55555555")
    customer = Customer.objects.get(user=user)
    assert customer.welcome_granted_at is None
    assert customer.points_balance == 0 and not customer.coupons.exists()
    assert PartnerLink.objects.get(user=user).server_custom_id == "55555555"
    # The partner's password login of the same partner user: now the customer is welcomed.
    client.post("/accounts/logout/")
    with responses.RequestsMock() as rsps:
        rsps.post(AUTH, json=answer(player_id="55555555", username="newcomer"))
        client.post(reverse("account_login"), {"login": "newcomer", "password": "pw-1"})
    assert int(client.session["_auth_user_id"]) == user.pk
    customer.refresh_from_db()
    assert customer.welcome_granted_at is not None
    assert customer.points_balance == 1000 and customer.coupons.count() == 1
    assert PointEntry.objects.filter(reason=PointEntry.Reason.WELCOME).count() == 1
    # Exactly once: another login gives nothing more.
    client.post("/accounts/logout/")
    with responses.RequestsMock() as rsps:
        rsps.post(AUTH, json=answer(player_id="55555555", username="newcomer"))
        client.post(reverse("account_login"), {"login": "newcomer", "password": "pw-1"})
    assert Customer.objects.get(user=user).points_balance == 1000
