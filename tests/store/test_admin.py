import pytest
from django.contrib.auth import get_user_model

from store.models import CouponTemplate, StoreSettings

from .factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(admin)
    return client


def _settings_form(**overrides):
    data = {"name": "Shop", "welcome_points": 0, "welcome_coupon": ""}
    data.update(overrides)
    return data


def test_store_settings_changelist_goes_to_the_single_row(admin_client) -> None:
    response = admin_client.get("/admin/store/storesettings/")
    assert response.status_code == 302 and response.url.endswith("/storesettings/1/change/")


def test_negative_welcome_points_are_refused_naming_the_field(admin_client) -> None:
    StoreSettings.load()
    response = admin_client.post(
        "/admin/store/storesettings/1/change/", _settings_form(welcome_points=-5)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "welcome_points" in errors
    assert StoreSettings.objects.get().welcome_points == 0


def test_saving_settings_takes_effect_at_once(admin_client) -> None:
    StoreSettings.load()
    response = admin_client.post(
        "/admin/store/storesettings/1/change/", _settings_form(welcome_points=250)
    )
    assert response.status_code == 302
    assert StoreSettings.load().welcome_points == 250


def test_coupon_without_a_value_is_refused(admin_client) -> None:
    response = admin_client.post(
        "/admin/store/coupontemplate/add/",
        {"name": "Empty", "kind": "amount", "value": "", "min_order_total": 0, "valid_days": 30},
    )
    assert response.status_code == 200
    assert "value" in response.context["adminform"].form.errors
    response = admin_client.post(
        "/admin/store/coupontemplate/add/",
        {
            "name": "Too much",
            "kind": "percent",
            "value": 120,
            "min_order_total": 0,
            "valid_days": 30,
        },
    )
    assert "value" in response.context["adminform"].form.errors
    assert CouponTemplate.objects.count() == 0


def test_customer_list_filters_by_join_channel(admin_client, django_assert_max_num_queries) -> None:
    make_customer(username="via-store")
    make_customer(username="via-kakao", channel="kakao")
    with django_assert_max_num_queries(8):
        response = admin_client.get("/admin/store/customer/?join_channel=kakao")
    body = response.content.decode()
    assert "via-kakao" in body and "via-store" not in body
