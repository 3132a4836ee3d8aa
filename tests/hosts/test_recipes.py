"""Each host's recipe, from the README verbatim, gives no warning on its first check."""

from __future__ import annotations

import pytest

from .shops import Host, recipe

pytestmark = [pytest.mark.hosts]


def test_first_check_of_a_fresh_project_gives_no_warning(host: Host) -> None:
    # Before migrate, with the key store_secrets_key printed: what a new user sees first.
    assert host.first_check.strip() == "System check identified no issues (0 silenced).", (
        host.first_check
    )


def test_readme_blocks_are_complete_python() -> None:
    """Nothing to fill in: no ``# ...`` placeholder, each block compiles."""
    for name in ("plain", "custom-user", "headless"):
        for part, block in recipe(name).items():
            assert "..." not in block.replace('"..."', ""), (name, part)
            compile(block, f"README recipe:{name}:{part}", "exec")
