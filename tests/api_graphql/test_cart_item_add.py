import pytest

from catalog.models import CartItem
from tests.api_graphql.conftest import gid, payload_codes

pytestmark = pytest.mark.django_db

MUTATION = """mutation($bookId: ID!, $quantity: Int) {
  cartItemAdd(bookId: $bookId, quantity: $quantity) {
    created
    cartItem { id databaseId quantity unitPrice lineTotal book { title } }
    cart { copyCount total }
    errors { field code message }
  }
}"""


def add(gql, user, book_id, quantity=None):
    variables = {"bookId": book_id} if quantity is None else {"bookId": book_id, "quantity": quantity}
    return gql(MUTATION, variables, user=user).payload("cartItemAdd")


def test_cart_item_add_creates_then_merges(gql, alice, book):
    payload = add(gql, alice, str(book.pk), 2)
    item = CartItem.objects.get()
    assert payload == {
        "created": True,
        "cartItem": {
            "id": gid("CartItem", item.pk),
            "databaseId": item.pk,
            "quantity": 2,
            "unitPrice": "10.00",
            "lineTotal": "20.00",
            "book": {"title": "The Dispossessed"},
        },
        "cart": {"copyCount": 2, "total": "20.00"},
        "errors": [],
    }
    merged = add(gql, alice, gid("Book", book.pk))  # global id; quantity defaults to 1
    assert merged["created"] is False
    assert merged["cartItem"]["quantity"] == 3
    assert merged["cart"] == {"copyCount": 3, "total": "30.00"}


@pytest.mark.parametrize(
    ("quantity", "errors"),
    [
        # The quantity rules are tested in tests/catalog; here, how the payload carries them.
        (0, [("quantity", "invalid_quantity")]),
        (6, [("quantity", "insufficient_stock")]),
    ],
)
def test_cart_item_add_refused_quantities(gql, alice, book, quantity, errors):
    payload = add(gql, alice, str(book.pk), quantity)
    assert payload_codes(payload) == errors
    assert all(e["message"] for e in payload["errors"])
    assert payload["cartItem"] is None and payload["cart"] is None
    assert not CartItem.objects.exists()


@pytest.mark.parametrize("value", ["999999", "abc", gid("Author", 1)])
def test_cart_item_add_unknown_book(gql, alice, author, value):
    assert payload_codes(add(gql, alice, value, 1)) == [("bookId", "not_found")]


def test_cart_item_add_needs_a_signed_in_user(gql, book):
    assert payload_codes(add(gql, None, str(book.pk), 1)) == [(None, "not_authenticated")]
    assert not CartItem.objects.exists()
