"""The demo project with a host user model: e-mail as ``USERNAME_FIELD``, no user name, UUID pk.

``AUTH_USER_MODEL`` is fixed at start-up, so these tests run in their own process
(``test_custom_user.py``); the database is an SQLite file in the directory named by
``CUSTOM_USER_DB_DIR``.
"""

import os
from pathlib import Path

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

AUTH_USER_MODEL = "accounts.User"
INSTALLED_APPS = [*INSTALLED_APPS, "tests.custom_user.accounts"]

_DB = Path(os.environ.get("CUSTOM_USER_DB_DIR", ".")) / "custom_user.sqlite3"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": _DB,
        "TEST": {"NAME": _DB.with_name("test_custom_user.sqlite3")},
    }
}

# What allauth needs for a model without a user name.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
