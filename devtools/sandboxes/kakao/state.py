"""What the Kakao sandbox remembers: its app, its Kakao users, their links to the app.

Plain Python, no Django: the sandbox runs standalone. One lock guards everything, since
the HTTP server answers on several threads.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

# Kakao's consent items (scope names) and the kakao_account field each one unlocks.
CONSENT_ITEMS: dict[str, str] = {
    "profile_nickname": "profile",
    "profile_image": "profile_image",
    "account_email": "email",
    "name": "name",
    "phone_number": "phone_number",
    "birthday": "birthday",
    "birthyear": "birthyear",
    "gender": "gender",
    "age_range": "age_range",
}
REQUIRED_ITEMS = ("profile_nickname",)
# Security event types, as seen in public code using Kakao's security events (Kakao's
# documentation page lists them by category: OAUTH, RISC, CAEP, KAKAO).
EVENT_TYPES: dict[str, str] = {
    name: f"https://schemas.kakao.com/events/{category}/{name}"
    for category, names in {
        "oauth": (
            "tokens-revoked",
            "user-linked",
            "user-unlinked",
            "user-scope-consent",
            "user-scope-withdraw",
        ),
        "risc": (
            "account-disabled",
            "account-enabled",
            "credential-compromise",
            "sessions-revoked",
        ),
        "caep": ("assurance-level-change", "credential-change"),
        "kakao": ("user-profile-changed",),
    }.items()
    for name in names
}
REFERRER_TYPES = (
    "UNLINK_FROM_APPS",
    "UNLINK_FROM_ADMIN",
    "ACCOUNT_DELETE",
    "FORCED_ACCOUNT_DELETE",
    "INCOMPLETE_SIGN_UP",
)


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class SandboxConfig:
    """The one Kakao app the sandbox plays. Blank ``rest_api_key`` accepts any client_id."""

    app_id: int = 100001
    rest_api_key: str = "sandbox-rest-api-key"
    client_secret: str = ""
    admin_key: str = "sandbox-admin-key"
    shop_url: str = "http://127.0.0.1:8000"
    unlink_webhook_path: str = "/kakaosync/webhooks/unlink/"
    channel_webhook_path: str = "/kakaosync/webhooks/channel/"
    events_webhook_path: str = "/kakaosync/webhooks/events/"
    # The app's service terms, as set up in Kakao Developers: tag -> required.
    service_terms: dict[str, bool] = field(
        default_factory=lambda: {
            "terms_of_service": True,
            "privacy_policy": True,
            "marketing": False,
        }
    )
    # The app's native app key: what its iOS and Android SDK logins name as client (and the
    # audience of their ID tokens).
    native_app_key: str = "sandbox-native-app-key"
    # Another Kakao app, whose tokens the sandbox hands out for the token-substitution test.
    other_app_id: int = 900009
    other_app_key: str = "another-apps-native-key"
    code_ttl: int = 600
    # Added before each API answer (kauth/kapi), to play Kakao's network distance.
    latency_ms: int = 0
    token_ttl: int = 21599


@dataclass
class KakaoPerson:
    """A Kakao account (not yet tied to the app)."""

    id: int
    nickname: str
    email: str | None = None
    name: str | None = None
    phone_number: str | None = None
    birthday: str | None = None
    birthyear: str | None = None
    gender: str | None = None
    age_range: str | None = None
    profile_image: str | None = "https://sandbox.invalid/profile.png"

    def value_of(self, account_field: str) -> object:
        return getattr(self, account_field, None)


@dataclass
class Link:
    """A Kakao user's connection to the app: what they agreed to, and when."""

    user_id: int
    scopes: set[str]
    connected_at: str
    synched_at: str | None = None
    terms: dict[str, dict[str, object]] = field(default_factory=dict)


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    user_id: int
    expires: float


@dataclass
class AccessToken:
    user_id: int
    expires: float
    # The app the token was issued to (None: the sandbox's own app).
    app_id: int | None = None


def default_people() -> list[KakaoPerson]:
    return [
        KakaoPerson(
            1001,
            "민지",
            email="minji@example.com",
            name="김민지",
            phone_number="+82 10-1234-5678",
            birthday="0315",
            birthyear="1995",
            gender="female",
            age_range="30~39",
        ),
        KakaoPerson(
            1002,
            "Junho",
            email="junho@example.com",
            name="이준호",
            phone_number="+82 10-9876-5432",
            birthday="1102",
            birthyear="1988",
            gender="male",
            age_range="30~39",
        ),
        KakaoPerson(1003, "서연", email=None, name="박서연", gender="female"),
    ]


