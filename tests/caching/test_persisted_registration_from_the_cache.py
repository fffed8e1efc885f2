"""Registering a persisted query works even when its answer is already in the shared cache."""

import hashlib
import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

QUERY = "{ books(first: 2) { totalCount edges { node { title } } } }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()
EXTENSIONS = {"persistedQuery": {"version": 1, "sha256Hash": HASH}}


def by_hash(client, **headers):
    return client.get("/graphql/", {"extensions": json.dumps(EXTENSIONS)}, HTTP_ACCEPT="application/json", **headers)


def post(client, body):
    return client.post("/graphql/", json.dumps(body), content_type="application/json", HTTP_ACCEPT="application/json")


@pytest.mark.parametrize("first_reader", ["post", "get"])
def test_the_round_trip_succeeds_when_another_client_read_the_same_query_first(shelf, first_reader):
    if first_reader == "post":
        stored = post(Client(), {"query": QUERY})
    else:
        stored = Client().get("/graphql/", {"query": QUERY}, HTTP_ACCEPT="application/json")
    assert stored["X-Cache"] == "miss"

    client = Client()
    assert by_hash(client).json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    registered = post(client, {"query": QUERY, "extensions": EXTENSIONS})
    assert registered["X-Cache"] == "hit"  # answered from the cache, and still registered
    assert registered.json()["data"] == stored.json()["data"]

    again = by_hash(Client())
    assert again.status_code == 200
    assert again.json()["data"] == stored.json()["data"]
    assert again["X-Cache"] == "hit"


def test_a_revalidated_registration_registers_too(shelf):
    tag = Client().get("/graphql/", {"query": QUERY}, HTTP_ACCEPT="application/json")["ETag"]
    client = Client()
    params = {"query": QUERY, "extensions": json.dumps(EXTENSIONS)}
    revalidated = client.get("/graphql/", params, HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH=tag)
    assert revalidated.status_code == 304
    assert by_hash(Client()).json()["data"]["books"]["totalCount"] >= 1


def test_a_refused_registration_from_the_cache_registers_nothing(shelf):
    post(Client(), {"query": QUERY})
    wrong = hashlib.sha256(b"another document").hexdigest()
    refused = post(Client(), {"query": QUERY, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": wrong}}})
    assert refused.json()["errors"][0]["extensions"]["code"] == "invalid"
    missing = Client().get(
        "/graphql/",
        {"extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": wrong}})},
        HTTP_ACCEPT="application/json",
    )
    assert missing.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
