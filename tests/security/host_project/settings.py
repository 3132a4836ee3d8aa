"""Settings of the host project: a shop of its own that added the plugin.

Runnable on its own (``DJANGO_SETTINGS_MODULE=tests.security.host_project.settings``);
the security tests apply the part that makes it a different project (:data:`HOST`) on top
of the test run's database and apps, which keeps them as fast as the rest of the suite.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = "host-project-test-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "store",
    "sociallogin",
    "kakaosync",
    "keymap",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
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
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "store.middleware.StoreMiddleware",
]

ROOT_URLCONF = "tests.security.host_project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "store.context_processors.store",
            ],
        },
    },
]

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": HERE / "host.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "keymap.backends.PartnerBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "keymap.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "sociallogin.adapter.SocialAccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "store.consent_forms.StoreSignupForm"
SOCIALACCOUNT_FORMS = {"signup": "sociallogin.forms.SocialSignupForm"}

LOGIN_URL = "host:login"
LOGIN_REDIRECT_URL = "host:me"
LOGOUT_REDIRECT_URL = "/"
USE_TZ = True
STATIC_URL = "static/"

# The plugin's login pipeline with the host's own steps: a nickname form on a first Kakao
# login, and an audit of every stage (``login_steps``).
from store.default_pipeline import PIPELINE  # noqa: E402

_STEPS = "tests.security.host_project.login_steps"
_AFTER = {"sociallogin.login_steps.collect_profile": f"{_STEPS}.keep_nickname"}
STORE_LOGIN_PIPELINE = {
    stage: (
        *((f"{_STEPS}.ask_nickname",) if stage == "pre_social_login" else ()),
        *(step for path in paths for step in (path, _AFTER.get(path)) if step),
        f"{_STEPS}.remember_stages",
    )
    for stage, paths in PIPELINE.items()
}

# The part of this project the security tests put on top of the test run's settings.
HOST = {
    name: globals()[name]
    for name in (
        "MIDDLEWARE",
        "ROOT_URLCONF",
        "TEMPLATES",
        "AUTHENTICATION_BACKENDS",
        "ACCOUNT_ADAPTER",
        "SOCIALACCOUNT_ADAPTER",
        "SOCIALACCOUNT_FORMS",
        "LOGIN_URL",
        "LOGIN_REDIRECT_URL",
        "LOGOUT_REDIRECT_URL",
    )
}
