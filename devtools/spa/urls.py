"""The single-page front end, same origin as the shop.

``path("spa/", include("devtools.spa.urls"))`` in a development urlconf.

Development and tests only (it is not in the wheel). The page is served with Django's CSRF
cookie, which allauth headless's browser endpoints check on every write.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, HttpRequest
from django.urls import path
from django.views.decorators.csrf import ensure_csrf_cookie

HERE = Path(__file__).resolve().parent


@login_not_required
@ensure_csrf_cookie
def index(request: HttpRequest) -> FileResponse:
    return FileResponse((HERE / "index.html").open("rb"), content_type="text/html")


@login_not_required
def script(request: HttpRequest) -> FileResponse:
    return FileResponse((HERE / "app.js").open("rb"), content_type="text/javascript")


urlpatterns = [
    path("", index, name="spa"),
    path("app.js", script, name="spa_script"),
]
