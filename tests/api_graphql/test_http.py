"""GraphQL over HTTP: methods, media types, status codes, request shapes, and the GraphiQL page."""

import json
import re

import pytest
from django.test import Client, override_settings

from api_graphql.views import CatalogGraphQLView
from tests.api_graphql.conftest import RECOMMENDED_ACCEPT

pytestmark = pytest.mark.django_db

BOOKS = "{ books(first: 1) { edges { node { title } } } }"
MUTATION = "mutation { cartClear { errors { code } } }"
GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def client():
    return Client()


def post(client, body, accept=None, content_type="application/json"):
    headers = {"Accept": accept} if accept is not None else {}
    if not isinstance(body, (str, bytes)):
        body = json.dumps(body)
    return client.generic("POST", "/graphql/", body, content_type=content_type, headers=headers)


def media_type(response):
    return response["Content-Type"].split(";", 1)[0]


def varies_on_accept(response):
    return "accept" in {part.strip().lower() for part in response.get("Vary", "").split(",")}


def error_of(response):
    body = response.json()
    assert "data" not in body
    (error,) = body["errors"]
    return error["extensions"]["code"]


# ---- Methods -----------------------------------------------------------------


def test_get_runs_a_query(client, book):
    response = client.get("/graphql/", {"query": BOOKS})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["data"] == {"books": {"edges": [{"node": {"title": "The Dispossessed"}}]}}


def test_get_with_variables_and_operation_name(client, book):
    query = "query A { me { username } } query B($n: Int) { books(first: $n) { edges { node { title } } } }"
    response = client.get("/graphql/", {"query": query, "variables": json.dumps({"n": 1}), "operationName": "B"})
    assert response.json()["data"]["books"]["edges"][0]["node"]["title"] == "The Dispossessed"


def test_get_with_extensions_as_json_text(client, book):
    response = client.get("/graphql/", {"query": BOOKS, "extensions": json.dumps({"tracing": True})})
    assert response.status_code == 200
    assert response.json()["data"]["books"]["edges"]


def test_get_with_an_empty_operation_name_runs_the_only_operation(client, book):
    response = client.get("/graphql/", {"query": BOOKS, "operationName": ""})
    assert response.json()["data"]["books"]["edges"]


@pytest.mark.parametrize("accept", [None, GRAPHQL_RESPONSE])
def test_a_mutation_over_get_is_refused(client, alice, accept):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/graphql/", {"query": MUTATION}, headers=headers)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert error_of(response) == "method_not_allowed"


def test_a_mutation_chosen_by_operation_name_over_get_is_refused(client, alice):
    query = "query Q { me { username } } " + MUTATION.replace("mutation", "mutation M")
    response = client.get("/graphql/", {"query": query, "operationName": "M"})
    assert response.status_code == 405
    # The query of the same document still runs over GET.
    assert client.get("/graphql/", {"query": query, "operationName": "Q"}).json()["data"] == {"me": None}


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
def test_other_methods_are_refused(client, method):
    response = client.generic(method, "/graphql/", json.dumps({"query": BOOKS}), content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"


@pytest.mark.parametrize(
    ("key", "values"),
    [("query", [BOOKS, "{ me { username } }"]), ("variables", ["{}", "{}"]), ("operationName", ["A", "B"])],
)
def test_a_parameter_given_twice_in_the_url_is_400(client, key, values):
    params = {"query": BOOKS, key: values}
    response = client.get("/graphql/", params)
    assert response.status_code == 400
    assert error_of(response) == "invalid"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"query": BOOKS, "variables": "{broken"}, "parse_error"),
        ({"query": BOOKS, "variables": "[1]"}, "invalid"),
        ({"query": BOOKS, "extensions": "{broken"}, "parse_error"),
        ({"query": BOOKS, "extensions": '"text"'}, "invalid"),
    ],
)
def test_bad_json_parameters_in_the_url_are_400(client, params, code):
    response = client.get("/graphql/", params)
    assert response.status_code == 400
    assert error_of(response) == code


# ---- Request media types -----------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
        'application/json; charset="utf-8"',
        "application/json; charset=utf8",
        "Application/JSON",
    ],
)
def test_json_posts_in_utf8_are_accepted(client, book, content_type):
    response = post(client, {"query": BOOKS}, content_type=content_type)
    assert response.status_code == 200
    assert response.json()["data"]["books"]["edges"]


