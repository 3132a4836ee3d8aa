"""Config as code: the whole store configuration as one JSON object.

Each app contributes a section through ``store.registry.register_config_section``.
Import is all or nothing: every section is validated and applied inside one transaction,
with the same forms the admin uses, and the first error names the bad key.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction

from . import registry

# Written for a stored secret by an export without ``--with-secrets``; read back by import
# as "keep the stored secret", in every section, so that it is never stored as a secret.
SECRET_PLACEHOLDER = "***"


def export_secret(value: Any, *, with_secrets: bool) -> str:
    """A secret as exported: itself with ``--with-secrets``, else the placeholder if set."""
    text = str(value or "")
    return text if with_secrets else (SECRET_PLACEHOLDER if text else "")


def import_secret(data: dict[str, Any], key: str, *, prefix: str) -> str:
    """The secret ``data[key]`` as imported: ``""`` (keep the stored one) when it is absent
    or the placeholder.

    Every section reads its secrets here, so that one that is not a string is an error
    naming the key in all of them: a number or an object once said "applied" and either
    kept the old secret or stored the number's digits.
    """
    value = data.get(key, "")
    if not isinstance(value, str):
        raise ConfigError(f"{prefix}.{key}", "must be a string")
    return "" if value == SECRET_PLACEHOLDER else value


class ConfigError(Exception):
    """A configuration value is wrong; ``path`` names it (``store.welcome_points``)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def export_config(*, with_secrets: bool = False) -> dict[str, Any]:
    return {
        name: section.export(with_secrets=with_secrets)
        for name, section in registry.config_sections().items()
    }


def import_config(data: Any) -> None:
    if not isinstance(data, dict):
        raise ConfigError("(root)", "the configuration must be a JSON object")
    sections = registry.config_sections()
    unknown = sorted(set(data) - set(sections))
    if unknown:
        raise ConfigError(unknown[0], f"unknown section (known: {', '.join(sorted(sections))})")
    try:
        with transaction.atomic():
            for name, section in sections.items():
                if name not in data:
                    continue
                if not isinstance(data[name], dict):
                    raise ConfigError(name, "must be a JSON object")
                section.apply(data[name])
            # Rules that span sections (an age-restricted store with a provider ON) are
            # checked on the configuration as it would be after the whole import.
            for section in sections.values():
                validate = getattr(section, "validate_applied", None)
                if validate is not None:
                    validate()
    except BaseException:
        # A section may have cached values read inside the rolled-back transaction.
        for section in sections.values():
            discard = getattr(section, "discard_cache", None)
            if discard is not None:
                discard()
        raise


def raise_form_errors(prefix: str, form: forms.BaseForm) -> None:
    """Turn the first error of an invalid form into a ConfigError naming the key."""
    for field, errors in form.errors.items():
        path = prefix if field == "__all__" else f"{prefix}.{field}"
        raise ConfigError(path, " ".join(str(e) for e in errors))


def check_keys(prefix: str, data: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError(f"{prefix}.{unknown[0]}", "unknown key")
