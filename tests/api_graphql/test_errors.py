"""Error output: codes everywhere, nothing internal leaks, a database outage is a 503."""

import json

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client, override_settings

from tests.config.test_database_outage import GRAPHQL_JSON, GRAPHQL_RESPONSE_JSON, assert_json_503
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

LEAKY = 'SELECT "secret" FROM "catalog_book" -- host db.internal:5432\nTraceback (most recent call last)'
BOOKS = "{ books { edges { node { title } } } }"


def fail_with(exc):
    def fail(*args, **kwargs):
        raise exc

    return fail


def test_syntax_errors_have_a_code_and_a_location(gql):
    answer = gql("{ books { ")
    assert answer.status == 400
    assert answer.codes == [(None, "parse_error")]
    assert answer.errors[0]["locations"] == [{"line": 1, "column": 11}]


def test_validation_errors_have_the_invalid_code(gql):
    answer = gql("{ books { edges { node { nope } } } }")
    assert answer.status == 400
    assert answer.codes == [(None, "invalid")]
    assert "data" not in answer.body


@pytest.mark.parametrize("exc", [RuntimeError(LEAKY), KeyError(LEAKY), ZeroDivisionError()])
def test_unexpected_errors_say_nothing_internal_when_debug_is_off(gql, monkeypatch, book, exc, caplog):
    monkeypatch.setattr("api_graphql.queries.book_list", fail_with(exc))
    answer = gql(BOOKS)
    assert answer.status == 200
    assert answer.data == {"books": None}
    assert answer.errors == [
        {
            "message": "Internal server error.",
            "locations": [{"line": 1, "column": 3}],
            "path": ["books"],
            "extensions": {"code": "server_error"},
        }
    ]
    assert "secret" not in answer.response.content.decode()
    assert "Unexpected error" in caplog.text  # but the log has it


def test_an_error_in_a_nested_field_nulls_up_to_the_nearest_nullable_field(gql, monkeypatch, book):
    monkeypatch.setattr("api_graphql.dataloaders.AuthorsByBook.batch_load", fail_with(RuntimeError(LEAKY)))
    answer = gql("{ books { edges { node { title authors { name } } } } me { username } }")
    # Book.authors, the edge's node and the edges list are non-null: `books` (nullable) becomes null.
    assert answer.data == {"books": None, "me": None}
    assert answer.codes == [(None, "server_error")]
    assert answer.errors[0]["path"] == ["books", "edges", 0, "node", "authors"]
    assert "secret" not in answer.response.content.decode()


@override_settings(DEBUG=True)
def test_debug_shows_the_exception_to_developers(gql, monkeypatch, book):
    monkeypatch.setattr("api_graphql.queries.book_list", fail_with(RuntimeError("boom")))
    assert gql(BOOKS).errors[0]["message"] == "RuntimeError: boom"


def test_unexpected_errors_in_mutations_are_masked_too(gql, monkeypatch, staff):
    monkeypatch.setattr("api_graphql.mutations.author_create", fail_with(RuntimeError(LEAKY)))
    answer = gql('mutation { authorCreate(name: "X") { errors { code } } }', user=staff)
    assert answer.codes == [(None, "server_error")]
    assert answer.data == {"authorCreate": None}


def assert_unavailable(response, content_type=GRAPHQL_JSON):
    assert_json_503(response, content_type)  # the one 503 of every surface
    assert "db.internal" not in response.content.decode()


@pytest.mark.parametrize("exc", [OperationalError(LEAKY), InterfaceError(LEAKY)])
def test_a_database_outage_during_a_query_is_a_503(monkeypatch, book, exc):
    monkeypatch.setattr("api_graphql.queries.book_list", fail_with(exc))
    response = Client().post("/graphql/", json.dumps({"query": BOOKS}), content_type="application/json")
    assert_unavailable(response)


def test_a_database_outage_in_a_nested_loader_is_a_503(monkeypatch, book):
    monkeypatch.setattr("api_graphql.dataloaders.AuthorsByBook.batch_load", fail_with(OperationalError(LEAKY)))
    query = json.dumps({"query": "{ books { edges { node { authors { name } } } } }"})
    assert_unavailable(Client().post("/graphql/", query, content_type="application/json"))


def test_a_database_outage_during_a_mutation_is_a_503(gql, monkeypatch, staff):
    token = gql.token(staff)
    monkeypatch.setattr("api_graphql.mutations.author_create", fail_with(OperationalError(LEAKY)))
    body = json.dumps({"query": 'mutation { authorCreate(name: "X") { errors { code } } }'})
    response = Client().post(
        "/graphql/", body, content_type="application/json", headers={"Authorization": f"Token {token}"}
    )
    assert_unavailable(response)


def test_a_database_outage_during_authentication_is_a_503(monkeypatch):
    monkeypatch.setattr(
        "rest_framework.authentication.TokenAuthentication.authenticate_credentials",
        fail_with(OperationalError(LEAKY)),
    )
    response = Client().post(
        "/graphql/",
        json.dumps({"query": BOOKS}),
        content_type="application/json",
        headers={"Authorization": "Token abc"},
    )
    assert_unavailable(response)


def test_a_database_outage_over_get_is_a_503(monkeypatch):
    monkeypatch.setattr("api_graphql.queries.book_list", fail_with(OperationalError(LEAKY)))
    assert_unavailable(Client().get("/graphql/", {"query": BOOKS}))


def test_a_database_outage_is_a_503_of_the_negotiated_media_type(monkeypatch, book):
    monkeypatch.setattr("api_graphql.queries.book_list", fail_with(OperationalError(LEAKY)))
    response = Client().post(
        "/graphql/",
        json.dumps({"query": BOOKS}),
        content_type="application/json",
        headers={"Accept": "application/graphql-response+json, application/json;q=0.9"},
    )
    assert_unavailable(response, GRAPHQL_RESPONSE_JSON)


def test_an_unexpected_error_outside_execution_is_a_json_500(monkeypatch):
    monkeypatch.setattr("api_graphql.views.parse_and_validate", fail_with(RuntimeError(LEAKY)))
    response = Client().post("/graphql/", json.dumps({"query": BOOKS}), content_type="application/json")
    assert response.status_code == 500
    assert response.json() == {
        "errors": [{"message": "Internal server error.", "extensions": {"code": "server_error"}}]
    }


def test_several_field_errors_of_one_argument_list_come_back_one_by_one(gql):
    BookFactory()
    answer = gql('{ books(minPrice: "x", publishedAfter: "y") { totalCount } }')
    assert sorted(answer.codes) == [("minPrice", "invalid"), ("publishedAfter", "invalid")]
    assert all(e["path"] == ["books"] for e in answer.errors)


def test_an_attribute_that_fails_is_located_on_its_field(gql, monkeypatch, alice, book):
    from catalog.models import Cart

    monkeypatch.setattr(Cart, "total", property(fail_with(RuntimeError(LEAKY))))
    answer = gql("{ cart { copyCount total } }", user=alice)
    assert answer.data == {"cart": None}  # total is non-null
    assert answer.codes == [(None, "server_error")]
    assert answer.errors[0]["path"] == ["cart", "total"]
