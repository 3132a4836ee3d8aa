from typing import Any

from django.http import HttpRequest

from .models import StoreSettings


def store(request: HttpRequest) -> dict[str, Any]:
    return {"store_settings": StoreSettings.load()}
