"""The linked-customer lookup every linked login runs (compiled once, run many times)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

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
