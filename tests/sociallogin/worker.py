"""A second app server for test_shared_cache: answers "apps" with what our adapter serves.

Each answer is ``<client ids>|<queries spent>``, read from stdin line by line.
"""

import sys

import django

django.setup()

from allauth.socialaccount.adapter import get_adapter  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

print("ready", flush=True)
for line in sys.stdin:
    if line.strip() == "apps":
        with CaptureQueriesContext(connection) as ctx:
            apps = get_adapter().list_apps(None)
        ids = ",".join(f"{a.provider}={a.client_id}" for a in apps)
        print(f"{ids}|{len(ctx.captured_queries)}", flush=True)
