"""The mapping engine: compile once, apply; typed errors naming the path, nothing else."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devtools.sandboxes.partner.example import SEED_ANSWER
from devtools.sandboxes.partner.example import SEED_KEY_MAP as SEED_MAP
from keymap.mapping import (
    ATTRIBUTES,
    KeyMapError,
    MappingError,
    apply_key_map,
    compile_key_map,
    map_answer,
)


def test_seed_answer_maps_every_attribute() -> None:
    values = map_answer(compile_key_map(SEED_MAP), SEED_ANSWER)
    assert values == {
        "nickname": "gamer123",
        "server_custom_id": "12345678",
        "first_name": "John",
        "last_name": "Doe",
        "gender": "male",
        "birthday": dt.date(1990, 5, 15),
    }


def test_unmapped_attributes_are_absent_and_nothing_is_required() -> None:
    compiled = compile_key_map({"nickname": "user_info.username", "gender": ""})
    assert compiled.attributes == ("nickname",)
    assert map_answer(compiled, SEED_ANSWER) == {"nickname": "gamer123"}
    assert map_answer(compile_key_map({}), SEED_ANSWER) == {}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1990-05-15", dt.date(1990, 5, 15)),
        ("19900515", dt.date(1990, 5, 15)),
        (" 2000-02-29 ", dt.date(2000, 2, 29)),
    ],
)
def test_birthday_formats(raw: str, expected: dt.date) -> None:
    assert map_answer(compile_key_map({"birthday": "b"}), {"b": raw}) == {"birthday": expected}


@pytest.mark.parametrize(
    "raw", ["1990-13-01", "19900230", "15/05/1990", "1850-01-01", "2999-01-01", 19900515]
)
def test_bad_birthdays_name_the_path(raw: object) -> None:
    with pytest.raises(MappingError) as exc:
        map_answer(compile_key_map({"birthday": "x.b"}), {"x": {"b": raw}})
    assert exc.value.path == "x.b" and exc.value.attribute == "birthday"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("male", "male"), ("F", "female"), ("여성", "female"), ("Other", "other"), ("남", "male")],
)
def test_gender_normalised(raw: str, expected: str) -> None:
    assert map_answer(compile_key_map({"gender": "g"}), {"g": raw})["gender"] == expected


def test_server_custom_id_from_int_or_string_never_empty() -> None:
    compiled = compile_key_map({"server_custom_id": "id"})
    assert map_answer(compiled, {"id": 42}) == {"server_custom_id": "42"}
    assert map_answer(compiled, {"id": " 7a "}) == {"server_custom_id": "7a"}
    for bad in ("", "   ", None, True, 1.5, [], {}):
        with pytest.raises(MappingError, match="id"):
            map_answer(compiled, {"id": bad})


def test_wrong_types_are_errors_per_attribute_and_missing_keys_are_not() -> None:
    compiled = compile_key_map({"nickname": "a.b", "gender": "g", "first_name": "f"})
    result = apply_key_map(compiled, {"a": {"b": 5}, "f": "Jo"})
    assert result.values == {"first_name": "Jo"}
    assert set(result.errors) == {"nickname"}
    assert "a.b" in str(result.errors["nickname"])
    assert result.missing == ["gender"]  # keeps its current value


def test_null_means_not_provided() -> None:
    assert map_answer(compile_key_map({"nickname": "n"}), {"n": None}) == {}


def test_numeric_segment_indexes_lists() -> None:
    compiled = compile_key_map({"nickname": "names.1"})
    assert map_answer(compiled, {"names": ["a", "b"]}) == {"nickname": "b"}
    assert map_answer(compiled, {"names": {"1": "c"}}) == {"nickname": "c"}
    assert map_answer(compiled, {"names": ["a"]}) == {}  # past the end: not provided


def test_answer_not_an_object() -> None:
    with pytest.raises(MappingError, match="not a JSON object"):
        map_answer(compile_key_map({"nickname": "n"}), [{"n": "x"}])


@pytest.mark.parametrize("path", ["", ".a", "a.", "a..b", " a", "a. b", "a" * 201, "." * 20, 5])
def test_invalid_paths_are_refused_when_compiled(path: object) -> None:
    with pytest.raises(KeyMapError) as exc:
        compile_key_map({"nickname": path} if path != "" else {"nickname": "a..b"})
    assert exc.value.attribute == "nickname"


def test_unknown_attribute_refused() -> None:
    with pytest.raises(KeyMapError, match="unknown"):
        compile_key_map({"email": "user.email"})
    with pytest.raises(KeyMapError):
        compile_key_map(["nickname"])


def test_too_long_text_refused() -> None:
    with pytest.raises(MappingError, match="100"):
        map_answer(compile_key_map({"nickname": "n"}), {"n": "x" * 101})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
segments = st.one_of(st.text(max_size=6), st.sampled_from(["user", "user_info", "0", "1", "id"]))
paths = st.lists(segments, min_size=0, max_size=5).map(".".join) | st.text(max_size=30)
key_maps = st.dictionaries(
    st.sampled_from([*ATTRIBUTES, "email"]) | st.text(max_size=5),
    paths | st.integers() | st.none(),
    max_size=7,
)


@settings(max_examples=400, deadline=None)
@given(key_map=key_maps, answer=json_values)
def test_nothing_but_our_typed_error_escapes(key_map: dict, answer: object) -> None:
    try:
        compiled = compile_key_map(key_map)
    except KeyMapError:
        return
    result = apply_key_map(compiled, answer)
    assert set(result.values) | set(result.errors) <= set(compiled.attributes)
    for attribute, value in result.values.items():
        if attribute == "birthday":
            assert isinstance(value, dt.date)
        else:
            assert isinstance(value, str)
        if attribute == "server_custom_id":
            assert value.strip()
        if attribute == "gender":
            assert value in {"male", "female", "other"}
    try:
        mapped = map_answer(compiled, answer)
    except MappingError as exc:
        assert result.errors
        assert exc.attribute in compiled.attributes
        assert exc.path == compiled.as_dict()[exc.attribute]
    else:
        # The generated fast path and the per-field slow path agree.
        assert not result.errors and mapped == result.values


@settings(max_examples=200, deadline=None)
@given(
    answer=json_values,
    path=st.lists(
        st.text(min_size=1, max_size=5).filter(
            lambda s: "." not in s and s == s.strip() and s.strip()
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_a_value_placed_at_a_path_is_found_there(answer: object, path: list[str]) -> None:
    document: object = "found"
    for key in reversed(path):
        document = {key: document}
    compiled = compile_key_map({"nickname": ".".join(path)})
    assert map_answer(compiled, json.loads(json.dumps(document))) == {"nickname": "found"}
