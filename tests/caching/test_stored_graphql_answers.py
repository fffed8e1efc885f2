"""A stored GraphQL answer is the answer without its cost report: the same data and errors on every hit."""

import json

import pytest
from django.test import Client

from config.read_cache import _without_extensions

pytestmark = pytest.mark.django_db


def post(query):
    return Client().post("/graphql/", json.dumps({"query": query}), content_type="application/json")


@pytest.mark.parametrize(
    "query",
    [
        # An alias named like the top-level member, nested in the data, in the last place.
        "{ books(first: 2) { edges { node { title extensions: isbn } } } }",
        "{ books(first: 2) { totalCount extensions: totalCount } }",
        # Data beside errors, each error with extensions of its own.
        '{ missing: book(id: "999999") { title } books(first: 1) { edges { node { extensions: title } } } }',
    ],
)
def test_a_hit_answers_the_data_and_errors_of_the_miss_with_a_cost_report_of_its_own(shelf, query):
    miss = post(query)
    hit = post(query)
    assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    first, second = miss.json(), hit.json()
    assert second["data"] == first["data"]
    assert second.get("errors") == first.get("errors")
    assert set(second) == set(first)
    assert second["extensions"]["cost"]["requested"] == first["extensions"]["cost"]["requested"]


def test_a_pretty_answer_is_stored_without_its_cost_report_too(shelf):
    query = "{ books(first: 2) { edges { node { title } } } }"
    client = Client()
    miss = client.get("/graphql/", {"query": query, "pretty": "1"}, HTTP_ACCEPT="application/json")
    hit = client.get("/graphql/", {"query": query}, HTTP_ACCEPT="application/json")
    assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    assert hit.json()["data"] == miss.json()["data"]
    assert list(hit.json()) == ["data", "extensions"]


@pytest.mark.parametrize(
    "payload",
    [
        {"data": {"a": 1}, "extensions": {"cost": {"requested": 1}}},
        {"data": {"a": 1}},
        {"errors": [{"message": "m", "extensions": {"code": "x"}}], "data": None},
        {"errors": [{"message": "m", "extensions": {"code": "x"}}], "data": None, "extensions": {"cost": {}}},
        {"data": {"b": {"x": 1, "extensions": {"a": 1}}}},
        {"data": {"b": [{"x": 1, "extensions": {"a": 1}}]}},
        {"data": {"b": {"x": 1, "extensions": {"a": 1}}}, "extensions": {"cost": {}}},
        {"data": {"s": ',"extensions":{}}'}},
        {"extensions": {"a": 1}, "data": {"x": 1, "extensions": {"a": 2}}},
    ],
)
@pytest.mark.parametrize("pretty", [False, True])
def test_only_the_top_level_extensions_are_taken_off(payload, pretty):
    if pretty:
        body = json.dumps(payload, sort_keys=True, indent=2, separators=(",", ": ")).encode()
    else:
        body = json.dumps(payload, separators=(",", ":")).encode()
    expected = {key: value for key, value in payload.items() if key != "extensions"}
    assert json.loads(_without_extensions(body)) == expected
