import pytest

from catalog.models import CartItem
from catalog.services import cart_item_add
from tests.api_graphql.conftest import payload_codes

pytestmark = pytest.mark.django_db

MUTATION = "mutation { cartClear { cart { copyCount total } errors { field code message } } }"


def test_cart_clear_empties_only_my_cart(gql, alice, bob, book):
    cart_item_add(user=alice, book_id=book.pk, quantity=2)
    cart_item_add(user=bob, book_id=book.pk, quantity=1)
    assert gql(MUTATION, user=alice).payload("cartClear") == {"cart": {"copyCount": 0, "total": "0.00"}, "errors": []}
    assert list(CartItem.objects.values_list("cart__user__username", flat=True)) == ["bob"]
    # Clearing an empty cart is fine.
    assert gql(MUTATION, user=alice).payload("cartClear")["errors"] == []


def test_cart_clear_needs_a_signed_in_user(gql):
    assert payload_codes(gql(MUTATION).payload("cartClear")) == [(None, "not_authenticated")]
