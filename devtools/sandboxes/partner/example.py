"""The seed's example: the partner answer and the key name map that fits it.

One source for the sandbox's demo wiring, the tests and the benchmarks.
"""

from __future__ import annotations

from typing import Any

# The user-authentication answer of the login platform's key-name-map guide.
SEED_ANSWER: dict[str, Any] = {
    "user": {"player_id": "12345678", "email": "user@example.com"},
    "user_info": {
        "username": "gamer123",
        "user_first_name": "John",
        "user_last_name": "Doe",
        "gender": "male",
        "birthday": "1990-05-15",
        "country": "US",
        "language": "en",
    },
    "subscription_status": "active",
    "loyalty_level": "gold",
}

# Every profile attribute mapped onto that answer.
SEED_KEY_MAP: dict[str, str] = {
    "nickname": "user_info.username",
    "server_custom_id": "user.player_id",
    "first_name": "user_info.user_first_name",
    "last_name": "user_info.user_last_name",
    "gender": "user_info.gender",
    "birthday": "user_info.birthday",
}

# Where the sandbox serves each webhook.
WEBHOOK_PATHS: dict[str, str] = {
    "user_authentication": "/webhooks/user-authentication",
    "user_creation": "/webhooks/user-creation",
    "social_login": "/webhooks/social-login",
    "user_validation": "/webhooks/user-validation",
}
