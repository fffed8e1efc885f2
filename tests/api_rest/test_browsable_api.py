"""The browsable API: every endpoint renders in a browser, with write forms for those allowed to write."""

import re

import pytest
from rest_framework.test import APIClient

from catalog.models import Book
from catalog.services import cart_item_add, checkout
from tests.api_rest.helpers import codes

pytestmark = pytest.mark.django_db


def page(client, path):
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("text/html")
    return response, response.content.decode()


def write_forms(html):
    return re.findall(r'<form action="([^"]+)" (?:method|data-method)="(POST|PUT|PATCH)"', html)


def test_every_endpoint_renders_in_a_browser(client, alice, book):
    line, _ = cart_item_add(user=alice, book_id=book.id, quantity=1)
    order = checkout(user=alice)
    line, _ = cart_item_add(user=alice, book_id=book.id, quantity=1)
    client.force_login(alice)
    author_id = book.authors.get().id
    for path, status, name in [
        ("/api/", 200, "Hybrid Catalog API"),
        ("/api/books/", 200, "Books"),
        (f"/api/books/{book.id}/", 200, "Book"),
        ("/api/authors/", 200, "Authors"),
        (f"/api/authors/{author_id}/", 200, "Author"),
        ("/api/cart/", 200, "Cart"),
        ("/api/cart/items/", 405, "Cart items"),
        (f"/api/cart/items/{line.id}/", 405, "Cart item"),
        ("/api/cart/checkout/", 405, "Checkout"),
        ("/api/orders/", 200, "Orders"),
        (f"/api/orders/{order.id}/", 200, "Order"),
        ("/api/auth/token/", 405, "Token"),
    ]:
        response, html = page(client, path)
        assert response.status_code == status, path
        assert f"<h1>{name}</h1>" in html, path


def test_root_lists_the_endpoints_as_links(client):
    _, html = page(client, "/api/")
    for path in ("/api/books/", "/api/authors/", "/api/cart/", "/api/orders/", "/api/auth/token/", "/api/docs/"):
        assert f'href="http://testserver{path}"' in html


def test_staff_see_write_forms_prefilled_for_edits(client, staff, book):
    client.force_login(staff)
    _, html = page(client, "/api/books/")
    assert ("/api/books/", "POST") in write_forms(html)
    assert 'name="title"' in html and 'name="price"' in html
    _, html = page(client, f"/api/books/{book.id}/")
    assert (f"/api/books/{book.id}/", "PUT") in write_forms(html)
    assert 'data-method="DELETE"' in html
    assert 'value="The Dispossessed"' in html
    assert "&quot;author_ids&quot;: [" in html  # the raw JSON form carries the current authors


@pytest.mark.parametrize("who", ["anonymous", "shopper"])
def test_others_see_no_catalog_write_forms(client, alice, book, who):
    if who == "shopper":
        client.force_login(alice)
    for path in ("/api/books/", f"/api/books/{book.id}/", "/api/authors/"):
        _, html = page(client, path)
        assert write_forms(html) == [], path
        assert 'data-method="DELETE"' not in html


def test_shoppers_get_forms_for_their_cart(client, alice, book):
    client.force_login(alice)
    _, html = page(client, "/api/cart/items/")
    assert ("/api/cart/items/", "POST") in write_forms(html)
    assert 'name="book_id"' in html and 'name="quantity"' in html
    _, html = page(client, "/api/cart/checkout/")
    assert ("/api/cart/checkout/", "POST") in write_forms(html)


def test_session_sign_in_page_works(client, alice):
    response = client.get("/api/auth/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content and b'name="password"' in response.content
    response = client.post(
        "/api/auth/login/", {"username": "alice", "password": "secret-pass-123", "next": "/api/cart/"}
    )
    assert response.status_code == 302 and response["Location"] == "/api/cart/"
    cart = client.get("/api/cart/", HTTP_ACCEPT="application/json")
    assert cart.status_code == 200
    assert (cart.json()["items"], cart.json()["copy_count"]) == ([], 0)


def test_session_writes_need_the_csrf_token(staff):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff)
    body = {"title": "Kindred", "isbn": "9780807083697", "price": "9.00"}
    response = client.post("/api/books/", body)
    assert response.status_code == 403
    assert codes(response) == [(None, "permission_denied")]
    assert "CSRF" in response.json()["errors"][0]["message"]
    assert not Book.objects.exists()

    client.get("/api/books/", HTTP_ACCEPT="text/html")  # the page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post("/api/books/", body, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_html_form_posts_work(client, staff):
    client.force_login(staff)
    response = client.post(
        "/api/books/",
        {"title": "Kindred", "isbn": "9780807083697", "price": "9.00", "stock": "", "published_date": ""},
        HTTP_ACCEPT="text/html",
    )
    assert response.status_code == 201
    book = Book.objects.get()
    assert (book.title, book.stock, book.published_date) == ("Kindred", 0, None)


def test_options_describes_the_input_fields_to_those_who_may_write(staff_api, anon):
    actions = staff_api.options("/api/books/").json()["actions"]["POST"]
    assert {"title", "isbn", "price", "author_ids"} <= set(actions)
    assert "actions" not in anon.options("/api/books/").json()
