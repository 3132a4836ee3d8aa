"""Oscar's own views keep the store's promises: request guard ``store_oscar.oscar_views``,
run by ``store.middleware.StoreMiddleware`` (after Oscar's ``BasketMiddleware``, check
``store_oscar.E003``).

- A user-ID session (the weakest login) has no basket of the customer's: ``request.basket`` is
  the session's own anonymous basket, never merged into the customer's, so Oscar's header
  shows neither. The anonymous basket is merged by Oscar at the next stronger login.
- Inside KakaoTalk with the Kakao-only option on, Oscar's login and registration pages are
  the Kakao-only page, and their POSTs are refused before Oscar's view runs (no account is
  created, no "thanks for registering" mail is sent).
- With the partner's password login on, Oscar's login page runs Oscar's own view with a
  login form that takes a store ID as well as an e-mail (Oscar's takes an e-mail only).
"""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.apps import apps
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from store import login_strength

GUARD = "store_oscar.oscar_views"
LOGIN_VIEW = "customer:login"
REGISTER_VIEW = "customer:register"


def user_id_session_basket(request: HttpRequest) -> HttpResponse | None:
    """Request hook: a user-ID session's basket is its own anonymous one."""
    if not hasattr(request, "basket") or not login_strength.is_user_id_only(request):
        return None
    from oscar.core.loading import get_class, get_model

    middleware = get_class("basket.middleware", "BasketMiddleware")(lambda r: None)
    basket_model = get_model("basket", "Basket")

    def anonymous_basket() -> Any:
        key = middleware.get_cookie_key(request)
        basket = middleware.get_cookie_basket(key, request, basket_model.open) or basket_model()
        basket.strategy = request.strategy  # type: ignore[attr-defined]
        middleware.apply_offers_to_basket(request, basket)
        return basket

    def anonymous_hash() -> Any:
        basket = request.basket  # type: ignore[attr-defined]
        return middleware.get_basket_hash(basket.id) if basket.id else None

    # Oscar's middleware then sets no cookie (the user is authenticated) and deletes none.
    request.basket = SimpleLazyObject(anonymous_basket)  # type: ignore[attr-defined]
    request.basket_hash = SimpleLazyObject(anonymous_hash)  # type: ignore[attr-defined]
    return None


def oscar_account_views(
    request: HttpRequest, view: Any, args: Any, kwargs: Any
) -> HttpResponse | None:
    """View hook: Kakao only inside KakaoTalk; a store ID on Oscar's login form."""
    match = request.resolver_match
    name = match.view_name if match else ""
    if name not in (LOGIN_VIEW, REGISTER_VIEW):
        return None
    refused = _kakao_only(request, name)
    if refused is not None:
        return refused
    view_class = getattr(view, "view_class", None)
    if name == LOGIN_VIEW and view_class is not None and _partner_password_login():
        base = getattr(view_class, "login_form_class", None)
        if isinstance(base, type) and issubclass(base, forms.Form):
            answer = view_class.as_view(login_form_class=store_id_login_form(base))
            return _atomic(answer, view)(request, *args, **kwargs)  # type: ignore[no-any-return]
    return None


def _kakao_only(request: HttpRequest, name: str) -> HttpResponse | None:
    if not apps.is_installed("kakaosync"):
        return None
    from kakaosync import inapp
    from kakaosync.inapp_views import kakao_only_page

    if not inapp.restriction_active(request):
        return None
    if request.method == "POST":
        # Oscar's login page holds its registration form too.
        signup = name == REGISTER_VIEW or "registration_submit" in request.POST
        return kakao_only_page(request, refused="signup" if signup else "password", status=403)
    if request.user.is_authenticated:
        return None  # Oscar sends a logged-in customer on
    return kakao_only_page(request)


def _partner_password_login() -> bool:
    if not apps.is_installed("keymap"):
        return False
    from keymap.conf import load
    from keymap.models import WebhookName

    return load().webhook(WebhookName.USER_AUTHENTICATION) is not None


@functools.cache
def store_id_login_form(base: type[forms.Form]) -> type[forms.Form]:
    """Oscar's login form (``base``, a forked one too) with a login that is an e-mail or the
    partner's store ID: the backends decide which it is."""
    return type(
        f"StoreId{base.__name__}",
        (base,),
        {
            "__module__": __name__,
            "username": forms.CharField(label=_("E-mail address or store ID"), max_length=254),
        },
    )


def _atomic(answer: Any, view: Any) -> Any:
    # The view runs here rather than in Django's handler: the handler's ATOMIC_REQUESTS too.
    non_atomic: set[str] = getattr(view, "_non_atomic_requests", set())
    for alias, db in connections.settings.items():
        if db.get("ATOMIC_REQUESTS") and alias not in non_atomic:
            answer = transaction.atomic(using=alias)(answer)
    return answer


def register() -> None:
    from store import registry

    registry.register_request_guard(GUARD, request=user_id_session_basket, view=oscar_account_views)
