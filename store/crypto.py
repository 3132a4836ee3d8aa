"""Secrets at rest: Fernet tokens under the keys of ``STORE_SECRETS_KEY``.

Several comma-separated keys allow rotation: the first one encrypts, all of them decrypt,
and ``manage.py store_rotate_secrets`` re-encrypts every stored secret with the first.
A key is either a Fernet key (32 url-safe base64 bytes) or any passphrase, which is
stretched into one with HKDF, so that operators may paste what their vault gives them.
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .app_settings import app_settings


class SecretDecryptionError(Exception):
    """A stored secret cannot be decrypted with any configured key."""


def _fernet_key(raw: str) -> bytes:
    raw = raw.strip()
    try:
        if len(base64.urlsafe_b64decode(raw.encode())) == 32:
            return raw.encode()
    except (ValueError, TypeError):
        pass
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"django-social-store", info=b"secrets"
    ).derive(raw.encode())
    return base64.urlsafe_b64encode(derived)


def configured_keys() -> list[str]:
    keys = [k for k in app_settings.SECRETS_KEY.split(",") if k.strip()]
    if not keys and settings.DEBUG:
        # Development only: the system check store.W001 says so; store.E001 stops a
        # production start without a key.
        keys = ["debug-only:" + settings.SECRET_KEY]
    return keys


@functools.lru_cache(maxsize=8)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(k)) for k in keys])


def get_fernet() -> MultiFernet:
    keys = configured_keys()
    if not keys:
        raise ImproperlyConfigured(
            "STORE_SECRETS_KEY is not set: add it to your settings (or environment) to "
            "store secrets encrypted."
        )
    return _multifernet(tuple(keys))


def encrypt(plaintext: str) -> str:
    return get_fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return get_fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretDecryptionError(
            "a stored secret cannot be decrypted with the keys in STORE_SECRETS_KEY"
        ) from exc


def rotate(token: str) -> str:
    """Re-encrypt ``token`` under the first configured key."""
    try:
        return get_fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretDecryptionError("cannot rotate: no configured key decrypts it") from exc


def hmac_keys(dedicated: str = "") -> list[str]:
    """The keys a lasting keyed hash (a tombstone, a welcomed account) may have been made
    with, the one to write first: ``dedicated`` (comma-separated, for its own rotation),
    then ``SECRET_KEY`` and every ``SECRET_KEY_FALLBACKS``.

    Such a hash is looked up, never re-made from what it hides, so a key that rotates away
    would silently forget every row made with it: each of them is still checked.
    """
    keys = [k.strip() for k in dedicated.split(",") if k.strip()]
    keys += [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return list(dict.fromkeys(k for k in keys if k))


def keyed_digests(salt: str, value: str, keys: list[str]) -> list[str]:
    """HMAC-SHA256 of ``value`` under each of ``keys`` (the first is the one to write)."""
    from django.utils.crypto import salted_hmac

    return [salted_hmac(salt, value, secret=key, algorithm="sha256").hexdigest() for key in keys]
