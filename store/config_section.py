"""The ``store`` section of ``storeconfig``."""

from __future__ import annotations

from typing import Any

from .config import ConfigError, check_keys, raise_form_errors
from .forms import CouponTemplateForm, StoreSettingsForm
from .models import CouponTemplate, StoreSettings

_COUPON_KEYS = {"name", "kind", "value", "min_order_total", "valid_days"}


class StoreSection:
    name = "store"

    def export(self, *, with_secrets: bool) -> dict[str, Any]:
        s = StoreSettings.load()
        coupon = s.welcome_coupon
        return {
            "name": s.name,
            "age_restricted": s.age_restricted,
            "welcome_points": s.welcome_points,
            "welcome_coupon": (
                {k: getattr(coupon, k) for k in sorted(_COUPON_KEYS)} if coupon else None
            ),
        }

    def apply(self, data: dict[str, Any]) -> None:
        check_keys("store", data, {"name", "age_restricted", "welcome_points", "welcome_coupon"})
        current = StoreSettings.objects.select_for_update().get_or_create(pk=1)[0]
        values = {
            "name": current.name,
            "age_restricted": current.age_restricted,
            "welcome_points": current.welcome_points,
            "welcome_coupon": current.welcome_coupon_id,
        }
        for key in ("name", "age_restricted", "welcome_points"):
            if key in data:
                values[key] = data[key]
        if isinstance(values["welcome_points"], bool) or not isinstance(
            values["welcome_points"], int
        ):
            raise ConfigError("store.welcome_points", "must be a whole number")
        if not isinstance(values["age_restricted"], bool):
            raise ConfigError("store.age_restricted", "must be true or false")
        if "welcome_coupon" in data:
            values["welcome_coupon"] = self._coupon(data["welcome_coupon"])
        form = StoreSettingsForm(data=values, instance=current)
        if not form.is_valid():
            raise_form_errors("store", form)
        form.save()

    def discard_cache(self) -> None:
        StoreSettings.settings_cache.invalidate()

    def _coupon(self, data: Any) -> int | None:
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ConfigError("store.welcome_coupon", "must be an object or null")
        check_keys("store.welcome_coupon", data, _COUPON_KEYS)
        values = {"min_order_total": 0, "valid_days": 30, **data}
        existing = CouponTemplate.objects.filter(
            **{k: values.get(k) for k in _COUPON_KEYS if k in values}
        ).first()
        if existing:
            return existing.pk
        form = CouponTemplateForm(data=values)
        if not form.is_valid():
            raise_form_errors("store.welcome_coupon", form)
        return form.save().pk
