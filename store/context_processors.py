from typing import Any

from django.http import HttpRequest

from .host import get_host_adapter
from .models import StoreSettings


def store(request: HttpRequest) -> dict[str, Any]:
    return {
        "store_settings": StoreSettings.load(),
        # The template allauth's pages extend (store/templates/allauth/layouts/base.html).
        "store_base_template": get_host_adapter().base_template(request),
    }
