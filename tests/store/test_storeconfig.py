import io
import json

import pytest
from django.core.management import CommandError, call_command

from store import registry
from store.config import ConfigError, import_config
from store.models import StoreSettings

pytestmark = pytest.mark.django_db


def _export(*args: str) -> dict:
    out = io.StringIO()
    call_command("storeconfig", "export", *args, stdout=out)
    return json.loads(out.getvalue())


def _import(tmp_path, data) -> None:
    path = tmp_path / "config.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    call_command("storeconfig", "import", str(path), stdout=io.StringIO())


def test_round_trip(tmp_path) -> None:
    _import(
        tmp_path,
        {
            "store": {
                "name": "한복 가게",
                "welcome_points": 300,
                "welcome_coupon": {"name": "W", "kind": "amount", "value": 2000},
            }
        },
    )
    exported = _export()
    assert exported["store"]["name"] == "한복 가게"
    assert exported["store"]["welcome_coupon"]["value"] == 2000
    StoreSettings.objects.all().delete()
    _import(tmp_path, exported)
    assert _export() == exported


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"store": {"welcome_points": -5}}, "store.welcome_points"),
        ({"store": {"welcome_points": "many"}}, "store.welcome_points"),
        ({"store": {"age_restricted": "yes"}}, "store.age_restricted"),
        ({"store": {"colour": "red"}}, "store.colour"),
        (
            {"store": {"welcome_coupon": {"name": "W", "kind": "amount"}}},
            "store.welcome_coupon.value",
        ),
        (
            {"store": {"welcome_coupon": {"name": "W", "kind": "percent", "value": 150}}},
            "store.welcome_coupon",
        ),
        ({"shop": {}}, "shop"),
        ([], "(root)"),
    ],
)
def test_bad_files_name_the_key_and_change_nothing(tmp_path, data, path) -> None:
    before = _export()
    with pytest.raises(CommandError) as info:
        _import(tmp_path, data)
    assert path in str(info.value) and "nothing was changed" in str(info.value)
    assert _export() == before


def test_malformed_json_says_where(tmp_path) -> None:
    with pytest.raises(CommandError, match="line 1, column"):
        _import(tmp_path, '{"store": {')


def test_all_or_nothing_across_sections() -> None:
    class Failing:
        name = "zz_failing"

        def export(self, *, with_secrets):
            return {}

        def apply(self, data):
            raise ConfigError("zz_failing.x", "bad")

    registry.register_config_section(Failing())
    try:
        with pytest.raises(ConfigError):
            import_config({"store": {"name": "Changed"}, "zz_failing": {"x": 1}})
    finally:
        registry._config_sections.pop("zz_failing")
    assert StoreSettings.load().name != "Changed"
