"""Fixtures of the consent tests: the store's terms published, the providers' sandboxes."""

from __future__ import annotations

from typing import Any

import pytest

from store import consents
from store.models import StoreSettings, Term

# Kakao's fixtures and sandbox (tests/kakaosync) drive the Kakao Sync way of joining.
from tests.kakaosync.conftest import (  # noqa: F401
    kakao_login,
    kakao_sandbox,
    sync_on,
    use_kakao_sandbox,
)
from tests.sociallogin.conftest import (  # noqa: F401
    enable_provider,
    sandbox,
    use_sandbox,
)


@pytest.fixture
def commits(django_capture_on_commit_callbacks: Any) -> Any:
    """Run what waits for the commit (the result mails) inside the test's transaction."""
    return django_capture_on_commit_callbacks


def publish(kind: str, title: str, *, mandatory: bool = False, tag: str = "", pos: int = 0) -> Term:
    return consents.publish(
        Term(
            kind=kind,
            title=title,
            text=f"The text of {title}.",
            mandatory=mandatory,
            kakao_tag=tag,
            published=True,
            position=pos,
        )
    )


@pytest.fixture
def terms(db: Any) -> dict[str, Term]:
    """The migration's Korean drafts stay unpublished; these are the shop's published terms."""
    Term.objects.filter(consents__isnull=True).update(published=False)
    consents.invalidate_terms()
    return {
        "tos": publish("tos", "Terms of service", mandatory=True, tag="terms_of_service", pos=1),
        "privacy": publish("privacy", "Personal data", mandatory=True, tag="privacy_policy", pos=2),
        "email": publish("marketing_email", "Ads by e-mail", tag="marketing", pos=3),
        "night": publish("marketing_night", "Ads at night", pos=4),
    }


def set_policy(policy: str) -> None:
    row = StoreSettings.get_solo()
    row.under_14_policy = policy
    row.save()
    StoreSettings.settings_cache.invalidate()


def record_of(user: Any) -> list[tuple[str, int, bool, str, str]]:
    """The customer's current consent record: (kind, version, agreed, via, channel)."""
    return sorted(
        (c.term.kind, c.version, c.agreed, c.via, c.channel)
        for c in consents.current(user).values()
    )


def agree_fields(terms: dict[str, Term], *names: str, age: bool = True) -> dict[str, str]:
    data = {f"term_{terms[n].pk}": "on" for n in names}
    if age:
        data["age_14_or_older"] = "on"
    return data
