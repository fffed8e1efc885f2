"""Sparse fieldsets: ``?fields=`` on every REST read, nested names, refusals, the OpenAPI document."""

import re
from pathlib import Path

import pytest
import yaml

from catalog.services import cart_item_add, checkout
from tests.api_rest.helpers import codes

pytestmark = pytest.mark.django_db

OPENAPI = Path(__file__).resolve().parents[2] / "api_rest" / "openapi.yaml"


@pytest.fixture
def bought(alice, shelf):
    """Alice has one order (two lines) and a cart with one line."""
    cart_item_add(user=alice, book_id=shelf["hobbit"].id, quantity=2)
    cart_item_add(user=alice, book_id=shelf["mort"].id, quantity=1)
    order = checkout(user=alice)
    cart_item_add(user=alice, book_id=shelf["mort"].id, quantity=3)
    return order


@pytest.fixture
def reads(bought, shelf):
    """Every REST read: its path, and a nested field it can be asked for."""
    author = shelf["authors"]["pratchett"]
    return {
        "api_root": ("/api/", "books"),
        "book_list": ("/api/books/", "authors.name"),
        "book_get": (f"/api/books/{shelf['omens'].id}/", "authors.name"),
        "author_list": ("/api/authors/", "book_count"),
        "author_get": (f"/api/authors/{author.id}/", "book_count"),
        "cart_get": ("/api/cart/", "items.book.title"),
        "order_list": ("/api/orders/", "lines.title"),
        "order_get": (f"/api/orders/{bought.id}/", "lines.title"),
    }


def objects(body: dict) -> list[dict]:
    """The objects a read answers: a page's items, or the one object."""
    return body["results"] if "results" in body and "count" in body else [body]


def envelope(body: dict) -> dict | None:
    """A page without its items; None for one object."""
    return {key: value for key, value in body.items() if key != "results"} if "results" in body else None


def test_a_list_sends_only_the_fields_named_nested_ones_included(anon, shelf):
    body = anon.get("/api/books/?fields=id,title,authors.name&ordering=title").json()
    assert set(body) == {"count", "count_exact", "next", "previous", "results"}  # the page stays whole
    assert body["results"] == [
        {
            "id": shelf["omens"].id,
            "title": "Good Omens",
            "authors": [{"name": "Terry Pratchett"}, {"name": "Neil Gaiman"}],
        },
        {"id": shelf["mort"].id, "title": "Mort", "authors": [{"name": "Terry Pratchett"}]},
        {"id": shelf["hobbit"].id, "title": "The Hobbit", "authors": [{"name": "J. R. R. Tolkien"}]},
    ]


def test_names_nest_at_any_depth_and_a_nested_field_alone_comes_whole(alice_api, bought, shelf):
    cart = alice_api.get("/api/cart/?fields=items.book.title,items.quantity,total").json()
    assert cart == {"items": [{"book": {"title": "Mort"}, "quantity": 3}], "total": "28.50"}
    book = alice_api.get(f"/api/books/{shelf['omens'].id}/?fields=authors").json()
    assert book == {
        "authors": [{"id": a.id, "name": a.name} for a in (shelf["authors"]["pratchett"], shelf["authors"]["gaiman"])]
    }
    # The whole field wins over a part of it, in either order.
    for fields in ("authors,authors.name", "authors.name,authors"):
        assert alice_api.get(f"/api/books/{shelf['omens'].id}/?fields={fields}").json() == book


def test_duplicates_count_once_order_is_the_answers_and_several_parameters_add_up(anon, shelf):
    path = f"/api/books/{shelf['hobbit'].id}/"
    once = anon.get(f"{path}?fields=title,price").json()
    assert list(once) == ["title", "price"]
    assert anon.get(f"{path}?fields=price,title,price,title").json() == once
    assert list(anon.get(f"{path}?fields=price,title").json()) == ["title", "price"]
    assert anon.get(f"{path}?fields=price&fields=title").json() == once


def test_an_empty_fields_is_every_field(anon, shelf):
    path = f"/api/books/{shelf['hobbit'].id}/"
    full = anon.get(path).json()
    assert len(full) == 11
    assert anon.get(f"{path}?fields=").json() == full
    assert anon.get(f"{path}?fields=&fields=").json() == full


