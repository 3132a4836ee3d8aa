"""The plugin on a host user model: e-mail as ``USERNAME_FIELD``, no user name, UUID pk.

``AUTH_USER_MODEL`` is read once at start-up, so ``scenarios.py`` runs in a process of
its own with ``tests.custom_user.settings`` (SQLite file in a temporary directory,
migrated from empty); each test here reports one of its outcomes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = [
    "test_the_project_is_the_custom_one",
    "test_system_checks_pass",
    "test_two_deletions_in_a_row",
    *(
        f"test_admin_changelist_searches_and_sorts[admin:{name}_changelist]"
        for name in (
            "store_customer",
            "commerce_coupon",
            "kakaosync_kakaosyncmember",
            "keymap_partnerlink",
            "sociallogin_archivedsocialaccount",
        )
    ),
    "test_user_id_login_keeps_the_hint_out_of_the_email",
    "test_allauth_settings_for_a_user_name_are_named",
    "test_allauth_settings_of_the_recipe_pass",
    "test_login_page_answers",
    "test_signup_at_the_partner_sends_the_email_as_its_login",
    "test_deleting_an_apple_customer_records_its_revocation",
    "test_partner_login_for_a_known_address_links_after_the_password",
    "test_partner_login_for_a_never_verified_address_takes_it_over_by_code",
    "test_partner_login_for_a_new_address_makes_one_customer",
    "test_a_refused_user_row_is_no_link_race",
    "test_a_kakao_callback_on_a_misconfigured_host_is_the_shops_error",
]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each scenario's failure text ("" when it passed), from one run of ``scenarios.py``."""
    tmp = tmp_path_factory.mktemp("custom_user")
    report = tmp / "report.xml"
    env = {**os.environ, "CUSTOM_USER_DB_DIR": str(tmp), "DJANGO_SETTINGS_MODULE": ""}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "--ds",
            "tests.custom_user.settings",
            f"--junitxml={report}",
            "-q",
            str(Path(__file__).with_name("scenarios.py")),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if not report.exists():
        pytest.fail(f"the custom user project did not run:\n{run.stdout}\n{run.stderr}")
    found: dict[str, str] = {}
    for case in ET.parse(report).iter("testcase"):
        problems = [*case.iter("failure"), *case.iter("error")]
        found[case.get("name", "")] = "\n".join(p.text or p.get("message", "") for p in problems)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_on_a_custom_user_model(outcomes: dict[str, str], scenario: str) -> None:
    assert scenario in outcomes, f"{scenario} did not run; ran: {sorted(outcomes)}"
    assert not outcomes[scenario], outcomes[scenario]
