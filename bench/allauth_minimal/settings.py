"""Plain django-allauth with Kakao login: the baseline of the login benchmarks.

Only what allauth's quickstart asks for (its apps, its middleware, a ``SocialApp`` row made
by ``seed.py``) on the same engines and engine settings as the shop, from the same module
(``config/engines.py``): ``DATABASE_URL`` (PostgreSQL or SQLite, the same connection and
SQLite options), ``REDIS_URL`` for the cache, the same password hasher and session backend.
Kakao's hosts are the Kakao sandbox at ``KAKAO_SANDBOX_URL`` (see ``kakao_sandbox.py``).
"""

import os

from config import engines

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "allauth-minimal-bench-only")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.kakao",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "bench.allauth_minimal.urls"
WSGI_APPLICATION = "bench.allauth_minimal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The shop's database, cache and session settings (config/engines.py): equal terms.
DATABASES = {"default": engines.database("sqlite:///allauth-minimal.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = engines.caches()

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

USE_TZ = True
STATIC_URL = "static/"
LOGIN_REDIRECT_URL = "/account/"

ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_LOGIN_ON_GET = False
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("ALLAUTH_TRUSTED_PROXY_COUNT", "0"))

KAKAO_SANDBOX_URL = os.environ.get("KAKAO_SANDBOX_URL", "")
