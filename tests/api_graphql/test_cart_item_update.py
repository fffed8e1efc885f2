import pytest

from catalog.models import CartItem
from catalog.services import cart_item_add
from tests.api_graphql.conftest import gid, payload_codes

pytestmark = pytest.mark.django_db

MUTATION = """mutation($id: ID!, $quantity: Int!) {
  cartItemUpdate(id: $id, quantity: $quantity) {
    cartItem { quantity lineTotal } cart { total } errors { field code message }
  }
}"""


@pytest.fixture
def line(alice, book):
    return cart_item_add(user=alice, book_id=book.pk, quantity=1)[0]


def update(gql, user, item_id, quantity):
    return gql(MUTATION, {"id": item_id, "quantity": quantity}, user=user).payload("cartItemUpdate")


@pytest.mark.parametrize("form", ["database", "global"])
def test_cart_item_update(gql, alice, line, form):
    value = str(line.pk) if form == "database" else gid("CartItem", line.pk)
    payload = update(gql, alice, value, 4)
    assert payload == {"cartItem": {"quantity": 4, "lineTotal": "40.00"}, "cart": {"total": "40.00"}, "errors": []}


@pytest.mark.parametrize(
    ("quantity", "errors"),
    [
        # The quantity rules are tested in tests/catalog; here, how the payload carries them.
        (0, [("quantity", "invalid_quantity")]),
        (6, [("quantity", "insufficient_stock")]),
    ],
)
def test_cart_item_update_refused_quantities(gql, alice, line, quantity, errors):
    assert payload_codes(update(gql, alice, str(line.pk), quantity)) == errors
    assert CartItem.objects.get().quantity == 1


def test_someone_elses_line_is_exactly_like_a_missing_one(gql, bob, line):
    foreign = update(gql, bob, str(line.pk), 2)
    missing = update(gql, bob, str(line.pk + 1000), 2)
    assert foreign == missing
    assert payload_codes(foreign) == [(None, "not_found")]
    assert CartItem.objects.get().quantity == 1


def test_cart_item_update_needs_a_signed_in_user(gql, line):
    assert payload_codes(update(gql, None, str(line.pk), 2)) == [(None, "not_authenticated")]
