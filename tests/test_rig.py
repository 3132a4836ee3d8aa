"""The rig runs on the database it claims to: a PostgreSQL leg that silently fell back to
SQLite would prove nothing."""

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_database_is_the_expected_engine() -> None:
    expected = os.environ.get("STORE_EXPECT_DB", "sqlite")
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_server_version_is_15_or_newer() -> None:
    assert connection.pg_version >= 150000


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration() -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # --check exits non-zero when a migration is missing
        raise AssertionError(f"missing migrations:\n{out.getvalue()}") from exc
