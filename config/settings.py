"""Settings of the demo shop.

SQLite by default; ``DATABASE_URL`` switches to PostgreSQL and ``REDIS_URL`` to a shared
Redis cache (needed as soon as more than one app server runs, since provider settings and
store settings are cached and invalidated through the cache).
"""

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config import engines

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (
    "demo-insecure-secret-key-only-for-local-development" if DEBUG else ""
)
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "store",
    "store.commerce",  # the built-in shop front (optional)
    "sociallogin",
    "kakaosync",
    "keymap",
    # Demo seed commands (development tools, not part of the wheel).
    "devtools",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.headless",  # single-page front ends and apps: /_allauth/{browser,app}/v1/
    "allauth.socialaccount.providers.kakao",
    "allauth.socialaccount.providers.naver",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.facebook",
    "allauth.socialaccount.providers.apple",
    "allauth.socialaccount.providers.line",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # The shop's request guards, in the order store.middleware.GUARDS gives them.
    "store.middleware.StoreMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "store.context_processors.store",
            ],
        },
    },
]

DATABASES = {"default": engines.database(f"sqlite:///{BASE_DIR / 'demo.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = engines.caches()
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # The test run (and a lone `runserver`): each test process has its own database and
    # must have its own cache too; a shared one would mix parallel workers' counters.
    SILENCED_SYSTEM_CHECKS = ["store.W002"]

AUTHENTICATION_BACKENDS = [
    # Asks the partner's user database first when custom storage is on (keymap).
    "keymap.backends.PartnerBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = "shop@example.com"

LOGIN_REDIRECT_URL = "commerce:account"
LOGOUT_REDIRECT_URL = "commerce:product_list"

# allauth
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_ADAPTER = "sociallogin.adapter.SocialAccountAdapter"
ACCOUNT_ADAPTER = "keymap.adapter.AccountAdapter"
# The store's terms on every signup form (allauth's and its social one build on it), and
# the store's signup fields on allauth headless's social signup (store.E030, sociallogin.E030).
ACCOUNT_SIGNUP_FORM_CLASS = "store.consent_forms.StoreSignupForm"
SOCIALACCOUNT_FORMS = {"signup": "sociallogin.forms.SocialSignupForm"}
# Development: SOCIALLOGIN_SANDBOX_URL, KAKAOSYNC_AUTH_BASE_URL and KAKAOSYNC_API_BASE_URL
# are read from the environment by the apps themselves (devtools.sandboxes).

# Secrets at rest. Several comma-separated keys allow rotation (the first encrypts).
STORE_SECRETS_KEY = os.environ.get("STORE_SECRETS_KEY", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        name: {"handlers": ["console"], "level": "INFO"}
        for name in ("store", "sociallogin", "kakaosync", "keymap")
    },
}
