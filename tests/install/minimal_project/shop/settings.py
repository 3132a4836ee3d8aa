"""A shop that is not the demo: only what the README's "add it to your shop" section says."""

SECRET_KEY = "minimal-shop-test-key"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
STORE_SECRETS_KEY = "minimal-shop-secrets-key"

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
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "store.middleware.StoreMiddleware",
]
ROOT_URLCONF = "shop.urls"
LOGIN_REDIRECT_URL = "account_email"  # this shop has no page of its own: allauth's account page
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "store.context_processors.store",
            ]
        },
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "shop.sqlite3"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AUTHENTICATION_BACKENDS = [
    "keymap.backends.PartnerBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
STATIC_URL = "static/"
USE_I18N = True
USE_TZ = True
LANGUAGE_CODE = "en"
LANGUAGES = [("ko", "Korean"), ("en", "English")]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SILENCED_SYSTEM_CHECKS = ["store.W002"]
SOCIALACCOUNT_ADAPTER = "sociallogin.adapter.SocialAccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "store.consent_forms.StoreSignupForm"
SOCIALACCOUNT_FORMS = {"signup": "sociallogin.forms.SocialSignupForm"}
ACCOUNT_ADAPTER = "keymap.adapter.AccountAdapter"
