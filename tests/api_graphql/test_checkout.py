import pytest

from catalog.models import Book, CartItem, Order
from catalog.services import cart_item_add
from tests.api_graphql.conftest import gid, payload_codes
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

MUTATION = """mutation { checkout {
  order { id databaseId total copyCount createdAt lines { bookId title isbn quantity unitPrice lineTotal } }
  errors { field code message } } }"""


def test_checkout_makes_an_order_takes_stock_and_empties_the_cart(gql, alice, book):
    cart_item_add(user=alice, book_id=book.pk, quantity=2)
    payload = gql(MUTATION, user=alice).payload("checkout")
    order = Order.objects.get()
    assert payload["errors"] == []
    assert payload["order"]["id"] == gid("Order", order.pk)
    assert (payload["order"]["total"], payload["order"]["copyCount"]) == ("20.00", 2)
    assert payload["order"]["lines"] == [
        {
            "bookId": book.pk,
            "title": "The Dispossessed",
            "isbn": book.isbn,
            "quantity": 2,
            "unitPrice": "10.00",
            "lineTotal": "20.00",
        }
    ]
    assert Book.objects.get().stock == 3
    assert not CartItem.objects.exists()


def test_checkout_of_an_empty_cart(gql, alice):
    payload = gql(MUTATION, user=alice).payload("checkout")
    assert payload["order"] is None
    assert payload_codes(payload) == [(None, "empty_cart")]


def test_checkout_short_of_stock_changes_nothing(gql, alice, book):
    short = BookFactory(stock=1)
    cart_item_add(user=alice, book_id=book.pk, quantity=2)
    cart_item_add(user=alice, book_id=short.pk, quantity=1)
    Book.objects.filter(pk=short.pk).update(stock=0)
    payload = gql(MUTATION, user=alice).payload("checkout")
    assert payload_codes(payload) == [(None, "insufficient_stock")]
    assert not Order.objects.exists()
    assert Book.objects.get(pk=book.pk).stock == 5
    assert CartItem.objects.count() == 2


def test_checkout_needs_a_signed_in_user(gql):
    assert payload_codes(gql(MUTATION).payload("checkout")) == [(None, "not_authenticated")]
