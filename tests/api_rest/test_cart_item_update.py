import pytest

from catalog.models import CartItem
from catalog.services import cart_item_add
from tests.api_rest.helpers import codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(alice, book):
    item, _ = cart_item_add(user=alice, book_id=book.id, quantity=1)
    return item


def test_cart_item_update_sets_the_quantity(alice_api, line):
    response = alice_api.patch(f"/api/cart/items/{line.id}/", {"quantity": 3})
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["quantity"], response.json()["line_total"]) == (line.id, 3, "30.00")
    assert alice_api.get("/api/cart/").json()["copy_count"] == 3


@pytest.mark.parametrize(
    ("body", "status", "errors"),
    [
        ({}, 400, [("quantity", "required")]),
        ({"quantity": 0}, 400, [("quantity", "invalid_quantity")]),
        ({"quantity": "two"}, 400, [("quantity", "invalid")]),
        ({"quantity": 6}, 409, [("quantity", "insufficient_stock")]),
    ],
)
def test_cart_item_update_errors_leave_the_line_as_it_was(alice_api, line, body, status, errors):
    response = alice_api.patch(f"/api/cart/items/{line.id}/", body)
    assert response.status_code == status
    assert codes(response) == errors
    line.refresh_from_db()
    assert line.quantity == 1


def test_cart_item_update_of_someone_elses_line_is_exactly_like_a_missing_one(bob_api, line):
    theirs = bob_api.patch(f"/api/cart/items/{line.id}/", {"quantity": 2})
    missing = bob_api.patch("/api/cart/items/999999/", {"quantity": 2})
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert codes(theirs) == [(None, "not_found")]
    line.refresh_from_db()
    assert line.quantity == 1


def test_cart_item_update_ignores_a_price_in_the_body(alice_api, line):
    response = alice_api.patch(f"/api/cart/items/{line.id}/", {"quantity": 2, "unit_price": "0.01", "book_id": 77})
    assert response.status_code == 200
    assert (response.json()["unit_price"], response.json()["book"]["id"]) == ("10.00", line.book_id)


def test_cart_item_update_anonymous_is_401(anon, line):
    response = anon.patch(f"/api/cart/items/{line.id}/", {"quantity": 2})
    assert response.status_code == 401
    assert codes(response) == [(None, "not_authenticated")]


def test_cart_item_update_needs_patch_not_put(alice_api, line):
    response = alice_api.put(f"/api/cart/items/{line.id}/", {"quantity": 2})
    assert response.status_code == 405
    assert codes(response) == [(None, "method_not_allowed")]
    assert CartItem.objects.get().quantity == 1
