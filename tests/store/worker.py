"""A second app server for the shared-cache test: a long-lived process that answers
``load`` with the store settings it sees (through its own cache connection)."""

import sys

import django

django.setup()

from store.models import StoreSettings  # noqa: E402

print("ready", flush=True)
for line in sys.stdin:
    if line.strip() == "load":
        print(StoreSettings.load().welcome_points, flush=True)
