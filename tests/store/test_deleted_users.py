"""Whatever deletes a user row, the plugin's deletion runs first (``store.deleted_users``):
``user.delete()`` in host code, a queryset's ``delete()``, the admin's delete page and bulk
action; on the default user model."""

from __future__ import annotations

from typing import Any

import pytest
import responses
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from kakaosync.models import KakaoSyncMember
from keymap.models import CredentialsNotBefore
from sociallogin import tombstones
from store.models import AccountDeletion
from store.services.customers import delete_account
from store.signals import account_deleting
from tests.kakaosync.conftest import ADMIN_KEY, kakao_login, sync_on  # noqa: F401  (fixtures)
from tests.kakaosync.test_webhooks import make_kakao_customer

pytestmark = pytest.mark.django_db

User = get_user_model()
UNLINK_URL = "https://kapi.kakao.com/v1/user/unlink"


def expect_unlink(uid: int) -> None:
    responses.post(
        UNLINK_URL,
        match=[
            responses.matchers.header_matcher({"Authorization": f"KakaoAK {ADMIN_KEY}"}),
            responses.matchers.urlencoded_params_matcher(
                {"target_id_type": "user_id", "target_id": str(uid)}
            ),
        ],
        json={"id": uid},
    )


def assert_erased(uid: int, user_pk: Any) -> None:
    assert not User.objects.filter(pk=user_pk).exists()
    assert tombstones.is_tombstoned("kakao", str(uid))
    assert list(AccountDeletion.objects.values_list("user_id", "join_channel")) == [
        (str(user_pk), "kakao")
    ]
    # What the erasure wrote for the user went with its row: no dangling reference.
    assert not CredentialsNotBefore.objects.filter(user_id=user_pk).exists()
    connection.check_constraints()


@responses.activate
def test_user_delete_in_host_code_runs_the_plugins_deletion(
    sync_on: Any,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    expect_unlink(71)
    user = make_kakao_customer(71, email="71@example.com")
    pk = user.pk
    with django_capture_on_commit_callbacks(execute=True):
        user.delete()
    assert_erased(71, pk)
    assert len(responses.calls) == 1  # unlinked at Kakao, after the commit
    assert not KakaoSyncMember.objects.filter(kakao_user_id=71).exists()


@responses.activate
def test_admin_delete_page_and_bulk_action_run_the_plugins_deletion(
    client: Any,
    sync_on: Any,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    expect_unlink(72)
    expect_unlink(73)
    boss = User.objects.create_superuser("boss", "boss@example.com", "Boss-pass-1234")
    client.force_login(boss)
    one = make_kakao_customer(72, email="72@example.com")
    two = make_kakao_customer(73, email="73@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/admin/auth/user/{one.pk}/delete/", {"post": "yes"})
    assert page.status_code == 302
    assert_erased(72, one.pk)
    AccountDeletion.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        bulk = client.post(
            "/admin/auth/user/",
            {"action": "delete_selected", "_selected_action": [two.pk], "post": "yes"},
        )
    assert bulk.status_code == 302
    assert_erased(73, two.pk)
    assert len(responses.calls) == 2


def test_deleting_the_row_after_the_plugins_deletion_erases_nothing_twice(db: Any) -> None:
    user = make_kakao_customer(74, email="74@example.com")
    seen: list[Any] = []
    account_deleting.connect(lambda **kw: seen.append(kw["user"].pk), weak=False, dispatch_uid="t")
    try:
        delete_account(user)
        User.objects.filter(pk=user.pk).delete()  # the host purges deactivated users later
    finally:
        account_deleting.disconnect(dispatch_uid="t")
    assert seen == [user.pk]
    assert AccountDeletion.objects.count() == 1
    connection.check_constraints()


def test_a_failing_deletion_hook_keeps_the_user(db: Any) -> None:
    user = make_kakao_customer(75, email="75@example.com")

    def boom(**kwargs: Any) -> None:
        raise RuntimeError("tombstone store down")

    account_deleting.connect(boom, weak=False, dispatch_uid="boom")
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            user.delete()
    finally:
        account_deleting.disconnect(dispatch_uid="boom")
    assert User.objects.filter(pk=user.pk, is_active=True).exists()
    assert not AccountDeletion.objects.exists()


def test_a_staff_user_who_never_was_a_customer_is_deleted(db: Any) -> None:
    staff = User.objects.create_user("clerk", "clerk@example.com", "pw-12345678", is_staff=True)
    staff.delete()
    assert not User.objects.filter(username="clerk").exists()
    connection.check_constraints()


def test_rows_the_erasure_writes_go_with_the_row_under_a_host_that_audits_deletions(
    db: Any,
) -> None:
    """An audit app listening to every deletion makes Django collect rows one by one before
    ``pre_delete``: the revocation row the erasure writes then would outlive its user."""
    from django.db.models.signals import post_delete

    user = make_kakao_customer(76, email="76@example.com")
    audited: list[str] = []

    def audit(sender: Any, **kwargs: Any) -> None:
        audited.append(sender.__name__)

    post_delete.connect(audit, weak=False, dispatch_uid="audit")
    try:
        user.delete()
    finally:
        post_delete.disconnect(dispatch_uid="audit")
    assert "User" in audited
    assert not CredentialsNotBefore.objects.filter(user_id=user.pk).exists()
    connection.check_constraints()
