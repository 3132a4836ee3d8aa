"""The key name map: which key of a partner's JSON answer feeds which profile attribute.

Pure functions, no Django models: :func:`compile_key_map` checks an admin's map once
(dotted paths such as ``user_info.username``; a purely numeric segment also indexes a
list), :func:`apply_key_map` reads an answer with it, type-checks and normalises each
value. Every fault is a :class:`MappingError` naming the attribute and the path; nothing
else escapes, whatever the JSON.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from store import profile_values

ATTRIBUTES: tuple[str, ...] = (
    "birthday",
    "nickname",
    "first_name",
    "last_name",
    "gender",
    "server_custom_id",
)
MAX_PATH_LENGTH = 200
MAX_SEGMENTS = 16
_TEXT_LIMITS = {"nickname": 100, "first_name": 150, "last_name": 150}
_SERVER_CUSTOM_ID_MAX = 255
_MISSING = object()


class MappingError(Exception):
    """A key name map or an answer does not fit; ``path`` names the JSON key."""

    def __init__(self, attribute: str, path: str, message: Any) -> None:
        super().__init__(f"{attribute} ({path}): {message}")
        self.attribute = attribute
        self.path = path
        self.message = message


class KeyMapError(MappingError):
    """The key name map itself is wrong (unknown attribute, invalid path)."""


@dataclass(frozen=True, slots=True)
class _Field:
    attribute: str
    path: str
    keys: tuple[str | int, ...]
    normalise: Callable[[str, str, Any], Any]
    get: Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class CompiledKeyMap:
    fields: tuple[_Field, ...] = ()
    fast: Callable[[dict], dict[str, Any] | None] = field(
        default=lambda answer: {}, compare=False, repr=False
    )

    @property
    def attributes(self) -> tuple[str, ...]:
        return tuple(f.attribute for f in self.fields)

    def as_dict(self) -> dict[str, str]:
        return {f.attribute: f.path for f in self.fields}


@dataclass(slots=True)
class MappingResult:
    """Normalised values of the attributes found; an error per attribute that failed."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, MappingError] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    def raise_first(self) -> None:
        for attribute in ATTRIBUTES:
            if attribute in self.errors:
                raise self.errors[attribute]


_SEGMENT = re.compile(r"^[^.\s][^.]*$")


def parse_path(attribute: str, path: Any) -> tuple[str | int, ...]:
    if not isinstance(path, str):
        raise KeyMapError(attribute, repr(path)[:50], _("the key must be text"))
    if not path or len(path) > MAX_PATH_LENGTH:
        raise KeyMapError(
            attribute, path[:50], _("the key must be 1 to %d characters") % MAX_PATH_LENGTH
        )
    segments = path.split(".")
    if len(segments) > MAX_SEGMENTS:
        raise KeyMapError(attribute, path, _("at most %d dotted parts") % MAX_SEGMENTS)
    keys: list[str | int] = []
    for segment in segments:
        if not _SEGMENT.match(segment) or segment != segment.strip():
            raise KeyMapError(
                attribute,
                path,
                _(
                    "invalid key: parts are separated by single dots and cannot be empty "
                    "or start or end with a space"
                ),
            )
        numeric = segment.isascii() and segment.isdigit() and str(int(segment)) == segment
        keys.append(int(segment) if numeric else segment)
    return tuple(keys)


def compile_key_map(key_map: Any) -> CompiledKeyMap:
    """Check an admin's map (attribute → dotted path) once; blank entries are unmapped."""
    if key_map is None:
        return CompiledKeyMap()
    if not isinstance(key_map, Mapping):
        raise KeyMapError("(key_map)", "", _("the key name map must be an object"))
    fields = []
    for attribute in ATTRIBUTES:
        path = key_map.get(attribute)
        if path is None or path == "":
            continue
        keys = parse_path(attribute, path)
        fields.append(_Field(attribute, path, keys, _NORMALISERS[attribute], _getter(keys)))
    for attribute in key_map:
        if attribute not in _NORMALISERS:
            raise KeyMapError(str(attribute)[:50], "", _("unknown profile attribute"))
    return CompiledKeyMap(tuple(fields), _fast_path(fields))


def _fast_path(fields: list[_Field]) -> Callable[[dict], dict[str, Any] | None]:
    """One Python function for the whole map, generated once: the lookups unrolled.

    The generated source refers to keys only by index into constants (``K[i][j]``), never
    by their text, so nothing an admin types becomes code. It returns ``None`` when a value
    is missing or null (the slow path then says which) and lets ``MappingError`` through.
    """
    lines = ["def fast(answer):", "    values = {}"]
    for i, f in enumerate(fields):
        if all(type(k) is str for k in f.keys):
            lines.append(f"    v = answer.get(K[{i}][0], M)")
            for j in range(1, len(f.keys)):
                lines.append(f"    v = v.get(K[{i}][{j}], M) if type(v) is dict else M")
        else:
            lines.append(f"    v = lookup(answer, K[{i}])")
        lines.append("    if v is M or v is None:")
        lines.append("        return None")
        lines.append(f"    values[A[{i}]] = N[{i}](A[{i}], P[{i}], v)")
    lines.append("    return values")
    namespace: dict[str, Any] = {
        "K": tuple(f.keys for f in fields),
        "A": tuple(f.attribute for f in fields),
        "P": tuple(f.path for f in fields),
        "N": tuple(f.normalise for f in fields),
        "M": _MISSING,
        "lookup": _lookup,
    }
    exec(compile("\n".join(lines), "<keymap>", "exec"), namespace)  # noqa: S102 - see docstring
    return namespace["fast"]


