"""partner_data keeps the JWT small: a huge partner answer is capped, the mapping is not."""

from __future__ import annotations

import logging

import pytest

from keymap.partner_links import capped_partner_data


def test_small_answers_are_kept_whole(settings) -> None:
    answer = {"user": {"player_id": "1"}, "loyalty_level": "gold"}
    assert capped_partner_data(answer) is answer


def test_large_answers_keep_the_keys_that_fit_and_log_the_rest(settings, caplog) -> None:
    settings.KEYMAP_PARTNER_DATA_MAX_BYTES = 200
    answer = {
        "user": {"player_id": "12345678"},
        "history": ["x" * 50] * 20,
        "loyalty_level": "gold",
    }
    with caplog.at_level(logging.WARNING, logger="keymap.partner_links"):
        kept = capped_partner_data(answer)
    assert kept == {"user": {"player_id": "12345678"}, "loyalty_level": "gold"}
    assert "history" in caplog.text and "xxxx" not in caplog.text


@pytest.mark.django_db
def test_stored_partner_data_is_capped(settings) -> None:
    from django.contrib.auth import get_user_model

    from keymap.partner_links import apply_profile

    settings.KEYMAP_PARTNER_DATA_MAX_BYTES = 100
    user = get_user_model().objects.create_user("big", "big@example.com", "pw")
    answer = {"id": "7", "blob": "y" * 500}
    link = apply_profile(user, {"nickname": "Big"}, answer=answer, source="user_authentication")
    link.refresh_from_db()
    assert link.partner_data == {"id": "7"}
    assert user.customer.nickname == "Big"
