"""allauth's ``tests.projects.regular.settings`` plus the README's "Add it to your shop" recipe.

Every change to allauth's settings is a line of that recipe; nothing else is tuned to make
allauth's tests pass.
"""

import copy

from tests.projects.regular.settings import *  # noqa: F403
from tests.projects.regular.settings import (
    AUTHENTICATION_BACKENDS as ALLAUTH_BACKENDS,
)
from tests.projects.regular.settings import (
    INSTALLED_APPS as ALLAUTH_APPS,
)
from tests.projects.regular.settings import (
    MIDDLEWARE as ALLAUTH_MIDDLEWARE,
)
from tests.projects.regular.settings import (
    TEMPLATES as ALLAUTH_TEMPLATES,
)

PLUGIN_APPS = ("store", "sociallogin", "kakaosync", "keymap")
# The plugin's apps come before allauth's (their templates override allauth's).
_first_allauth = ALLAUTH_APPS.index("allauth")
INSTALLED_APPS = (*ALLAUTH_APPS[:_first_allauth], *PLUGIN_APPS, *ALLAUTH_APPS[_first_allauth:])

MIDDLEWARE = (*ALLAUTH_MIDDLEWARE, "store.middleware.StoreMiddleware")

SOCIALACCOUNT_ADAPTER = "sociallogin.adapter.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "sociallogin.forms.SocialSignupForm"}
# allauth's test project has an account adapter of its own (phone numbers kept in a stub):
# a host with one makes it a subclass of the plugin's, as the README says.
ACCOUNT_ADAPTER = "allauth_host.adapters.AccountAdapter"

TEMPLATES = copy.deepcopy(ALLAUTH_TEMPLATES)
TEMPLATES[0]["OPTIONS"]["context_processors"] = [
    *TEMPLATES[0]["OPTIONS"]["context_processors"],
    "store.context_processors.store",
]

AUTHENTICATION_BACKENDS = ("keymap.backends.PartnerBackend", *ALLAUTH_BACKENDS)

STORE_SECRETS_KEY = "allauth-suite-secrets-key"

ROOT_URLCONF = "allauth_host.urls"
