"""Model fields for secrets at rest."""

from __future__ import annotations

from typing import Any

from django.db import models

from . import crypto


class Secret(str):
    """A decrypted secret whose ``repr`` does not show the value (tracebacks, logs)."""

    def __repr__(self) -> str:
        return "Secret('***')" if self else "Secret('')"


class EncryptedTextField(models.TextField):
    """Stores a string as a Fernet token; reads it back decrypted.

    The empty string is stored as the empty string ("no secret set"). Values are never
    searchable or comparable in SQL, by design.
    """

    description = "Encrypted text"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value if value is None else Secret("")
        return Secret(crypto.decrypt(value))

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, Secret):
            return value
        return Secret(str(value))

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def value_to_string(self, obj: models.Model) -> str:
        # Serialisation (dumpdata) must not leak plaintext: it writes the ciphertext.
        value = self.value_from_object(obj)
        return self.get_prep_value(value) or ""
