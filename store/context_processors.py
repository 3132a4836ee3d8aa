from typing import Any

from django.http import HttpRequest

from .host import get_host_adapter
from .models import StoreSettings


def store(request: HttpRequest) -> dict[str, Any]:
    adapter = get_host_adapter()
    return {
        "store_settings": StoreSettings.load(),
        # The host's home and account pages, for the plugin's and allauth's pages.
        "store_home_url": adapter.home_url(request),
        "store_account_url": adapter.account_url(request),
        # The template allauth's pages extend (store/templates/allauth/layouts/base.html).
        "store_base_template": adapter.base_template(request),
    }
