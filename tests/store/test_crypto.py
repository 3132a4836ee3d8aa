import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured

from store import crypto
from store.fields import EncryptedTextField, Secret


def test_round_trip_and_ciphertext_hides_plaintext() -> None:
    token = crypto.encrypt("s3cret-value")
    assert "s3cret" not in token
    assert crypto.decrypt(token) == "s3cret-value"


def test_passphrase_keys_are_stretched(settings) -> None:
    settings.STORE_SECRETS_KEY = "any passphrase from a vault"
    assert crypto.decrypt(crypto.encrypt("x")) == "x"


def test_rotation_old_key_still_decrypts_and_rotate_moves_to_new(settings) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.STORE_SECRETS_KEY = old
    token = crypto.encrypt("client-secret")
    settings.STORE_SECRETS_KEY = f"{new},{old}"
    assert crypto.decrypt(token) == "client-secret"
    rotated = crypto.rotate(token)
    settings.STORE_SECRETS_KEY = new
    assert crypto.decrypt(rotated) == "client-secret"
    with pytest.raises(crypto.SecretDecryptionError):
        crypto.decrypt(token)


def test_wrong_key_is_a_clear_error_without_the_value(settings) -> None:
    token = crypto.encrypt("top-secret")
    settings.STORE_SECRETS_KEY = Fernet.generate_key().decode()
    with pytest.raises(crypto.SecretDecryptionError) as info:
        crypto.decrypt(token)
    assert "top-secret" not in str(info.value)
    assert "STORE_SECRETS_KEY" in str(info.value)


@pytest.mark.django_db  # other apps' checks read the database
def test_missing_key_outside_debug_refuses(settings) -> None:
    settings.STORE_SECRETS_KEY = ""
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="STORE_SECRETS_KEY"):
        crypto.encrypt("x")
    ids = {m.id for m in run_checks()}
    assert "store.E001" in ids


@pytest.mark.django_db
def test_missing_key_in_debug_only_warns(settings) -> None:
    settings.STORE_SECRETS_KEY = ""
    settings.DEBUG = True
    ids = {m.id for m in run_checks()}
    assert "store.W001" in ids and "store.E001" not in ids
    assert crypto.decrypt(crypto.encrypt("dev")) == "dev"


def test_field_conversions_never_store_plaintext() -> None:
    field = EncryptedTextField()
    stored = field.get_prep_value("abc")
    assert stored != "abc"
    loaded = field.from_db_value(stored, None, None)
    assert loaded == "abc" and isinstance(loaded, Secret)
    assert "abc" not in repr(loaded)
    assert field.get_prep_value("") == ""
    assert field.from_db_value(None, None, None) is None