def test_utf8_text_in_the_document_and_the_answer(client):
    response = post(client, {"query": '{ __type(name: "Run🏃Swim🏊") { name } }'}, GRAPHQL_RESPONSE)
    assert response.status_code == 200
    assert response.json()["data"] == {"__type": None}


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", f"query={MUTATION}"),
        ("multipart/form-data; boundary=x", "--x--"),
        ("text/plain", json.dumps({"query": MUTATION})),
        ("text/plain;charset=UTF-8", json.dumps({"query": MUTATION})),
        ("application/graphql", MUTATION),
        ("application/json; charset=latin-1", json.dumps({"query": MUTATION})),
        ("application/json; charset=utf-16", json.dumps({"query": MUTATION}).encode("utf-16")),
        ("", json.dumps({"query": MUTATION})),
    ],
)
def test_only_json_posts_in_utf8_are_accepted(client, alice, content_type, body):
    response = client.generic("POST", "/graphql/", body, content_type=content_type)
    assert response.status_code == 415
    assert error_of(response) == "unsupported_media_type"


# ---- Response media types (Accept) ------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("*; q=.2", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        ("application/json; charset=utf-8", JSON),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        ("application/graphql-response+json; charset=utf-8", GRAPHQL_RESPONSE),
        (RECOMMENDED_ACCEPT, GRAPHQL_RESPONSE),
        ("application/json, application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/graphql-response+json;q=0.5, application/json", JSON),
        ("application/json;q=0.9, application/graphql-response+json;q=0.8", JSON),
        ("application/json, */*;q=0.5", JSON),
        ("application/graphql-response+json, */*;q=0.5", GRAPHQL_RESPONSE),
        ("application/json;q=0, */*", GRAPHQL_RESPONSE),
        ("text/html, */*;q=0.1", JSON),
        ("application/graphql-response+json; charset=utf-16, application/json;q=0.5", JSON),
        ("text/plain, application/graphql-response+json;q=0.1", GRAPHQL_RESPONSE),
    ],
)
def test_the_response_media_type_follows_accept(client, accept, expected):
    response = post(client, {"query": "{ __typename }"}, accept)
    assert response.status_code == 200
    assert response["Content-Type"] == f"{expected}; charset=utf-8"
    assert varies_on_accept(response)
    assert response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize(
    "accept",
    [
        "text/plain",
        "application/xml",
        "image/*",
        "application/json; charset=utf-16",
        "application/graphql-response+json;q=0, application/json;q=0",
        "*/*;q=0",
        "not a media type",
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_accept_header_that_allows_neither_type_is_406(client, accept, method):
    if method == "GET":
        response = client.get("/graphql/", {"query": BOOKS}, headers={"Accept": accept})
    else:
        response = post(client, {"query": BOOKS}, accept)
    assert response.status_code == 406
    assert media_type(response) == JSON
    assert error_of(response) == "not_acceptable"
    assert GRAPHQL_RESPONSE in response.json()["errors"][0]["message"]


# ---- Status codes --------------------------------------------------------------

# Well-formed requests that stop before execution: GraphQL request errors.
REQUEST_ERRORS = [
    pytest.param({"query": "{"}, "parse_error", id="document-parse-failure"),
    pytest.param({"query": ""}, "parse_error", id="empty-document"),
    pytest.param({"query": "{ noSuchField }"}, "invalid", id="document-validation-failure"),
    pytest.param({"query": "{ " + "books { edges { node { authors { " * 4 + "name" + " } } } }" * 4 + " }"},
                 "query_too_complex", id="limit"),
    pytest.param({"query": "query A { me { username } } query B { me { username } }"}, "invalid",
                 id="operation-not-chosen"),
    pytest.param({"query": "{ me { username } }", "operationName": "Missing"}, "invalid", id="unknown-operation"),
    pytest.param({"query": "query($n: Int!) { books(first: $n) { totalCount } }", "variables": {"n": "many"}},
                 "invalid", id="variable-coercion-failure"),
    pytest.param({"query": "query($n: Int!) { books(first: $n) { totalCount } }"}, "invalid",
                 id="missing-variable"),
    pytest.param({"query": "query CoerceFailure($id: ID!) { book(id: $id) { title } }", "variables": {"id": None}},
                 "invalid", id="null-for-non-null-variable"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "code"), REQUEST_ERRORS)
def test_request_errors_are_400_under_graphql_response_json(client, body, code):
    response = post(client, body, GRAPHQL_RESPONSE)
    assert response.status_code == 400
    assert media_type(response) == GRAPHQL_RESPONSE
    payload = response.json()
    assert "data" not in payload
    assert payload["errors"][0]["extensions"]["code"] == code


@pytest.mark.parametrize(("body", "code"), REQUEST_ERRORS)
def test_request_errors_are_200_under_application_json(client, body, code):
    response = post(client, body, JSON)
    assert response.status_code == 200
    assert media_type(response) == JSON
    payload = response.json()
    assert "data" not in payload
    assert payload["errors"][0]["extensions"]["code"] == code


def test_a_document_over_the_size_limit_is_a_request_error(client, settings):
    settings.GRAPHQL_MAX_DOCUMENT_BYTES = 20
    body = {"query": "{ books { totalCount } }"}
    assert post(client, body, GRAPHQL_RESPONSE).status_code == 400
    response = post(client, body, JSON)
    assert response.status_code == 200
    assert error_of(response) == "query_too_complex"


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
def test_field_errors_are_200_with_data_under_both(client, accept):
    response = post(client, {"query": '{ me { username } author(id: "QXV0aG9yVHlwZTo5OTk=") { name } }'}, accept)
    assert response.status_code == 200
    payload = response.json()
    assert payload["data"] == {"me": None, "author": None}
    assert [e["extensions"]["code"] for e in payload["errors"]] == ["not_found"]


# Requests that are not well formed: 400 whatever the media type.
MALFORMED = [
    ("{not json", "parse_error"),
    ('{"query": NaN}', "parse_error"),
    ("[" * 100_000 + "]" * 100_000, "parse_error"),
    ('"just a string"', "parse_error"),
    ("{}", "required"),
    ('{"qeury": "{ __typename }"}', "required"),
    ('{"query": null}', "required"),
    ('{"query": 42}', "invalid"),
    ('{"query": false}', "invalid"),
    ('{"query": {"obj": "ect"}}', "invalid"),
    ('{"query": ["array"]}', "invalid"),
    (json.dumps({"query": BOOKS, "variables": '{"n": 1}'}), "invalid"),
    (json.dumps({"query": BOOKS, "variables": [1]}), "invalid"),
    (json.dumps({"query": BOOKS, "variables": 0}), "invalid"),
    (json.dumps({"query": BOOKS, "variables": False}), "invalid"),
    (json.dumps({"query": BOOKS, "operationName": 5}), "invalid"),
    (json.dumps({"query": BOOKS, "operationName": 0}), "invalid"),
    (json.dumps({"query": BOOKS, "operationName": False}), "invalid"),
    (json.dumps({"query": BOOKS, "operationName": {"obj": "ect"}}), "invalid"),
    (json.dumps({"query": BOOKS, "extensions": "string"}), "invalid"),
    (json.dumps({"query": BOOKS, "extensions": 0}), "invalid"),
    (json.dumps({"query": BOOKS, "extensions": False}), "invalid"),
    (json.dumps({"query": BOOKS, "extensions": ["array"]}), "invalid"),
    (json.dumps([{"query": BOOKS}, {"query": BOOKS}]), "query_too_complex"),
    (b"\xff\xfe", "parse_error"),
]


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
@pytest.mark.parametrize(("body", "code"), MALFORMED)
def test_malformed_requests_get_a_400_with_a_code(client, body, code, accept):
    response = post(client, body, accept)
    assert response.status_code == 400
    assert media_type(response) == accept
    assert error_of(response) == code


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
def test_a_json_post_without_a_body_is_400(client, accept):
    response = client.generic("POST", "/graphql/", "", headers={"Accept": accept}, CONTENT_TYPE="application/json")
    assert response.status_code == 400
    assert error_of(response) == "parse_error"


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
@pytest.mark.parametrize("key", ["variables", "operationName", "extensions"])
def test_null_parameters_are_the_same_as_none(client, key, accept):
    response = post(client, {"query": "{ __typename }", key: None}, accept)
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
def test_extensions_are_accepted_and_reach_the_document_lookup(client, monkeypatch, accept):
    seen = []
    load_document = CatalogGraphQLView.load_document

    def spy(self, request, params):
        seen.append(params.extensions)
        return load_document(self, request, params)

    monkeypatch.setattr(CatalogGraphQLView, "load_document", spy)
    response = post(client, {"query": "{ __typename }", "extensions": {"some": "value"}}, accept)
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}
    assert seen == [{"some": "value"}]


def test_unknown_request_keys_are_ignored(client, book):
    response = post(client, {"query": BOOKS, "somethingElse": [1, 2]})
    assert response.status_code == 200
    assert response.json()["data"] == {"books": {"edges": [{"node": {"title": book.title}}]}}


def test_a_lone_surrogate_in_the_document_is_a_parse_error_not_a_crash(client):
    response = post(client, '{"query": "# \\ud800\\n{ __typename }"}', GRAPHQL_RESPONSE)
    assert response.status_code == 400
    assert error_of(response) == "parse_error"


def test_a_body_above_the_upload_cap_is_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(client, {"query": BOOKS, "pad": "x" * 2000})
    assert response.status_code == 413
    assert error_of(response) == "request_too_large"


def test_get_without_a_query_from_a_script_is_400(client):
    response = client.get("/graphql/")
    assert response.status_code == 400
    assert error_of(response) == "required"


@pytest.mark.parametrize(("accept", "status"), [(GRAPHQL_RESPONSE, 400), (JSON, 200)])
def test_get_with_an_empty_query_is_a_parse_error(client, accept, status):
    response = client.get("/graphql/", {"query": ""}, headers={"Accept": accept})
    assert response.status_code == status
    assert error_of(response) == "parse_error"


# ---- GraphiQL --------------------------------------------------------------------


def test_graphiql_page_is_served_to_browsers_from_local_files(client):
    response = client.get("/graphql/", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert varies_on_accept(response)
    html = response.content.decode()
    assert 'id="editor"' in html
    assert 'data-header-editor-enabled="true"' in html
    assert "csrfmiddlewaretoken" in html
    assert "csrftoken" in response.cookies
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("graphiql/graphiql.min.js") for s in sources)
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]


