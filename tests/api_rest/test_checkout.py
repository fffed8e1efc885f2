from decimal import Decimal

import pytest

from catalog.models import Book, CartItem, Order
from catalog.services import cart_item_add
from tests.api_rest.helpers import codes
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


def test_checkout_turns_the_cart_into_an_order(alice_api, alice):
    dune = BookFactory(title="Dune", price=Decimal("12.50"), stock=5)
    mort = BookFactory(title="Mort", price=Decimal("8.00"), stock=1)
    cart_item_add(user=alice, book_id=dune.id, quantity=2)
    cart_item_add(user=alice, book_id=mort.id, quantity=1)
    response = alice_api.post("/api/cart/checkout/")
    assert response.status_code == 201, response.content
    order = response.json()
    assert response["Location"] == f"http://testserver/api/orders/{order['id']}/"
    assert (order["total"], order["copy_count"]) == ("33.00", 3)
    assert order["created_at"].endswith("Z")
    assert [{k: v for k, v in line.items() if k != "id"} for line in order["lines"]] == [
        {
            "book_id": dune.id,
            "title": "Dune",
            "isbn": dune.isbn,
            "quantity": 2,
            "unit_price": "12.50",
            "line_total": "25.00",
        },
        {
            "book_id": mort.id,
            "title": "Mort",
            "isbn": mort.isbn,
            "quantity": 1,
            "unit_price": "8.00",
            "line_total": "8.00",
        },
    ]
    assert alice_api.get("/api/cart/").json()["items"] == []
    assert Book.objects.get(pk=dune.id).stock == 3
    assert Book.objects.get(pk=mort.id).stock == 0
    assert alice_api.get(f"/api/orders/{order['id']}/").json() == order


def test_checkout_of_an_empty_cart_is_400_empty_cart(alice_api):
    response = alice_api.post("/api/cart/checkout/")
    assert response.status_code == 400
    assert codes(response) == [(None, "empty_cart")]
    assert not Order.objects.exists()


def test_checkout_short_of_stock_is_409_and_changes_nothing(alice_api, alice):
    plenty = BookFactory(stock=10)
    scarce = BookFactory(stock=2)
    cart_item_add(user=alice, book_id=plenty.id, quantity=3)
    cart_item_add(user=alice, book_id=scarce.id, quantity=2)
    Book.objects.filter(pk=scarce.id).update(stock=1)  # someone else bought one meanwhile
    response = alice_api.post("/api/cart/checkout/")
    assert response.status_code == 409
    assert codes(response) == [(None, "insufficient_stock")]
    assert not Order.objects.exists()
    assert Book.objects.get(pk=plenty.id).stock == 10
    assert CartItem.objects.count() == 2


def test_checkout_ignores_a_body(alice_api, alice, book):
    cart_item_add(user=alice, book_id=book.id, quantity=1)
    response = alice_api.post("/api/cart/checkout/", {"total": "0.00", "lines": []})
    assert response.status_code == 201
    assert response.json()["total"] == "10.00"


def test_checkout_uses_only_your_own_cart(alice_api, bob, book):
    cart_item_add(user=bob, book_id=book.id, quantity=1)
    response = alice_api.post("/api/cart/checkout/")
    assert response.status_code == 400
    assert codes(response) == [(None, "empty_cart")]
    assert CartItem.objects.filter(cart__user=bob).exists()


def test_checkout_anonymous_is_401(anon):
    response = anon.post("/api/cart/checkout/")
    assert response.status_code == 401
    assert codes(response) == [(None, "not_authenticated")]
