import pytest

from catalog.models import Book, CartItem, OrderLine
from catalog.services import cart_item_add, checkout
from tests.api_rest.helpers import codes

pytestmark = pytest.mark.django_db


def test_book_delete_removes_the_book_and_cart_lines_but_keeps_orders(staff_api, alice, bob, book):
    cart_item_add(user=alice, book_id=book.id, quantity=1)
    checkout(user=alice)
    cart_item_add(user=bob, book_id=book.id, quantity=1)
    response = staff_api.delete(f"/api/books/{book.id}/")
    assert response.status_code == 204
    assert response.content == b""
    assert not Book.objects.filter(pk=book.id).exists()
    assert not CartItem.objects.exists()
    line = OrderLine.objects.get()
    assert (line.book_id, line.title) == (None, "The Dispossessed")


def test_book_delete_twice_is_not_found(staff_api, book):
    assert staff_api.delete(f"/api/books/{book.id}/").status_code == 204
    response = staff_api.delete(f"/api/books/{book.id}/")
    assert response.status_code == 404
    assert codes(response) == [(None, "not_found")]


def test_book_delete_anonymous_is_401_and_shopper_is_403(anon, alice_api, book):
    response = anon.delete(f"/api/books/{book.id}/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    response = alice_api.delete(f"/api/books/{book.id}/")
    assert response.status_code == 403
    assert codes(response) == [(None, "permission_denied")]
    assert Book.objects.filter(pk=book.id).exists()
