"""Hostile documents within the size cap are refused fast, before graphql-core's costly rules run."""

import json
import time

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

# Under it a refused document is a 400 (under application/json, the spec's 200).
GRAPHQL_RESPONSE = "application/graphql-response+json"

LIMIT_SECONDS = 0.05


def refuse(body: dict, attempt: int) -> tuple[float, dict]:
    client = Client()
    payload = dict(body, query=body["query"] + f"\n# attempt {attempt}")  # a new text each time: no cached validation
    # CPU time of this thread: the work of refusing, whatever else the machine is doing.
    started = time.thread_time()
    response = client.post(
        "/graphql/", json.dumps(payload), content_type="application/json", HTTP_ACCEPT=GRAPHQL_RESPONSE
    )
    elapsed = time.thread_time() - started
    assert response.status_code == 400, response.content[:300]
    return elapsed, response.json()


def fastest_refusal(body: dict) -> tuple[float, dict]:
    """The best of three runs."""
    runs = [refuse(body, attempt) for attempt in range(3)]
    return min(runs, key=lambda run: run[0])


def fragment_bomb() -> str:
    # Each fragment spreads the next twice: 2**20 fields once expanded, a few hundred bytes written.
    parts = ["{ ...F0 }"]
    for level in range(20):
        parts.append(f"fragment F{level} on Query {{ ...F{level + 1} ...F{level + 1} }}")
    parts.append("fragment F20 on Query { me { id } }")
    return " ".join(parts)


HOSTILE = {
    "duplicated fields": ("{" + "me{id} " * 1100 + "}", "tokens"),
    "duplicated fields under the token cap": ("{ me { " + "id " * 900 + "} }", "fields"),
    "directives": ("{ me { id" + " @include(if: true)" * 100 + " } }", "directives"),
    "fragment bomb": (fragment_bomb(), "fields"),
    "deep nesting": ("{ " + "me { " * 400 + "id" + " }" * 400 + " }", "deep"),
    "aliases": ("{ " + " ".join(f"a{i}: me {{ id }}" for i in range(600)) + " }", "tokens"),
    "operations": (" ".join(f"query q{i}{{me{{id}}}}" for i in range(500)), "tokens"),
    "fields under every other cap": ("{" + " ".join("me{id username}" for _ in range(90)) + "}", "fields"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_documents_are_refused_in_under_50_ms(name):
    query, reason = HOSTILE[name]
    assert len(query.encode()) <= 10 * 1024, "within the document size cap"
    elapsed, body = fastest_refusal({"query": query})
    assert body["errors"][0]["extensions"]["code"] == "query_too_complex", body
    assert reason in body["errors"][0]["message"]
    assert elapsed < LIMIT_SECONDS, f"{name}: {elapsed * 1000:.1f} ms"


@pytest.mark.parametrize("items", [9, 20_000, 80_000])
def test_an_order_by_list_longer_than_the_ordering_keys_is_refused_before_coercion(items):
    query = "query($o: [BookOrder!]) { books(orderBy: $o) { totalCount } }"
    elapsed, body = fastest_refusal({"query": query, "variables": {"o": ["TITLE_ASC"] * items}})
    error = body["errors"][0]
    # The code REST gives for too many ?ordering= keys, before the list is even coerced.
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("invalid_ordering", "orderBy")
    assert f"holds {items} items; the limit is 8" in error["message"]
    assert elapsed < LIMIT_SECONDS, f"{items} items: {elapsed * 1000:.1f} ms"


def test_any_list_variable_is_capped(staff):
    query = (
        'mutation($ids: [ID!]) { bookCreate(title: "T", isbn: "x", price: "1", authorIds: $ids) { errors { code } } }'
    )
    elapsed, body = fastest_refusal({"query": query, "variables": {"ids": list(range(101))}})
    assert "the limit is 100" in body["errors"][0]["message"]
    assert elapsed < LIMIT_SECONDS


def test_ordinary_documents_are_not_refused(shelf):
    query = "query($o: [BookOrder!]) { books(orderBy: $o, first: 3) { edges { node { title } } } }"
    response = Client().post(
        "/graphql/",
        json.dumps({"query": query, "variables": {"o": ["PRICE_DESC", "TITLE_ASC"]}}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert len(response.json()["data"]["books"]["edges"]) == 3
