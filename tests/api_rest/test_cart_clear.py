import pytest

from catalog.models import CartItem
from catalog.services import cart_item_add
from tests.api_rest.helpers import codes
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


def test_cart_clear_empties_your_cart_only(alice_api, alice, bob, book):
    cart_item_add(user=alice, book_id=book.id, quantity=2)
    cart_item_add(user=alice, book_id=BookFactory().id, quantity=1)
    cart_item_add(user=bob, book_id=book.id, quantity=1)
    response = alice_api.delete("/api/cart/")
    assert response.status_code == 204
    assert alice_api.get("/api/cart/").json()["items"] == []
    assert CartItem.objects.filter(cart__user=bob).count() == 1


def test_cart_clear_of_an_empty_cart_is_fine(alice_api):
    response = alice_api.delete("/api/cart/")
    assert response.status_code == 204
    assert response.content == b""
    assert alice_api.get("/api/cart/").json()["items"] == []


def test_cart_clear_anonymous_is_401(anon):
    response = anon.delete("/api/cart/")
    assert response.status_code == 401
    assert codes(response) == [(None, "not_authenticated")]
