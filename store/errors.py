"""The shop's answer to an unexpected error: a lost database is a 503 with a page saying so.

While PostgreSQL restarts (or a connection to it drops), every request in flight fails
with Django's ``OperationalError``/``InterfaceError``. That is not a bug in the request,
and the shopper can simply try again, so they get ``503`` with ``Retry-After`` and a page
that says so instead of the generic 500. Nothing is half-written: each write is one
transaction, which the database rolled back. The error is still logged
(``django.request``). Set as ``handler500`` in the project's URLconf, and
``bad_request`` as ``handler400``.
"""

from __future__ import annotations

import sys

from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

RETRY_AFTER = 5


def server_error(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        # No request context: its processors would read the database again.
        body = render_to_string("store/unavailable.html")
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return defaults.server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The session could not be saved at the end of the request (its row was deleted, or
    the database went away while the request ran): nothing of the request took effect,
    and trying again is the answer. Set as ``handler400``."""
    if isinstance(exception, SessionInterrupted):
        return HttpResponse(render_to_string("store/unavailable.html"), status=400)
    return defaults.bad_request(request, exception)
