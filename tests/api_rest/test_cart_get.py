from decimal import Decimal

import pytest

from catalog.models import Cart
from catalog.services import cart_item_add
from tests.api_rest.helpers import codes
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


def test_cart_get_starts_empty_and_stores_nothing(alice_api, alice):
    response = alice_api.get("/api/cart/")
    assert response.json() == {"id": alice.pk, "items": [], "copy_count": 0, "item_count": 0, "total": "0.00"}
    assert not Cart.objects.exists()


def test_cart_get_shows_lines_with_prices_and_totals(alice_api, alice):
    dune = BookFactory(title="Dune", price=Decimal("12.50"))
    mort = BookFactory(title="Mort", price=Decimal("8.99"))
    first, _ = cart_item_add(user=alice, book_id=dune.id, quantity=2)
    second, _ = cart_item_add(user=alice, book_id=mort.id, quantity=1)
    body = alice_api.get("/api/cart/").json()
    assert body["items"] == [
        {
            "id": first.id,
            "book": {"id": dune.id, "title": "Dune", "isbn": dune.isbn, "price": "12.50"},
            "quantity": 2,
            "unit_price": "12.50",
            "line_total": "25.00",
        },
        {
            "id": second.id,
            "book": {"id": mort.id, "title": "Mort", "isbn": mort.isbn, "price": "8.99"},
            "quantity": 1,
            "unit_price": "8.99",
            "line_total": "8.99",
        },
    ]
    assert (body["copy_count"], body["total"]) == (3, "33.99")


def test_cart_get_shows_only_your_own_cart(alice_api, bob, book):
    cart_item_add(user=bob, book_id=book.id, quantity=1)
    assert alice_api.get("/api/cart/").json()["items"] == []


def test_cart_get_anonymous_is_401(anon):
    response = anon.get("/api/cart/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert codes(response) == [(None, "not_authenticated")]


@pytest.mark.parametrize("header", ["Token not-a-real-token", "Token", "Token a b", "Bearer xyz"])
def test_cart_get_with_a_bad_authorization_header_is_401(anon, header):
    response = anon.get("/api/cart/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert codes(response) == [(None, "not_authenticated")]
