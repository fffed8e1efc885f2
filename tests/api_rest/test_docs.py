"""The OpenAPI document, Swagger UI and Redoc: complete, offline, and the committed file up to date."""

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db

COMMITTED = Path(__file__).resolve().parents[2] / "api_rest" / "openapi.yaml"
ERROR_REF = "#/components/schemas/ErrorResponse"
UNAVAILABLE_REF = "#/components/schemas/UnavailableResponse"


@pytest.fixture(scope="module")
def schema():
    return yaml.safe_load(COMMITTED.read_text())


def test_committed_openapi_document_matches_the_code(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(generated))
    assert generated.read_text() == COMMITTED.read_text(), (
        "api_rest/openapi.yaml is out of date with the code: run `make schema` and commit the result."
    )


def test_schema_endpoint_serves_openapi_3_as_yaml_and_json(anon):
    response = anon.get("/api/schema/")
    assert response.status_code == 200
    assert yaml.safe_load(response.content)["openapi"].startswith("3.")
    response = anon.get("/api/schema/?format=json")
    assert response.json()["info"]["title"] == "Hybrid Catalog REST API"


def test_every_operation_is_documented_with_its_responses_and_errors(schema):
    operations = {
        (path, method): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert {op["operationId"] for op in operations.values()} == {
        "api_root",
        "book_list",
        "book_create",
        "book_get",
        "book_update",
        "book_partial_update",
        "book_delete",
        "author_list",
        "author_create",
        "author_get",
        "author_update",
        "author_partial_update",
        "author_delete",
        "cart_get",
        "cart_clear",
        "cart_item_add",
        "cart_item_update",
        "cart_item_remove",
        "checkout",
        "order_list",
        "order_get",
        "token_create",
    }
    for (path, method), operation in operations.items():
        responses = operation["responses"]
        success = [code for code in responses if code.startswith("2")]
        assert success, (path, method)
        for code in success:
            if code != "204":
                assert "application/json" in responses[code]["content"], (path, method, code)
        for code, response in responses.items():
            if code >= "400":
                expected = UNAVAILABLE_REF if code == "503" else ERROR_REF
                assert response["content"]["application/json"]["schema"]["$ref"] == expected, (path, method, code)
        if method in {"post", "put", "patch"} and operation["operationId"] != "checkout":
            assert "application/json" in operation["requestBody"]["content"], (path, method)


def test_error_shape_is_a_component(schema):
    components = schema["components"]["schemas"]
    assert components["ErrorResponse"]["properties"]["errors"]["items"]["$ref"] == "#/components/schemas/ErrorItem"
    assert set(components["ErrorItem"]["properties"]) == {"field", "code", "message"}
    assert components["ErrorItem"]["properties"]["field"]["nullable"] is True
    assert components["ErrorItem"]["properties"]["code"] == {"$ref": "#/components/schemas/ErrorCode"}


def test_the_503_body_is_rests_error_with_graphqls_extensions_code(schema):
    components = schema["components"]["schemas"]
    item = components["UnavailableResponse"]["properties"]["errors"]["items"]["$ref"].rsplit("/", 1)[1]
    properties = components[item]["properties"]
    assert set(properties) == {"field", "code", "message", "extensions"}
    extensions = components[properties["extensions"]["$ref"].rsplit("/", 1)[1]]
    assert extensions["properties"]["code"] == properties["code"] == {"$ref": "#/components/schemas/ErrorCode"}


def test_lists_are_documented_with_their_filters_and_pages(schema):
    book_list = schema["paths"]["/api/books/"]["get"]
    parameters = {p["name"] for p in book_list["parameters"]}
    assert parameters == {
        "search",
        "author",
        "isbn",
        "min_price",
        "max_price",
        "in_stock",
        "published_after",
        "published_before",
        "ordering",
        "page",
        "page_size",
        "cursor",
        "fields",
    }
    page = schema["components"]["schemas"]["PaginatedBookList"]
    assert set(page["properties"]) == {"count", "count_exact", "next", "previous", "results"}
    assert page["required"] == ["count", "count_exact", "results"]


def test_documented_fields_are_the_fields_sent(schema, alice_api, alice, book):
    from catalog.services import cart_item_add, checkout

    components = schema["components"]["schemas"]

    def documented(name):
        return set(components[name]["properties"])

    book_body = alice_api.get(f"/api/books/{book.id}/").json()
    assert set(book_body) == documented("Book")
    assert set(book_body["authors"][0]) == documented("AuthorRef")
    assert set(alice_api.get(f"/api/authors/{book.authors.get().id}/").json()) == documented("Author")

    cart_item_add(user=alice, book_id=book.id, quantity=1)
    cart = alice_api.get("/api/cart/").json()
    assert set(cart) == documented("Cart")
    assert set(cart["items"][0]) == documented("CartItem")
    assert set(cart["items"][0]["book"]) == documented("CartBook")

    order = alice_api.get(f"/api/orders/{checkout(user=alice).id}/").json()
    assert set(order) == documented("Order")
    assert set(order["lines"][0]) == documented("OrderLine")


def _assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_every_asset_from_our_own_static_files(anon, path):
    response = anon.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/schema/" in html
    assets = _assets(html)
    assert assets
    for asset in assets:
        assert asset.startswith("/static/drf_spectacular_sidecar/"), asset
        served = anon.get(asset)
        assert served.status_code == 200, asset
        served.close()
    assert not re.search(r"https?://|//cdn|googleapis|jsdelivr|unpkg", html)


def test_every_operation_documents_429_and_503_with_a_retry_after_header(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for status in ("429", "503"):
                response = operation["responses"][status]
                assert response["headers"]["Retry-After"]["required"] is True, (path, method, status)


def test_the_document_states_the_rules_the_server_enforces(schema):
    components = schema["components"]["schemas"]
    parameters = {p["name"]: p for p in schema["paths"]["/api/books/"]["get"]["parameters"]}
    assert "-price" in parameters["ordering"]["schema"]["enum"]
    assert parameters["author"]["schema"]["minimum"] == 1
    assert parameters["page_size"]["schema"]["minimum"] == 1
    assert parameters["search"]["schema"]["maxLength"] == 200
    assert all(p.get("allowEmptyValue") for p in parameters.values())
    for component, field in (("BookInput", "title"), ("AuthorInput", "name"), ("TokenCreateInput", "username")):
        assert components[component]["properties"][field]["minLength"] == 1, (component, field)
    assert components["TokenCreateInput"]["properties"]["password"]["minLength"] == 1
    assert components["BookInput"]["properties"]["title"]["maxLength"] == 255
    for component in ("CartItemAddInput", "PatchedCartItemUpdateInput"):
        quantity = components[component]["properties"]["quantity"]
        assert (quantity["minimum"], quantity["maximum"]) == (1, 99)
    assert components["PatchedCartItemUpdateInput"]["required"] == ["quantity"]
    assert schema["paths"]["/api/cart/items/{item_id}/"]["patch"]["requestBody"]["required"] is True
    assert "400" in schema["paths"]["/api/orders/"]["get"]["responses"]
