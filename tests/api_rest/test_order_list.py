import pytest

from catalog.services import cart_item_add, checkout
from tests.api_rest.helpers import codes
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


def buy(user, book, quantity=1):
    cart_item_add(user=user, book_id=book.id, quantity=quantity)
    return checkout(user=user)


def test_order_list_shows_your_orders_newest_first(alice_api, alice, bob, book):
    first = buy(alice, book)
    second = buy(alice, book, 2)
    buy(bob, book)
    body = alice_api.get("/api/orders/").json()
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    assert [o["id"] for o in body["results"]] == [second.id, first.id]
    assert body["results"][0]["lines"][0]["quantity"] == 2
    assert body["results"][0]["total"] == "20.00"


def test_order_list_is_paginated(alice_api, alice, book):
    for _ in range(3):
        buy(alice, book)
    body = alice_api.get("/api/orders/?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    response = alice_api.get("/api/orders/?page=5")
    assert response.status_code == 404
    assert codes(response) == [(None, "not_found")]


def test_order_list_empty(alice_api):
    body = alice_api.get("/api/orders/").json()
    assert body == {"count": 0, "count_exact": True, "next": None, "previous": None, "results": []}


def test_order_list_anonymous_is_401(anon):
    response = anon.get("/api/orders/")
    assert response.status_code == 401
    assert codes(response) == [(None, "not_authenticated")]


def test_order_list_count_is_exact_up_to_the_cap_then_a_lower_bound(alice_api, alice, settings):
    settings.COUNT_EXACT_UP_TO = 3
    book = BookFactory(stock=50)
    for _ in range(3):
        buy(alice, book)
    body = alice_api.get("/api/orders/").json()
    assert (body["count"], body["count_exact"]) == (3, True)
    buy(alice, book)
    body = alice_api.get("/api/orders/").json()
    assert (body["count"], body["count_exact"]) == (3, False)
