"""Run inside the fresh virtualenv: the installed wheel works in a shop that is not the demo."""

import os
import sys

os.environ["DJANGO_SETTINGS_MODULE"] = "shop.settings"

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import translation  # noqa: E402

import store  # noqa: E402

assert "site-packages" in store.__file__, f"store imported from {store.__file__}"
call_command("check", fail_level="WARNING")
call_command("migrate", verbosity=0)
client = Client()
for url in ("/accounts/login/", "/accounts/signup/"):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
# Without store.commerce nothing of a shop front is mounted; the deletion page is.
assert client.get("/shop/").status_code == 404
assert client.get("/shop/account/delete/").status_code == 302
from django.contrib.auth import get_user_model  # noqa: E402

client.force_login(get_user_model().objects.create_user("smoke", "smoke@example.com", "pw"))
assert client.get("/shop/account/delete/").status_code == 200
with translation.override("ko"):
    assert translation.gettext("My account") == "마이페이지"
call_command("storeconfig", "export")
print("smoke ok", store.__version__)
sys.exit(0)
