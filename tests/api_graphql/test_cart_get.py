import pytest

from catalog.models import Cart
from catalog.services import cart_item_add
from tests.api_graphql.conftest import gid
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

QUERY = """{ cart { id databaseId copyCount total
    items { id databaseId quantity unitPrice lineTotal book { databaseId title price } } } }"""


def test_cart_get_of_a_new_user_is_empty_and_not_stored(gql, alice):
    answer = gql(QUERY, user=alice)
    assert answer.data == {
        "cart": {"id": gid("Cart", alice.pk), "databaseId": alice.pk, "copyCount": 0, "total": "0.00", "items": []}
    }
    assert not Cart.objects.exists()


def test_a_new_users_cart_keeps_its_id_once_a_book_is_added(gql, alice, book):
    before = gql(QUERY, user=alice).data["cart"]
    cart_item_add(user=alice, book_id=book.pk, quantity=1)
    after = gql(QUERY, user=alice).data["cart"]
    assert (after["id"], after["databaseId"], after["copyCount"]) == (before["id"], before["databaseId"], 1)


def test_cart_get_lines_and_totals(gql, alice, bob, book):
    cheap = BookFactory(title="Cheap", price="2.50", stock=9)
    first, _ = cart_item_add(user=alice, book_id=book.pk, quantity=2)
    second, _ = cart_item_add(user=alice, book_id=cheap.pk, quantity=3)
    cart_item_add(user=bob, book_id=book.pk, quantity=1)
    cart = gql(QUERY, user=alice).data["cart"]
    assert (cart["copyCount"], cart["total"]) == (5, "27.50")
    assert cart["items"] == [
        {
            "id": gid("CartItem", first.pk),
            "databaseId": first.pk,
            "quantity": 2,
            "unitPrice": "10.00",
            "lineTotal": "20.00",
            "book": {"databaseId": book.pk, "title": "The Dispossessed", "price": "10.00"},
        },
        {
            "id": gid("CartItem", second.pk),
            "databaseId": second.pk,
            "quantity": 3,
            "unitPrice": "2.50",
            "lineTotal": "7.50",
            "book": {"databaseId": cheap.pk, "title": "Cheap", "price": "2.50"},
        },
    ]
    assert gql(QUERY, user=bob).data["cart"]["copyCount"] == 1


def test_cart_get_needs_a_signed_in_user(gql, book):
    answer = gql(QUERY)
    assert answer.status == 200
    assert answer.data == {"cart": None}
    assert answer.codes == [(None, "not_authenticated")]
