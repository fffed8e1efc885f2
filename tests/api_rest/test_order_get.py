import pytest

from catalog.services import cart_item_add, checkout
from tests.api_rest.helpers import codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def bobs_order(bob, book):
    cart_item_add(user=bob, book_id=book.id, quantity=2)
    return checkout(user=bob)


def test_order_get_shows_your_order(bob_api, bobs_order, book):
    response = bob_api.get(f"/api/orders/{bobs_order.id}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["total"], body["copy_count"]) == (bobs_order.id, "20.00", 2)
    assert body["lines"] == [
        {
            "id": bobs_order.lines.get().id,
            "book_id": book.id,
            "title": "The Dispossessed",
            "isbn": book.isbn,
            "quantity": 2,
            "unit_price": "10.00",
            "line_total": "20.00",
        }
    ]


def test_order_get_of_someone_elses_order_is_exactly_like_a_missing_one(alice_api, bobs_order):
    theirs = alice_api.get(f"/api/orders/{bobs_order.id}/")
    missing = alice_api.get("/api/orders/999999/")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert codes(theirs) == [(None, "not_found")]


def test_order_get_keeps_the_lines_after_the_book_is_gone(bob_api, bobs_order, book):
    book.delete()
    line = bob_api.get(f"/api/orders/{bobs_order.id}/").json()["lines"][0]
    assert (line["book_id"], line["title"], line["unit_price"]) == (None, "The Dispossessed", "10.00")


def test_order_get_anonymous_is_401(anon, bobs_order):
    response = anon.get(f"/api/orders/{bobs_order.id}/")
    assert response.status_code == 401
    assert codes(response) == [(None, "not_authenticated")]
