"""Shared test rig: settings, real PostgreSQL check, headless Chromium via Playwright.

Real parts are required in CI (``CI=true``) or with ``STORE_REQUIRE_REAL_PARTS=1``: a
missing browser then fails the run instead of skipping the end-to-end tests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse
# to run there without this. Tests only, never in the shop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_REAL_PARTS = os.environ.get("CI") == "true" or bool(
    os.environ.get("STORE_REQUIRE_REAL_PARTS")
)
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TEST_SECRETS_KEY = "pPpNRgYMJPfKy2D8Fr8ZVJpxHz5m6WpqvVYZ2Js4x6o="


def require_stack_parts(who: str) -> None:
    """Fail (in CI) or skip unless ``scripts/stack.py`` can run: nginx, Redis, gunicorn."""
    missing = [name for name in ("nginx", "redis-server") if not shutil.which(name)]
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        missing.append("gunicorn (pip install -e '.[bench]')")
    if missing:
        message = f"{who}: missing {', '.join(missing)}"
        if REQUIRE_REAL_PARTS:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    settings.STORE_SECRETS_KEY = TEST_SECRETS_KEY
    # Assertions read English messages; Korean is tested explicitly (tests/test_i18n.py).
    settings.LANGUAGE_CODE = "en"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: apt-get install -y chromium"
        if REQUIRE_REAL_PARTS:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(_playwright: Any) -> Iterator[Any]:
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def browser_context_args() -> dict[str, Any]:
    """Override in a test module to change the context (e.g. a KakaoTalk user agent)."""
    return {"locale": "en-US", "viewport": {"width": 1200, "height": 900}}


@pytest.fixture
def page(browser: Any, browser_context_args: dict[str, Any], request: Any) -> Iterator[Any]:
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        os.makedirs("test-artifacts", exist_ok=True)
        page.screenshot(path=f"test-artifacts/{request.node.name}.png", full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (run via scripts/with_postgres.py)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real Redis server on loopback for the shared-cache tests."""
    import socket
    import subprocess
    import time

    binary = shutil.which("redis-server")
    if not binary:
        message = "redis-server not found: apt-get install -y redis-server"
        if REQUIRE_REAL_PARTS:
            pytest.fail(message)
        pytest.skip(message)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=5)


@pytest.fixture
def github_app(db: Any, settings: Any) -> Iterator[Any]:
    """allauth's GitHub provider beside the shop's six, with a ``SocialApp`` row: a host's
    own provider, configured the allauth way.

    Registered in allauth's provider registry and routed by a URL module of its own rather
    than by adding the app to ``INSTALLED_APPS``, which allauth reads once per process.
    """
    from allauth.socialaccount.models import SocialApp
    from allauth.socialaccount.providers import registry
    from allauth.socialaccount.providers.github.provider import GitHubProvider

    registry.load()
    registry.register(GitHubProvider)
    settings.ROOT_URLCONF = "tests.host_provider_urls"
    try:
        yield SocialApp.objects.create(
            provider="github", name="GitHub", client_id="gh-client", secret="gh-secret"
        )
    finally:
        registry.provider_map.pop("github", None)