def _lookup(data: Any, keys: tuple[str | int, ...]) -> Any:
    for key in keys:
        kind = type(data)
        if kind is dict:
            if type(key) is int:
                key = str(key)
            data = data.get(key, _MISSING)
            if data is _MISSING:
                return _MISSING
        elif kind is list and type(key) is int:
            if key >= len(data):
                return _MISSING
            data = data[key]
        else:
            return _MISSING
    return data


def _getter(keys: tuple[str | int, ...]) -> Callable[[Any], Any]:
    """A lookup specialised once for its path: the common short text paths unrolled."""
    if all(type(k) is str for k in keys):
        if len(keys) == 1:
            (k0,) = keys

            def get1(data: Any) -> Any:
                return data.get(k0, _MISSING)

            return get1
        if len(keys) == 2:
            k0, k1 = keys

            def get2(data: Any) -> Any:
                inner = data.get(k0, _MISSING)
                return inner.get(k1, _MISSING) if type(inner) is dict else _MISSING

            return get2
    return lambda data: _lookup(data, keys)


def apply_key_map(compiled: CompiledKeyMap, answer: Any) -> MappingResult:
    """Read each mapped attribute from ``answer``; a missing key or JSON ``null`` means
    "not provided": the attribute keeps its current value (no attribute is required).
    ``server_custom_id`` once mapped is the exception: every answer must carry it."""
    result = MappingResult()
    if type(answer) is not dict:
        for f in compiled.fields:
            result.errors[f.attribute] = MappingError(
                f.attribute, f.path, _("the answer is not a JSON object")
            )
        return result
    for f in compiled.fields:
        value = f.get(answer)
        if value is _MISSING:
            if f.attribute == "server_custom_id":
                # The partner's user ID says who the customer is; it has no "current
                # value" an answer could leave as it is.
                result.errors[f.attribute] = MappingError(
                    f.attribute, f.path, _("the key is missing from the answer")
                )
            else:
                result.missing.append(f.attribute)
            continue
        if value is None:
            if f.attribute == "server_custom_id":
                result.errors[f.attribute] = MappingError(
                    f.attribute, f.path, _("the user ID is empty")
                )
            continue
        try:
            result.values[f.attribute] = f.normalise(f.attribute, f.path, value)
        except MappingError as exc:
            result.errors[f.attribute] = exc
    return result


def map_answer(compiled: CompiledKeyMap, answer: Any) -> dict[str, Any]:
    """Like :func:`apply_key_map` but raises the first error: for logins, all or nothing."""
    if type(answer) is dict:
        try:
            values = compiled.fast(answer)
        except MappingError:
            values = None
        if values is not None:
            return values
    # Something is missing or wrong: the slow path finds every error, in a stable order.
    result = apply_key_map(compiled, answer)
    result.raise_first()
    return result.values


def _text(attribute: str, path: str, value: Any) -> str:
    if type(value) is not str:
        raise MappingError(attribute, path, _("expected text, got %s") % _json_type(value))
    value = value.strip()
    limit = _TEXT_LIMITS[attribute]
    if len(value) > limit:
        raise MappingError(attribute, path, _("longer than %d characters") % limit)
    return value


def _birthday(attribute: str, path: str, value: Any) -> dt.date:
    if type(value) is not str:
        raise MappingError(
            attribute, path, _("expected a date as text, got %s") % _json_type(value)
        )
    day = profile_values.date(value)
    if day is None:
        raise MappingError(attribute, path, _("expected a date as YYYY-MM-DD or YYYYMMDD"))
    if not profile_values.is_plausible_birthday(day):
        raise MappingError(attribute, path, _("the date is not a plausible birthday"))
    return day


def _gender(attribute: str, path: str, value: Any) -> str:
    if type(value) is not str:
        raise MappingError(attribute, path, _("expected text, got %s") % _json_type(value))
    gender = profile_values.gender(value)
    if gender is None:
        raise MappingError(attribute, path, _("expected male, female or other"))
    return gender


def _server_custom_id(attribute: str, path: str, value: Any) -> str:
    kind = type(value)
    if kind is int:
        try:
            text = str(value)
        except ValueError:  # more digits than Python converts
            raise MappingError(attribute, path, _("the number is too long")) from None
    elif kind is str:
        text = value.strip()
    else:
        raise MappingError(
            attribute, path, _("expected text or a whole number, got %s") % _json_type(value)
        )
    if not text:
        raise MappingError(attribute, path, _("the user ID is empty"))
    if len(text) > _SERVER_CUSTOM_ID_MAX:
        raise MappingError(attribute, path, _("longer than %d characters") % _SERVER_CUSTOM_ID_MAX)
    return text


def _json_type(value: Any) -> Any:
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("an object")
    return _("null")


_NORMALISERS: dict[str, Callable[[str, str, Any], Any]] = {
    "birthday": _birthday,
    "nickname": _text,
    "first_name": _text,
    "last_name": _text,
    "gender": _gender,
    "server_custom_id": _server_custom_id,
}
