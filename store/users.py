"""The host's user model, read in one place.

A shop may use Django's ``User`` or its own model (``email`` as ``USERNAME_FIELD``, no
``username``, a UUID primary key). Code of the plugin that reads or writes a user field by
name asks here instead of assuming ``username`` and ``email``.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models

# No address in a ``.invalid`` domain is ever delivered (RFC 2606); a dotted domain
# passes Django's EmailValidator.
PLACEHOLDER_DOMAIN = "placeholder.invalid"


def model() -> Any:
    return get_user_model()


def username_field() -> str:
    """The field the user logs in with (``username`` on Django's model, often ``email``)."""
    return str(model().USERNAME_FIELD)


def email_field() -> str | None:
    """The e-mail field, or ``None`` for a model without one."""
    name = model().get_email_field_name()
    return name if has_field(name) else None


def required_fields() -> list[str]:
    """What ``createsuperuser`` asks for besides ``USERNAME_FIELD`` and the password."""
    return list(model().REQUIRED_FIELDS)


def has_username() -> bool:
    """Whether the model has a user name of its own, apart from its e-mail."""
    return username_field() != email_field()


def pk_is_integer() -> bool:
    """Whether the primary key is an integer; audit rows keep it as text for a UUID one."""
    pk = model()._meta.pk
    return isinstance(pk, models.IntegerField) or (
        isinstance(pk, models.ForeignKey) and isinstance(pk.target_field, models.IntegerField)
    )


def is_email(name: str) -> bool:
    return name == email_field() or isinstance(model()._meta.get_field(name), models.EmailField)


def has_field(name: str) -> bool:
    try:
        model()._meta.get_field(name)
    except FieldDoesNotExist:  # a property of that name is no column we can write
        return False
    return True


def lookups(relation: str = "") -> list[str]:
    """The user's name and e-mail as lookups through ``relation`` (``customer__user``).

    For an admin's ``search_fields``; each field once (an e-mail ``USERNAME_FIELD``).
    """
    prefix = f"{relation}__" if relation else ""
    email = email_field()
    names = [username_field(), *([email] if email else [])]
    return [prefix + name for name in dict.fromkeys(names)]


def name_lookup(relation: str = "") -> str:
    """The user's ``USERNAME_FIELD`` through ``relation``, for an admin column's ordering."""
    return f"{relation}__{username_field()}" if relation else username_field()


def unique_fields() -> list[str]:
    """Every unique field of the model except its primary key."""
    return [
        field.name
        for field in model()._meta.concrete_fields
        if field.unique and not field.primary_key
    ]


def placeholder(name: str, token: str) -> str:
    """A value for field ``name`` that no real user has and the field accepts.

    An e-mail field gets an address in the reserved ``.invalid`` domain: it passes the
    field's validation and no mail sent to it is ever delivered.
    """
    field = model()._meta.get_field(name)
    value = f"{token}@{PLACEHOLDER_DOMAIN}" if is_email(name) else token
    max_length = getattr(field, "max_length", None)
    return value[-max_length:] if max_length and len(value) > max_length else value


def erased_values(user: Any) -> dict[str, Any]:
    """What erases a user's personal fields, each field written once.

    Unique fields (the ``USERNAME_FIELD``, often the e-mail) get a placeholder unique to
    the user; an empty string would collide with the next deleted user.
    """
    values: dict[str, Any] = {}
    token = f"deleted-{user.pk}"
    for name in (username_field(), *unique_fields()):
        if name not in values and _is_text(name):
            values[name] = placeholder(name, token)
    email = email_field()
    if email and email not in values:
        values[email] = ""
    for name in ("first_name", "last_name"):
        if name not in values and has_field(name):
            values[name] = ""
    return values


def _is_text(name: str) -> bool:
    return isinstance(model()._meta.get_field(name), models.CharField)


def new_user_values(name_hint: str, email: str = "") -> dict[str, Any]:
    """The identifying fields of a new user created for a partner identity.

    A model with a user name gets ``name_hint`` made unique; a model that logs in with
    its e-mail gets ``email``, never the hint (``user-87654321`` is no address). Without
    an address, an e-mail ``USERNAME_FIELD`` gets a unique ``.invalid`` placeholder: a
    unique, non-null field must hold something, and the placeholder can never log in
    or receive mail (the partner holds the credentials).
    """
    name = username_field()
    manager = model()._default_manager
    values: dict[str, Any] = {}
    mail = email_field()
    if email and mail:
        values[mail] = email
    if is_email(name):
        if not values.get(name):
            values[name] = placeholder(name, f"partner-{secrets.token_hex(8)}")
        return values
    base = "".join(c for c in name_hint.lower() if c.isalnum() or c in "._-")[:100]
    value = base or "partner"
    while manager.filter(**{name: value}).exists():
        value = f"{base or 'partner'}-{secrets.token_hex(3)}"
    values[name] = value
    return values
