"""The linked-customer lookup every linked login runs (compiled once, run many times)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keymap.models import PartnerLink
from keymap.partner_links import find_linked
from store.models import Customer

User = get_user_model()


def test_find_linked_loads_link_user_and_profile_in_one_query(
    db, django_assert_num_queries
) -> None:
    user = User.objects.create_user("minji", first_name="Minji")
    Customer.objects.create(user=user, nickname="민지")
    PartnerLink.objects.create(user=user, server_custom_id="42", linked=True, partner_data={"a": 1})
    PartnerLink.objects.create(user=User.objects.create_user("other"), server_custom_id="43")
    with django_assert_num_queries(1):
        found = find_linked("42")
        assert found is not None
        got, link = found
        assert (got.pk, got.first_name, got.customer.nickname) == (user.pk, "Minji", "민지")
        assert link.user is got and link.partner_data == {"a": 1} and link.linked
    assert got.customer.user is got
    # Not linked, unknown, or a value that only looks like SQL: nothing.
    assert find_linked("43") is None
    assert find_linked("nobody") is None
    assert find_linked("' OR 1=1 --") is None


def test_find_linked_without_a_profile_row(db, django_assert_num_queries) -> None:
    user = User.objects.create_user("bare")
    PartnerLink.objects.create(user=user, server_custom_id="7", linked=True)
    with django_assert_num_queries(1):
        found = find_linked("7")
        assert found is not None and found[0] == user
        # Known to be missing (LEFT JOIN): no second query to find out.
        assert not hasattr(found[0], "customer")


def test_prepared_lookup_is_what_the_orm_would_run_and_load(db) -> None:
    """The lookup reuses Django's compiler internals (``get_compiler``, ``klass_info``,
    ``select``, ``get_related_populators``) for a measured win on every linked login; this
    fails as soon as a Django upgrade changes the SQL they give or the objects they load."""
    user = User.objects.create_user("minji", first_name="Minji", email="m@example.com")
    Customer.objects.create(user=user, nickname="민지", phone="010-1234-5678")
    PartnerLink.objects.create(user=user, server_custom_id="42", linked=True, partner_data={"a": 1})
    orm = PartnerLink.objects.select_related("user", "user__customer").filter(
        server_custom_id="42", linked=True
    )[:1]
    with CaptureQueriesContext(connection) as by_orm:
        (expected,) = orm
    with CaptureQueriesContext(connection) as by_lookup:
        found = find_linked("42")
    assert found is not None
    assert [q["sql"] for q in by_lookup.captured_queries] == [
        q["sql"] for q in by_orm.captured_queries
    ]

    def values(obj: object) -> dict[str, object]:
        return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}  # type: ignore[attr-defined]

    link = found[1]
    assert values(link) == values(expected)
    assert values(link.user) == values(expected.user)
    assert values(link.user.customer) == values(expected.user.customer)
    assert link._state.db == expected._state.db and not link._state.adding
