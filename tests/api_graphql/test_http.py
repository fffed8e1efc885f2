"""GraphQL over HTTP: methods, content types, request shapes, and the GraphiQL page."""

import json
import re

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

BOOKS = "{ books(first: 1) { edges { node { title } } } }"
MUTATION = "mutation { cartClear { errors { code } } }"


@pytest.fixture
def client():
    return Client()


def error_of(response):
    body = response.json()
    assert "data" not in body
    (error,) = body["errors"]
    return error["extensions"]["code"]


def test_get_runs_a_query(client, book):
    response = client.get("/graphql/", {"query": BOOKS})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["data"] == {"books": {"edges": [{"node": {"title": "The Dispossessed"}}]}}


def test_get_with_variables_and_operation_name(client, book):
    query = "query A { me { username } } query B($n: Int) { books(first: $n) { edges { node { title } } } }"
    response = client.get("/graphql/", {"query": query, "variables": json.dumps({"n": 1}), "operationName": "B"})
    assert response.json()["data"]["books"]["edges"][0]["node"]["title"] == "The Dispossessed"


def test_a_mutation_over_get_is_refused(client, alice):
    response = client.get("/graphql/", {"query": MUTATION})
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert error_of(response) == "method_not_allowed"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", f"query={MUTATION}"),
        ("multipart/form-data; boundary=x", "--x--"),
        ("text/plain", json.dumps({"query": MUTATION})),
        ("application/graphql", MUTATION),
        ("", json.dumps({"query": MUTATION})),
    ],
)
def test_only_json_posts_are_accepted(client, alice, content_type, body):
    response = client.generic("POST", "/graphql/", body, content_type=content_type)
    assert response.status_code == 415
    assert error_of(response) == "unsupported_media_type"


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "HEAD"])
def test_other_methods_are_refused(client, method):
    response = client.generic(method, "/graphql/", json.dumps({"query": BOOKS}), content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("{not json", 400, "parse_error"),
        ('{"query": NaN}', 400, "parse_error"),
        ("[" * 100_000 + "]" * 100_000, 400, "parse_error"),
        ('"just a string"', 400, "parse_error"),
        ("{}", 400, "required"),
        ('{"query": ""}', 400, "required"),
        ('{"query": 42}', 400, "invalid"),
        (json.dumps({"query": BOOKS, "variables": "{broken"}), 400, "parse_error"),
        (json.dumps({"query": BOOKS, "variables": [1]}), 400, "invalid"),
        (json.dumps({"query": BOOKS, "operationName": 5}), 400, "invalid"),
        (json.dumps([{"query": BOOKS}, {"query": BOOKS}]), 400, "query_too_complex"),
        (b"\xff\xfe", 400, "parse_error"),
    ],
)
def test_malformed_requests_get_a_4xx_with_a_code(client, body, status, code):
    response = client.post("/graphql/", body, content_type="application/json")
    assert response.status_code == status
    assert error_of(response) == code


def test_variables_may_be_a_json_string(client, book):
    body = {"query": "query($n: Int) { books(first: $n) { edges { node { title } } } }", "variables": '{"n": 1}'}
    response = client.post("/graphql/", json.dumps(body), content_type="application/json")
    assert response.json()["data"]["books"]["edges"] == [{"node": {"title": "The Dispossessed"}}]


def test_a_body_above_the_upload_cap_is_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(
        "/graphql/", json.dumps({"query": BOOKS, "pad": "x" * 2000}), content_type="application/json"
    )
    assert response.status_code == 413
    assert error_of(response) == "request_too_large"


def test_a_query_naming_no_operation_of_several_is_400(client):
    response = client.post(
        "/graphql/",
        json.dumps({"query": "query A { me { username } } query B { me { username } }"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "invalid"


def test_bad_variables_are_400_before_execution(client):
    body = {"query": "query($n: Int!) { books(first: $n) { totalCount } }", "variables": {"n": "many"}}
    response = client.post("/graphql/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "invalid"


def test_graphiql_page_is_served_to_browsers_from_local_files(client):
    response = client.get("/graphql/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'id="editor"' in html
    assert 'data-header-editor-enabled="true"' in html
    assert "csrfmiddlewaretoken" in html
    assert "csrftoken" in response.cookies
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("graphiql/graphiql.min.js") for s in sources)
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]


def test_graphiql_page_with_a_query_in_the_url_still_renders(client):
    response = client.get("/graphql/", {"query": BOOKS}, headers={"Accept": "text/html"})
    assert response["Content-Type"].startswith("text/html")


def test_raw_asks_for_json_even_from_a_browser(client, book):
    response = client.get("/graphql/", {"query": BOOKS, "raw": ""}, headers={"Accept": "text/html"})
    assert response.json()["data"]["books"]["edges"][0]["node"]["title"] == "The Dispossessed"


@override_settings(GRAPHQL_GRAPHIQL=False)
def test_graphiql_can_be_switched_off(client, book):
    response = client.get("/graphql/", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert error_of(response) == "not_found"
    # Queries over GET still answer JSON.
    response = client.get("/graphql/", {"query": BOOKS}, headers={"Accept": "text/html"})
    assert response.json()["data"]["books"]["edges"][0]["node"]["title"] == "The Dispossessed"


def test_get_without_a_query_from_a_script_is_400(client):
    response = client.get("/graphql/")
    assert response.status_code == 400
    assert error_of(response) == "required"
