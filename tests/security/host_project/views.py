"""The host's own views: only ``quick_order`` uses the plugin (its built-in commerce)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


class SignupForm(forms.Form):
    username = forms.CharField(max_length=150)
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput)


def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = get_user_model()._default_manager.create_user(
            form.cleaned_data["username"],
            form.cleaned_data["email"],
            form.cleaned_data["password"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("host:me")
    return render(request, "host/signup.html", {"form": form})


@login_required
def me(request: HttpRequest) -> HttpResponse:
    return render(request, "host/me.html")


def catalogue(request: HttpRequest) -> HttpResponse:
    return render(request, "host/catalogue.html")


def quick_order(request: HttpRequest) -> HttpResponse:
    """A host's one-click order with the customer's points, through the plugin's service."""
    from store import login_strength
    from store.commerce.models import Product
    from store.services import customers
    from store.services.orders import Item, place_order

    customer = customers.get_customer(request.user)  # type: ignore[arg-type]
    product = Product.objects.get(slug=request.POST["slug"])
    place_order(
        customer,
        [Item(product, 1)],
        strength=login_strength.of(request),
        points_to_use=int(request.POST.get("points") or 0),
        recipient_name="-",
        shipping_address="-",
    )
    return redirect("host:me")


class NicknameForm(forms.Form):
    nickname = forms.CharField(max_length=100)


def nickname(request: HttpRequest) -> HttpResponse:
    """The host's own step of a first Kakao login (``login_steps.ask_nickname``)."""
    from store import login_pipeline

    sociallogin = login_pipeline.paused(request)
    if sociallogin is None:
        return redirect("host:login")
    form = NicknameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = login_pipeline.resume(request, {"nickname": form.cleaned_data["nickname"]})
        return response if response is not None else redirect("host:login")
    return render(
        request, "host/nickname.html", {"form": form, "provider": sociallogin.account.provider}
    )
