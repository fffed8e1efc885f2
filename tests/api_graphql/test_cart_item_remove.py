import pytest

from catalog.models import CartItem
from catalog.services import cart_item_add
from tests.api_graphql.conftest import gid, payload_codes

pytestmark = pytest.mark.django_db

MUTATION = """mutation($id: ID!) {
  cartItemRemove(id: $id) { cart { copyCount items { quantity } } errors { field code message } }
}"""


@pytest.fixture
def line(alice, book):
    return cart_item_add(user=alice, book_id=book.pk, quantity=2)[0]


def remove(gql, user, value):
    return gql(MUTATION, {"id": value}, user=user).payload("cartItemRemove")


@pytest.mark.parametrize("form", ["database", "global"])
def test_cart_item_remove(gql, alice, line, form):
    value = str(line.pk) if form == "database" else gid("CartItem", line.pk)
    assert remove(gql, alice, value) == {"cart": {"copyCount": 0, "items": []}, "errors": []}
    assert payload_codes(remove(gql, alice, value)) == [(None, "not_found")]


def test_someone_elses_line_is_exactly_like_a_missing_one(gql, bob, line):
    foreign = remove(gql, bob, str(line.pk))
    missing = remove(gql, bob, str(line.pk + 1000))
    assert foreign == missing and foreign["cart"] is None
    assert payload_codes(foreign) == [(None, "not_found")]
    assert CartItem.objects.exists()


def test_cart_item_remove_needs_a_signed_in_user(gql, line):
    assert payload_codes(remove(gql, None, str(line.pk))) == [(None, "not_authenticated")]
