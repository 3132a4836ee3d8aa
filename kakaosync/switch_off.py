"""What the admin is told on switching Kakao login off while Kakao Sync is on.

Kakao Sync runs on Kakao login (``conf.sync_active``): without it there is no Sync signup,
and the KakaoTalk browser's Kakao-only rule lapses with it. The Sync settings stay.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .conf import load_config


def kakao_login_off_note() -> str | None:
    config = load_config()
    if not config.enabled:
        return None
    if config.kakao_only_in_app_browser:
        return _(
            "Kakao login is OFF, so Kakao Sync has stopped too: no Kakao sign-up, terms or "
            "channel consent, and the KakaoTalk browser no longer offers Kakao login only "
            "(every login method is offered there again). Kakao Sync's settings are kept: "
            "switch Kakao login back on to resume."
        )
    return _(
        "Kakao login is OFF, so Kakao Sync has stopped too: no Kakao sign-up, terms or "
        "channel consent. Kakao Sync's settings are kept: switch Kakao login back on to resume."
    )
