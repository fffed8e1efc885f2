"""One catalogue of error codes: the GraphQL enum and the OpenAPI enum are catalog.errors, value for value."""

import re
from pathlib import Path

import pytest
import yaml
from django.test import Client
from graphql import GraphQLError

from api_graphql.schema import schema
from catalog.errors import ErrorCode
from tests.factories import BookFactory

OPENAPI = Path(__file__).resolve().parents[2] / "api_rest" / "openapi.yaml"
CATALOGUE = [code.value for code in ErrorCode]


@pytest.fixture(scope="module")
def graphql_enum():
    return schema.graphql_schema.type_map["ErrorCode"]


@pytest.fixture(scope="module")
def openapi_enum():
    return yaml.safe_load(OPENAPI.read_text())["components"]["schemas"]["ErrorCode"]


def test_the_graphql_enum_openapi_enum_and_catalogue_hold_the_same_codes(graphql_enum, openapi_enum):
    assert list(graphql_enum.values) == CATALOGUE
    assert openapi_enum["enum"] == CATALOGUE
    assert openapi_enum["type"] == "string"


def test_both_contracts_describe_each_code_as_the_catalogue_does(graphql_enum, openapi_enum):
    assert {name: value.description for name, value in graphql_enum.values.items()} == {
        code.value: code.description for code in ErrorCode
    }
    for code in ErrorCode:
        assert f"* `{code.value}` - {code.description}" in openapi_enum["description"]


def test_each_graphql_enum_value_is_sent_as_the_string_rest_sends(graphql_enum):
    # The payload's code is the catalogue's string, as REST's JSON has it, and nothing else is accepted.
    assert [graphql_enum.serialize(code.value) for code in ErrorCode] == CATALOGUE
    with pytest.raises(GraphQLError, match="cannot represent"):
        graphql_enum.serialize("INSUFFICIENT_STOCK")


@pytest.mark.django_db
def test_a_mutations_error_code_is_rests_string_in_the_json(alice):
    book = BookFactory(stock=1)
    rest = Client()
    rest.force_login(alice)
    rest_answer = rest.post("/api/cart/items/", {"book_id": book.id, "quantity": 2}, "application/json")
    graphql_answer = rest.post(
        "/graphql/",
        {"query": f'mutation {{ cartItemAdd(bookId: "{book.id}", quantity: 2) {{ errors {{ field code }} }} }}'},
        "application/json",
    )
    assert rest_answer.status_code == 409
    assert [e["code"] for e in rest_answer.json()["errors"]] == ["insufficient_stock"]
    payload = graphql_answer.json()["data"]["cartItemAdd"]
    assert payload["errors"] == [{"field": "quantity", "code": "insufficient_stock"}]


def test_the_readme_error_table_lists_every_code():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    table = readme.split("\n## Errors\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    listed = {code for row in rows for code in re.findall(r"`([A-Za-z_]+)`", row.split("|")[1])}
    assert listed == set(CATALOGUE)