@pytest.mark.parametrize("accept", ["text/html", BROWSER_ACCEPT])
def test_graphiql_page_with_a_query_in_the_url_still_renders(client, accept):
    response = client.get("/graphql/", {"query": BOOKS}, headers={"Accept": accept})
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("accept", ["*/*", "application/json, text/html", RECOMMENDED_ACCEPT + ", text/html;q=0.9"])
def test_clients_that_do_not_prefer_html_get_json_over_get(client, book, accept):
    response = client.get("/graphql/", {"query": BOOKS}, headers={"Accept": accept})
    assert media_type(response) in (JSON, GRAPHQL_RESPONSE)
    assert response.json()["data"]["books"]["edges"]


def test_raw_asks_for_json_even_from_a_browser(client, book):
    response = client.get("/graphql/", {"query": BOOKS, "raw": ""}, headers={"Accept": BROWSER_ACCEPT})
    assert media_type(response) == JSON
    assert response.json()["data"]["books"]["edges"][0]["node"]["title"] == "The Dispossessed"


def test_raw_from_a_client_that_takes_only_html_is_406(client, book):
    response = client.get("/graphql/", {"query": BOOKS, "raw": ""}, headers={"Accept": "text/html"})
    assert response.status_code == 406
    assert response.json()["errors"][0]["extensions"] == {"code": "not_acceptable"}


@override_settings(GRAPHQL_GRAPHIQL=False)
def test_graphiql_can_be_switched_off(client, book):
    response = client.get("/graphql/", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 404
    assert error_of(response) == "not_found"
    # Queries over GET still answer JSON.
    response = client.get("/graphql/", {"query": BOOKS}, headers={"Accept": BROWSER_ACCEPT})
    assert response.json()["data"]["books"]["edges"][0]["node"]["title"] == "The Dispossessed"
