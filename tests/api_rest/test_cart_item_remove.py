import pytest

from catalog.models import CartItem
from catalog.services import cart_item_add
from tests.api_rest.helpers import codes

pytestmark = pytest.mark.django_db


def test_cart_item_remove_takes_the_line_out(alice_api, alice, book):
    line, _ = cart_item_add(user=alice, book_id=book.id, quantity=2)
    response = alice_api.delete(f"/api/cart/items/{line.id}/")
    assert response.status_code == 204
    assert not CartItem.objects.exists()
    response = alice_api.delete(f"/api/cart/items/{line.id}/")
    assert response.status_code == 404
    assert codes(response) == [(None, "not_found")]


def test_cart_item_remove_of_someone_elses_line_is_exactly_like_a_missing_one(alice_api, bob, book):
    line, _ = cart_item_add(user=bob, book_id=book.id, quantity=1)
    theirs = alice_api.delete(f"/api/cart/items/{line.id}/")
    missing = alice_api.delete("/api/cart/items/999999/")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert CartItem.objects.filter(pk=line.id).exists()


def test_cart_item_remove_anonymous_is_401(anon, alice, book):
    line, _ = cart_item_add(user=alice, book_id=book.id, quantity=1)
    response = anon.delete(f"/api/cart/items/{line.id}/")
    assert response.status_code == 401
    assert CartItem.objects.filter(pk=line.id).exists()
