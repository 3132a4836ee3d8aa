"""System checks of the Oscar integration (ids ``store_oscar.*``)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks

from store.host import host_adapter_path

REQUIRED_OSCAR_APPS = ("address", "basket", "offer", "order", "voucher", "communication")


def check_oscar_host(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from django.utils.module_loading import import_string

    from .adapter import OscarHostAdapter

    errors: list[checks.CheckMessage] = []
    try:
        adapter_class = import_string(host_adapter_path())
    except ImportError:
        adapter_class = None  # store's own check reports an adapter that cannot be imported
    if not (isinstance(adapter_class, type) and issubclass(adapter_class, OscarHostAdapter)):
        errors.append(
            checks.Warning(
                "store.contrib.oscar is installed but STORE_HOST_ADAPTER is not the Oscar "
                "adapter: welcome coupons, deletion and merging ignore Oscar's data.",
                hint='STORE_HOST_ADAPTER = "store.contrib.oscar.adapter.OscarHostAdapter"',
                id="store_oscar.W001",
            )
        )
    labels = {config.label for config in apps.get_app_configs()}
    missing = [label for label in REQUIRED_OSCAR_APPS if label not in labels]
    if missing:
        errors.append(
            checks.Error(
                f"The Oscar adapter needs Oscar's apps {', '.join(missing)}.",
                hint="Add them to INSTALLED_APPS as Oscar's documentation lists them.",
                id="store_oscar.E001",
            )
        )
    names = [getattr(a, "name", a) for a in settings.INSTALLED_APPS]
    ours = next((i for i, n in enumerate(names) if n.startswith("store.contrib.oscar")), None)
    first_oscar = next(
        (i for i, n in enumerate(names) if n == "oscar" or n.startswith("oscar.")), None
    )
    if ours is not None and first_oscar is not None and ours > first_oscar:
        errors.append(
            checks.Error(
                "store.contrib.oscar comes after Oscar's apps in INSTALLED_APPS: Oscar's "
                "login and account pages will not show the social login buttons and points.",
                hint='Put "store.contrib.oscar" before "oscar.config.Shop".',
                id="store_oscar.E002",
            )
        )
    errors += _check_basket_middleware()
    return errors


BASKET_MIDDLEWARE = "oscar.apps.basket.middleware.BasketMiddleware"


def _check_basket_middleware() -> list[checks.CheckMessage]:
    from store.middleware import PATH as STORE_MIDDLEWARE

    middleware = list(settings.MIDDLEWARE)
    basket = next((i for i, m in enumerate(middleware) if m.endswith(".BasketMiddleware")), None)
    store = middleware.index(STORE_MIDDLEWARE) if STORE_MIDDLEWARE in middleware else None
    if basket is not None and store is not None and store < basket:
        return [
            checks.Error(
                "StoreMiddleware comes before Oscar's BasketMiddleware: a session logged in "
                "by user ID only would see and merge the customer's basket.",
                hint=f"Put {STORE_MIDDLEWARE!r} after {BASKET_MIDDLEWARE!r} in MIDDLEWARE.",
                id="store_oscar.E003",
            )
        ]
    return []