class SandboxState:
    def __init__(self, config: SandboxConfig, people: list[KakaoPerson] | None = None) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.people: dict[int, KakaoPerson] = {p.id: p for p in people or default_people()}
        self.links: dict[int, Link] = {}
        self.grants: dict[str, Grant] = {}
        self.tokens: dict[str, AccessToken] = {}
        self.sessions: dict[str, int] = {}  # Kakao login session cookie -> person id
        # channel_public_id -> {user_id: relation}
        self.channels: dict[str, dict[int, tuple[str, str]]] = {}
        self.webhook_log: list[dict[str, object]] = []
        # With a blank REST API key (any client_id), the one the shop last used: the
        # audience of the security events the sandbox sends.
        self.last_client_id = ""

    # people and sessions
    def add_person(self, nickname: str, email: str | None) -> KakaoPerson:
        with self.lock:
            new_id = max(self.people, default=1000) + 1
            person = KakaoPerson(new_id, nickname, email=email or None)
            self.people[new_id] = person
            return person

    def login(self, person_id: int) -> str:
        with self.lock:
            sid = secrets.token_urlsafe(16)
            self.sessions[sid] = person_id
            return sid

    def session_person(self, sid: str | None) -> KakaoPerson | None:
        with self.lock:
            pid = self.sessions.get(sid or "")
            return self.people.get(pid) if pid is not None else None

    # grants and tokens
    def issue_code(self, client_id: str, redirect_uri: str, user_id: int) -> str:
        with self.lock:
            code = secrets.token_urlsafe(24)
            self.grants[code] = Grant(
                client_id, redirect_uri, user_id, time.monotonic() + self.config.code_ttl
            )
            return code

    def take_code(self, code: str) -> Grant | None:
        with self.lock:
            grant = self.grants.pop(code, None)
            if grant is None or grant.expires < time.monotonic():
                return None
            self.last_client_id = grant.client_id
            return grant

    def issue_token(self, user_id: int) -> tuple[str, str]:
        with self.lock:
            access = secrets.token_urlsafe(32)
            self.tokens[access] = AccessToken(user_id, time.monotonic() + self.config.token_ttl)
            return access, secrets.token_urlsafe(32)

    def issue_foreign_token(self, user_id: int) -> str:
        """An access token another Kakao app got for this person (it never touched ours)."""
        with self.lock:
            access = secrets.token_urlsafe(32)
            self.tokens[access] = AccessToken(
                user_id, time.monotonic() + self.config.token_ttl, app_id=self.config.other_app_id
            )
            return access

    def token_user(self, access: str) -> AccessToken | None:
        with self.lock:
            token = self.tokens.get(access)
            if token is None or token.expires < time.monotonic():
                return None
            if token.app_id is None and token.user_id not in self.links:
                return None
            return token

    def drop_tokens(self, user_id: int) -> None:
        with self.lock:
            for key in [k for k, t in self.tokens.items() if t.user_id == user_id]:
                del self.tokens[key]

    # links
    def agree(
        self,
        user_id: int,
        scopes: set[str],
        terms: dict[str, tuple[bool, bool]],
        channels: dict[str, bool],
    ) -> Link:
        """Record a consent screen's outcome; terms: tag -> (required, agreed)."""
        with self.lock:
            stamp = now_iso()
            link = self.links.get(user_id)
            if link is None:
                link = Link(user_id=user_id, scopes=set(), connected_at=stamp)
                self.links[user_id] = link
            link.scopes |= scopes
            for tag, (required, agreed) in terms.items():
                previous = link.terms.get(tag)
                if previous and previous["agreed"] and not agreed:
                    continue
                link.terms[tag] = {
                    "tag": tag,
                    "required": required,
                    "agreed": agreed,
                    "revocable": not required,
                    "agreed_at": stamp if agreed else None,
                    "agreed_by": "KAUTH" if agreed else None,
                }
            if terms and link.synched_at is None:
                link.synched_at = stamp
            for public_id, added in channels.items():
                if added:
                    self.set_channel(public_id, user_id, "ADDED")
            return link

    def set_channel(self, public_id: str, user_id: int, relation: str) -> None:
        with self.lock:
            self.channels.setdefault(public_id, {})[user_id] = (relation, now_iso())

    def relation(self, public_id: str, user_id: int) -> tuple[str, str | None]:
        with self.lock:
            entry = self.channels.get(public_id, {}).get(user_id)
            return entry if entry else ("NONE", None)

    def unlink(self, user_id: int) -> bool:
        with self.lock:
            existed = self.links.pop(user_id, None) is not None
            self.drop_tokens(user_id)
            return existed

    def user_me(self, user_id: int) -> dict[str, object]:
        """The ``/v2/user/me`` body: only agreed fields, plus every needs_agreement flag."""
        with self.lock:
            person = self.people[user_id]
            link = self.links[user_id]
            account: dict[str, object] = {}
            for scope, account_field in CONSENT_ITEMS.items():
                agreed = scope in link.scopes
                if account_field == "profile":
                    account["profile_nickname_needs_agreement"] = not agreed
                    if agreed:
                        account["profile"] = {
                            "nickname": person.nickname,
                            "is_default_nickname": False,
                        }
                    continue
                if account_field == "profile_image":
                    account["profile_image_needs_agreement"] = not agreed
                    if agreed and person.profile_image:
                        profile = account.setdefault("profile", {})
                        assert isinstance(profile, dict)
                        profile.update(
                            {
                                "profile_image_url": person.profile_image,
                                "thumbnail_image_url": person.profile_image,
                                "is_default_image": False,
                            }
                        )
                    continue
                value = person.value_of(account_field)
                if value is None:
                    continue  # the person never gave Kakao this field: no flag either
                account[f"{account_field}_needs_agreement"] = not agreed
                if agreed:
                    account[account_field] = value
                    if account_field == "email":
                        account.update({"is_email_valid": True, "is_email_verified": True})
                    if account_field == "birthday":
                        account["birthday_type"] = "SOLAR"
            body: dict[str, object] = {
                "id": user_id,
                "connected_at": link.connected_at,
                "properties": {"nickname": person.nickname},
                "kakao_account": account,
            }
            if link.synched_at:
                body["synched_at"] = link.synched_at
            return body
