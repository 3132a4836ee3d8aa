"""Every new user becomes a customer once, whatever created it: a host's own view, the admin,
createsuperuser (staff: no welcome benefits), and allauth's signup (onboarded once, by the
pipeline, on its own channel)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model, login
from django.core.management import call_command
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from store.commerce.models import Coupon
from store.models import Customer, PointEntry

from .factories import set_welcome

pytestmark = pytest.mark.django_db


def host_register(request: HttpRequest) -> HttpResponse:
    """A host shop's own registration view: no allauth, no pipeline."""
    user = get_user_model().objects.create_user(
        request.POST["username"], request.POST["email"], request.POST["password"]
    )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponse("welcome")


urlpatterns = [
    path("host/register/", host_register),
    path("", include("config.urls")),
]


def welcome_of(username: str) -> tuple[int, int, str]:
    customer = Customer.objects.get(user__username=username)
    points = PointEntry.objects.filter(customer=customer, reason=PointEntry.Reason.WELCOME)
    return points.count(), Coupon.objects.filter(customer=customer).count(), customer.join_channel


def test_host_view_create_user_then_login_onboards_once(
    client, settings, django_capture_on_commit_callbacks
) -> None:
    settings.ROOT_URLCONF = __name__
    set_welcome(points=500, coupon_value=1000)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/host/register/",
            {"username": "mina", "email": "mina@example.com", "password": "pw-12345678"},
        )
    assert response.status_code == 200
    assert welcome_of("mina") == (1, 1, "store")
    # Saving the user again (a profile edit) grants nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        get_user_model().objects.get(username="mina").save()
    assert welcome_of("mina") == (1, 1, "store")


def test_admin_add_user_onboards_the_new_customer(
    admin_client, django_capture_on_commit_callbacks
) -> None:
    set_welcome(points=300)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/auth/user/add/",
            {
                "username": "byadmin",
                "password1": "Pw-long-enough-1",
                "password2": "Pw-long-enough-1",
                "usable_password": "true",
            },
        )
    assert response.status_code == 302, response.content[:2000]
    assert welcome_of("byadmin") == (1, 0, "store")


def test_createsuperuser_gets_no_welcome_benefits(django_capture_on_commit_callbacks) -> None:
    set_welcome(points=300, coupon_value=1000)
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "createsuperuser", username="boss", email="boss@example.com", interactive=False
        )
    assert not Customer.objects.filter(user__username="boss").exists()
    assert not PointEntry.objects.exists()


def test_rolled_back_creation_onboards_nothing(django_capture_on_commit_callbacks) -> None:
    from django.db import transaction

    set_welcome(points=300)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        get_user_model().objects.create_user("ghost", "ghost@example.com", "pw-12345678")
        raise RuntimeError
    assert callbacks == []
    assert not Customer.objects.exists()


def test_allauth_signup_onboards_once_through_the_pipeline(
    client, django_capture_on_commit_callbacks
) -> None:
    set_welcome(points=400, coupon_value=1000)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "username": "shopper",
                "email": "shopper@example.com",
                "password1": "Pw-long-enough-1",
                "password2": "Pw-long-enough-1",
            },
        )
    assert response.status_code == 302, response.content[:2000]
    assert welcome_of("shopper") == (1, 1, "store")
