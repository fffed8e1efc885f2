import pytest

from catalog.models import CartItem
from tests.api_rest.helpers import codes

pytestmark = pytest.mark.django_db


def test_cart_item_add_makes_a_new_line_201(alice_api, book):
    response = alice_api.post("/api/cart/items/", {"book_id": book.id, "quantity": 2})
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"http://testserver/api/cart/items/{body['id']}/"
    assert body == {
        "id": body["id"],
        "book": {"id": book.id, "title": "The Dispossessed", "isbn": book.isbn, "price": "10.00"},
        "quantity": 2,
        "unit_price": "10.00",
        "line_total": "20.00",
    }


def test_cart_item_add_quantity_defaults_to_one(alice_api, book):
    response = alice_api.post("/api/cart/items/", {"book_id": book.id})
    assert response.status_code == 201
    assert response.json()["quantity"] == 1


def test_cart_item_add_merges_into_the_existing_line_200(alice_api, book):
    first = alice_api.post("/api/cart/items/", {"book_id": book.id, "quantity": 2}).json()
    response = alice_api.post("/api/cart/items/", {"book_id": book.id, "quantity": 3})
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["quantity"]) == (first["id"], 5)
    assert CartItem.objects.count() == 1


def test_cart_item_add_accepts_ids_as_strings_and_form_data(alice_api, book):
    assert alice_api.post("/api/cart/items/", {"book_id": str(book.id), "quantity": "2"}).status_code == 201
    response = alice_api.post("/api/cart/items/", {"book_id": book.id, "quantity": 1}, format="multipart")
    assert response.status_code == 200
    assert response.json()["quantity"] == 3


@pytest.mark.parametrize(
    ("body", "status", "errors"),
    [
        ({"book_id": ...}, 400, [("book_id", "required")]),
        ({"book_id": None}, 400, [("book_id", "required")]),
        ({"book_id": "abc"}, 400, [("book_id", "invalid")]),
        ({"book_id": 999999}, 404, [("book_id", "not_found")]),
        ({"book_id": 10**30}, 404, [("book_id", "not_found")]),
        # The quantity rules are tested in tests/catalog; one of each status here.
        ({"quantity": 0}, 400, [("quantity", "invalid_quantity")]),
        ({"quantity": 1.5}, 400, [("quantity", "invalid")]),
        ({"quantity": "lots"}, 400, [("quantity", "invalid")]),
        ({"quantity": True}, 400, [("quantity", "invalid")]),
        ({"quantity": None}, 400, [("quantity", "required")]),
        ({"quantity": 6}, 409, [("quantity", "insufficient_stock")]),
    ],
)
def test_cart_item_add_errors(alice_api, book, body, status, errors):
    payload = {key: value for key, value in {"book_id": book.id, **body}.items() if value is not ...}
    response = alice_api.post("/api/cart/items/", payload)
    assert response.status_code == status, response.content
    assert codes(response) == errors
    assert not CartItem.objects.exists()


def test_cart_item_add_merge_over_stock_is_409_and_keeps_the_line(alice_api, book):
    alice_api.post("/api/cart/items/", {"book_id": book.id, "quantity": 4})
    response = alice_api.post("/api/cart/items/", {"book_id": book.id, "quantity": 2})
    assert response.status_code == 409
    assert codes(response) == [("quantity", "insufficient_stock")]
    assert CartItem.objects.get().quantity == 4


def test_cart_item_add_ignores_a_price_or_cart_in_the_body(alice_api, bob_api, bob, book):
    bob_cart = bob_api.get("/api/cart/").json()["id"]
    response = alice_api.post(
        "/api/cart/items/", {"book_id": book.id, "quantity": 1, "price": "0.01", "cart": bob_cart, "unit_price": "0"}
    )
    assert response.status_code == 201
    assert (response.json()["unit_price"], response.json()["line_total"]) == ("10.00", "10.00")
    assert bob_api.get("/api/cart/").json()["items"] == []
    assert CartItem.objects.get().cart.user.username == "alice"


def test_cart_item_add_anonymous_is_401(anon, book):
    response = anon.post("/api/cart/items/", {"book_id": book.id})
    assert response.status_code == 401
    assert codes(response) == [(None, "not_authenticated")]
    assert not CartItem.objects.exists()


def test_cart_item_add_only_posts(alice_api):
    response = alice_api.get("/api/cart/items/")
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert codes(response) == [(None, "method_not_allowed")]
