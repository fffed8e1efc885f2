"""A renamed field in REST: the old key kept, `deprecated: true` in OpenAPI, and the headers
(RFC 9745 Deprecation, RFC 8594 Sunset, a Link to the docs) on each response that carries it."""

import datetime
import re
from decimal import Decimal
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
import yaml
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from api_rest.deprecation import _plan, announce_deprecations, deprecations_in
from api_rest.serializers import AuthorOutput, BookOutput, CartOutput, OrderOutput
from catalog.deprecations import field_deprecation
from catalog.selectors import cart_get
from catalog.services import cart_item_add, checkout
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

OPENAPI = Path(__file__).resolve().parents[2] / "api_rest" / "openapi.yaml"
CART = field_deprecation("Cart", "item_count")
# RFC 9651 sf-date: "@" and an integer; RFC 9110 IMF-fixdate, always GMT.
SF_DATE = re.compile(r"^@(-?\d{1,15})$")
IMF_FIXDATE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")
LINK = re.compile(r'^<(?P<target>[^>]+)>; rel="deprecation"; type="text/html"$')
HEADERS = ("Deprecation", "Sunset", "Link")


def announced(response) -> dict[str, str]:
    return {name: response.headers[name] for name in HEADERS if name in response.headers}


def parsed(response) -> tuple[datetime.datetime, datetime.datetime, str]:
    """The three headers as a client reads them; each must have its RFC's format."""
    deprecation = SF_DATE.match(response.headers["Deprecation"])
    assert deprecation, response.headers["Deprecation"]
    assert IMF_FIXDATE.match(response.headers["Sunset"]), response.headers["Sunset"]
    link = LINK.match(response.headers["Link"])
    assert link, response.headers["Link"]
    since = datetime.datetime.fromtimestamp(int(deprecation.group(1)), tz=datetime.UTC)
    return since, parsedate_to_datetime(response.headers["Sunset"]), link.group("target")


@pytest.fixture
def two_lines(alice):
    """Two lines, three copies: the count the old name hid."""
    cart_item_add(user=alice, book_id=BookFactory(price=Decimal("10.00"), stock=5).id, quantity=2)
    cart_item_add(user=alice, book_id=BookFactory(price=Decimal("5.00"), stock=5).id, quantity=1)


def test_the_cart_serves_both_names_with_the_headers_a_client_can_parse(alice_api, two_lines):
    response = alice_api.get("/api/cart/")
    body = response.json()
    assert (len(body["items"]), body["copy_count"], body["item_count"]) == (2, 3, 3)
    since, sunset, docs = parsed(response)
    assert (since, sunset) == (CART.deprecated_at, CART.sunset_at)
    assert since <= sunset
    assert response.headers["Sunset"] == "Tue, 01 Jun 2027 00:00:00 GMT"
    # The link leads to the API's documentation, a page a person can read.
    assert docs == "http://testserver/api/docs/"
    page = alice_api.get(docs, HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and "swagger" in page.content.decode().lower()


def test_orders_announce_it_in_every_answer_that_carries_an_order(alice_api, alice, two_lines):
    created = alice_api.post("/api/cart/checkout/")
    assert created.json()["copy_count"] == created.json()["item_count"] == 3
    order_id = created.json()["id"]
    fetched = alice_api.get(f"/api/orders/{order_id}/")
    listed = alice_api.get("/api/orders/")
    assert listed.json()["results"][0]["item_count"] == 3
    for response in (created, fetched, listed):
        assert parsed(response)[:2] == (CART.deprecated_at, CART.sunset_at)


def test_answers_without_the_old_field_announce_nothing(alice_api, anon, bob_api):
    book = BookFactory(stock=5)
    line = alice_api.post("/api/cart/items/", {"book_id": book.id, "quantity": 1}, format="json")
    assert line.status_code == 201 and "item_count" not in line.json()
    answers = [
        line,
        anon.get("/api/books/"),
        anon.get(f"/api/books/{book.id}/"),
        # No orders yet: the page carries no order, so no deprecated field.
        bob_api.get("/api/orders/"),
        # Errors and empty answers carry no cart.
        anon.get("/api/cart/"),
        alice_api.post("/api/cart/items/", {"book_id": book.id, "quantity": 0}, format="json"),
        alice_api.delete("/api/cart/"),
    ]
    assert [r.status_code for r in answers] == [201, 200, 200, 200, 401, 400, 204]
    assert [announced(r) for r in answers] == [{}] * len(answers)


def test_the_browsable_api_page_of_the_cart_announces_it_too(alice_api, two_lines):
    response = alice_api.get("/api/cart/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and "copy_count" in response.content.decode()
    assert parsed(response)[0] == CART.deprecated_at


def test_the_headers_follow_the_fields_a_response_actually_carries(alice, two_lines):
    """Whatever narrows a response's fields (a sparse fieldset, say), the headers follow the body sent."""
    data = CartOutput(cart_get(user=alice)).data
    assert deprecations_in(data) == {CART}
    del data["item_count"]
    assert deprecations_in(data) == set()
    order = checkout(user=alice)
    page = {"count": 1, "next": None, "results": OrderOutput([order], many=True).data}
    assert deprecations_in(page) == {field_deprecation("Order", "item_count")}
    for row in page["results"]:
        del row["item_count"]
    assert deprecations_in(page) == set()
    assert deprecations_in({"detail": "no serializer made this"}) == set()
    assert deprecations_in(None) == set()


def test_a_link_the_response_had_already_is_kept(alice):
    cart_item_add(user=alice, book_id=BookFactory(stock=5).id, quantity=1)
    request = APIRequestFactory().get("/api/cart/")
    response = Response(CartOutput(cart_get(user=alice)).data, headers={"Link": '</api/cart/?page=2>; rel="next"'})
    announce_deprecations(request, response)
    assert response["Link"] == (
        '</api/cart/?page=2>; rel="next", <http://testserver/api/docs/>; rel="deprecation"; type="text/html"'
    )


def test_no_deprecated_field_sits_in_an_answer_the_read_cache_keeps():
    """A stored answer keeps its body, not its headers: a cache hit would drop the announcement."""
    assert (_plan(BookOutput), _plan(AuthorOutput)) == ({}, {})
    assert set(_plan(CartOutput)) == set(_plan(OrderOutput)) == {"item_count"}


@pytest.mark.parametrize("component", ["Cart", "Order"])
def test_the_openapi_document_marks_the_old_name_deprecated_and_documents_the_new(component):
    schema = yaml.safe_load(OPENAPI.read_text())["components"]["schemas"][component]
    old, new = schema["properties"]["item_count"], schema["properties"]["copy_count"]
    assert old["deprecated"] is True and old["type"] == new["type"] == "integer"
    assert "copy_count" in old["description"] and "2027-06-01" in old["description"]
    assert "deprecated" not in new and new["description"].startswith("Copies in the")
    assert "required" not in schema  # either may be left out by a sparse read (?fields=), as every field
