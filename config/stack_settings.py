"""The demo shop as ``make stack`` serves it: several gunicorn servers behind nginx.

Everything the servers share lives outside them (PostgreSQL through ``DATABASE_URL``, the
cache and rate limits in Redis through ``REDIS_URL``, sessions in the database), so a login
begun on one server finishes on another.
"""

import os

from config.settings import *  # noqa: F403

# nginx is one proxy in front; the load benchmark plays a CDN in front of nginx (2), so that
# each simulated shopper has its own address for allauth's and our rate limits.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("ALLAUTH_TRUSTED_PROXY_COUNT", "1"))
USE_X_FORWARDED_HOST = False
# The stack's Kakao is the sandbox on loopback, on purpose.
SILENCED_SYSTEM_CHECKS = ["kakaosync.W001"]
# The fault tests (tests/faults/) wait less for a peer that does not answer.
KAKAOSYNC_TIMEOUT = float(os.environ.get("KAKAOSYNC_TIMEOUT", "5"))
SOCIALACCOUNT_REQUESTS_TIMEOUT = int(os.environ.get("SOCIALACCOUNT_REQUESTS_TIMEOUT", "5"))