@pytest.mark.parametrize(
    ("fields", "messages"),
    [
        ("nope", ["Unknown field 'nope': the fields are id, title, subtitle, isbn, price"]),
        ("title.length", ["Unknown field 'title.length': 'title' has no fields of its own; ask for 'title'."]),
        ("authors.bio", ["Unknown field 'authors.bio': 'authors' has id, name."]),
        ("id,,title", ["'id,,title' has an empty field name"]),
        ("authors.", ["'authors.' has an empty field name"]),
        (",", ["',' has an empty field name"]),
        ("Title", ["Unknown field 'Title'"]),
        ("id,nope,other,nope", ["Unknown field 'nope'", "Unknown field 'other'"]),
    ],
)
def test_an_unknown_or_empty_name_is_refused_naming_it(anon, shelf, fields, messages):
    for path in ("/api/books/", f"/api/books/{shelf['hobbit'].id}/"):
        response = anon.get(path, {"fields": fields})
        assert response.status_code == 400
        assert codes(response) == [("fields", "invalid_fields")] * len(messages)
        for item, message in zip(response.json()["errors"], messages, strict=True):
            assert item["message"].startswith(message), item


@pytest.mark.parametrize("fields", ["..", ".", "a" * 1001, "ti\u00adtle", "id;title", "id title", "__class__", "%"])
def test_hostile_fields_are_refused_with_a_code_never_a_500(anon, shelf, fields):
    response = anon.get("/api/books/", {"fields": fields})
    assert response.status_code == 400
    assert codes(response) in ([("fields", "invalid_fields")], [("fields", "max_length")])


def test_a_nul_in_fields_is_the_same_invalid_characters_as_in_any_parameter(anon, shelf):
    response = anon.get("/api/books/", {"fields": "id\x00"})
    assert codes(response) == [("fields", "invalid_characters")]


def test_a_read_that_needs_sign_in_says_so_before_looking_at_fields(anon):
    response = anon.get("/api/cart/?fields=nope")
    assert response.status_code == 401
    assert codes(response) == [(None, "not_authenticated")]


def test_every_read_accepts_fields_and_refuses_unknown_names(alice_api, reads):
    for operation, (path, nested) in reads.items():
        full = alice_api.get(path).json()
        top = nested.split(".")[0]
        sparse = alice_api.get(path, {"fields": nested}).json()
        assert envelope(sparse) == envelope(full), operation
        for item in objects(sparse):
            assert list(item) == [top], operation
        assert objects(sparse) != objects(full), operation
        refused = alice_api.get(path, {"fields": "no_such_field"})
        assert refused.status_code == 400, operation
        assert codes(refused) == [("fields", "invalid_fields")], operation


def _documented_names(parameter: dict) -> list[str]:
    return re.findall(r"`([a-z_.]+)`", parameter["description"].split("Names: ", 1)[1])


def test_the_openapi_document_states_fields_on_every_read_with_every_name_the_server_takes(alice_api, reads):
    schema = yaml.safe_load(OPENAPI.read_text())
    gets = {op["operationId"]: op for item in schema["paths"].values() for verb, op in item.items() if verb == "get"}
    assert set(gets) == set(reads)
    for operation, spec in gets.items():
        parameter = next(p for p in spec["parameters"] if p["name"] == "fields")
        assert parameter["in"] == "query" and not parameter.get("required") and parameter["allowEmptyValue"]
        pattern = re.compile(parameter["schema"]["pattern"])
        assert "invalid_fields" in spec["responses"]["400"]["description"], operation
        names = _documented_names(parameter)
        assert reads[operation][1] in names, operation
        # Every documented name is one the server takes, and the pattern allows them all together.
        assert pattern.fullmatch(",".join(names)), operation
        for name in names:
            assert alice_api.get(reads[operation][0], {"fields": name}).status_code == 200, (operation, name)
        assert not pattern.fullmatch("id,,title") and not pattern.fullmatch("authors.")
        # A name the answer does not have is outside the pattern too: what the document allows, the server takes.
        assert not pattern.fullmatch("weight") and not pattern.fullmatch(f"{reads[operation][1]},_"), operation


def test_the_openapi_document_requires_no_field_a_sparse_read_may_leave_out():
    schemas = yaml.safe_load(OPENAPI.read_text())["components"]["schemas"]
    for name in ("ApiRoot", "Author", "AuthorRef", "Book", "Cart", "CartBook", "CartItem", "Order", "OrderLine"):
        assert "required" not in schemas[name], name
        assert "unless the read's `fields` parameter leaves it out" in schemas[name]["description"], name
    # A page's envelope is never narrowed: its count and links stay required.
    assert {"count", "results"} <= set(schemas["PaginatedBookList"]["required"])
