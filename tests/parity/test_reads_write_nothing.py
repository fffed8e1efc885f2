"""A read writes nothing, in either API style or on the website: a signed-in user who has never
added a book sees an empty cart, and no cart row (nor any other row) is made or changed."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id
from rest_framework.authtoken.models import Token

from catalog.models import Cart
from catalog.services import cart_item_add
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

REST_READS = ["/api/", "/api/cart/", "/api/books/", "/api/authors/", "/api/orders/"]
GRAPHQL_READS = [
    "{ cart { id databaseId copyCount total items { quantity } } }",
    "{ me { username cart { id copyCount } orders { edges { node { total } } } } }",
    "{ books { edges { node { title authors { name } } } } authors { edges { node { name bookCount } } } }",
]
WEBSITE_READS = ["/", "/?search=book&in_stock=true"]

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.fixture
def catalog(db, alice, bob, author):
    """Books, and a cart of someone else's; alice has a token and no cart."""
    books = [BookFactory(authors=[author]) for _ in range(3)]
    cart_item_add(user=bob, book_id=books[0].pk, quantity=1)
    Token.objects.get_or_create(user=alice)
    return books


def _signed_in(user) -> dict[str, str]:
    return {"Authorization": f"Token {Token.objects.get(user=user).key}"}


def _graphql(client, user, query: str) -> dict:
    body = json.dumps({"query": query})
    return client.post("/graphql/", body, content_type="application/json", headers=_signed_in(user)).json()


def _writes(read) -> list[str]:
    """The statements of ``read()`` that change rows."""
    before = Cart.objects.count()
    with CaptureQueriesContext(connection) as queries:
        read()
    assert Cart.objects.count() == before
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


@pytest.mark.parametrize("path", REST_READS)
def test_a_rest_read_writes_nothing(client, catalog, alice, path):
    def read():
        response = client.get(path, headers=_signed_in(alice))
        assert response.status_code == 200, response.content

    assert _writes(read) == []


def test_the_rest_cart_of_a_user_without_one_is_empty_and_unsaved(client, catalog, alice):
    body = client.get("/api/cart/", headers=_signed_in(alice)).json()
    assert body == {"id": alice.pk, "items": [], "copy_count": 0, "item_count": 0, "total": "0.00"}
    assert list(Cart.objects.values_list("user__username", flat=True)) == ["bob"]


@pytest.mark.parametrize("query", GRAPHQL_READS, ids=["cart", "me", "catalog"])
def test_a_graphql_query_writes_nothing(client, catalog, alice, query):
    def read():
        answer = _graphql(client, alice, query)
        assert "errors" not in answer, answer

    assert _writes(read) == []


def test_graphql_finds_the_unsaved_cart_by_its_id_and_stores_nothing(client, catalog, alice):
    cart_id = to_global_id("Cart", alice.pk)

    def read():
        answer = _graphql(client, alice, f'{{ node(id: "{cart_id}") {{ ... on Cart {{ id copyCount }} }} }}')
        assert answer["data"] == {"node": {"id": cart_id, "copyCount": 0}}

    assert _writes(read) == []


@pytest.mark.parametrize("path", WEBSITE_READS)
def test_a_website_page_writes_nothing_for_a_signed_in_user(client, catalog, alice, path):
    client.force_login(alice)

    def read():
        assert client.get(path).status_code == 200

    assert _writes(read) == []


def test_a_book_page_writes_nothing_for_a_signed_in_user(client, catalog, alice):
    client.force_login(alice)

    def read():
        assert client.get(f"/books/{catalog[0].pk}/").status_code == 200

    assert _writes(read) == []


def test_adding_a_book_still_makes_the_cart(client, catalog, alice):
    headers = _signed_in(alice)
    response = client.post(
        "/api/cart/items/", {"book_id": catalog[1].pk}, content_type="application/json", headers=headers
    )
    assert response.status_code == 201
    assert Cart.objects.filter(user=alice).exists()
    assert client.get("/api/cart/", headers=headers).json()["copy_count"] == 1
