"""Automatic persisted queries (Apollo's protocol) and the allow-list mode."""

import hashlib
import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

QUERY = "{ books(first: 2) { edges { node { title } } } }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()
GRAPHQL_RESPONSE = "application/graphql-response+json"


def extensions(digest=HASH, version=1):
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


def get(client, query=None, ext=None, **headers):
    params = {"extensions": json.dumps(ext if ext is not None else extensions())}
    if query is not None:
        params["query"] = query
    headers.setdefault("HTTP_ACCEPT", "application/json")
    return client.get("/graphql/", params, **headers)


def post(client, body, **headers):
    return client.post("/graphql/", json.dumps(body), content_type="application/json", **headers)


def code(response):
    return response.json()["errors"][0]["extensions"]["code"]


def test_the_round_trip_unknown_hash_then_text_then_hash_alone(shelf, django_assert_num_queries):
    client = Client()
    missing = get(client)
    assert missing.status_code == 200  # application/json: a request error is 200, as the spec says
    assert code(missing) == "PERSISTED_QUERY_NOT_FOUND"
    assert missing.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert "data" not in missing.json()
    assert missing["Cache-Control"] == "private, no-store"

    registered = post(client, {"query": QUERY, "extensions": extensions()})
    assert registered.status_code == 200
    data = registered.json()["data"]

    by_hash = get(Client())
    assert by_hash.status_code == 200
    assert by_hash.json()["data"] == data
    assert by_hash["Cache-Control"] == "public, max-age=5, must-revalidate"
    with django_assert_num_queries(1):
        assert get(Client(), HTTP_IF_NONE_MATCH=by_hash["ETag"]).status_code == 304


def test_a_registration_answered_from_the_read_cache_still_registers(shelf):
    """Apollo's retry (text and hash) of a document another client already read is a cache hit; it must register."""
    post(Client(), {"query": QUERY})
    registered = post(Client(), {"query": QUERY, "extensions": extensions()})
    assert registered["X-Cache"] == "hit"
    by_hash = get(Client())
    assert by_hash.status_code == 200 and by_hash.json()["data"] == registered.json()["data"]


def test_the_hash_alone_is_the_same_read_as_the_text_for_http_caches(shelf):
    client = Client()
    post(client, {"query": QUERY, "extensions": extensions()})
    full = client.get("/graphql/", {"query": QUERY}, HTTP_ACCEPT="application/json")
    hashed = get(client)
    assert full["ETag"] == hashed["ETag"]


def test_under_graphql_response_json_an_unknown_hash_is_400(db):
    response = get(Client(), HTTP_ACCEPT=GRAPHQL_RESPONSE)
    assert response.status_code == 400
    assert code(response) == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    ("ext", "expected"),
    [
        ({"persistedQuery": {"version": 2, "sha256Hash": HASH}}, "PERSISTED_QUERY_NOT_SUPPORTED"),
        ({"persistedQuery": "abc"}, "PERSISTED_QUERY_NOT_SUPPORTED"),
        ({"persistedQuery": {"version": 1, "sha256Hash": "XYZ"}}, "invalid"),
        ({"persistedQuery": {"version": 1, "sha256Hash": HASH.upper()}}, "invalid"),
        ({"persistedQuery": {"version": 1}}, "invalid"),
    ],
)
def test_malformed_persisted_query_extensions_get_a_code(db, ext, expected):
    response = get(Client(), ext=ext)
    assert code(response) == expected
    assert "data" not in response.json()


def test_a_hash_that_does_not_match_the_text_is_refused_and_not_stored(shelf):
    client = Client()
    other = hashlib.sha256(b"something else").hexdigest()
    refused = post(client, {"query": QUERY, "extensions": extensions(other)})
    assert code(refused) == "invalid"
    assert code(get(client, ext=extensions(other))) == "PERSISTED_QUERY_NOT_FOUND"


def test_an_invalid_document_is_not_registered(db):
    bad = "{ nosuchfield }"
    digest = hashlib.sha256(bad.encode()).hexdigest()
    client = Client()
    assert post(client, {"query": bad, "extensions": extensions(digest)}).json()["errors"]
    assert code(get(client, ext=extensions(digest))) == "PERSISTED_QUERY_NOT_FOUND"


def test_a_mutation_by_hash_still_needs_post(staff):
    mutation = 'mutation { authorCreate(name: "X") { errors { code } } }'
    digest = hashlib.sha256(mutation.encode()).hexdigest()
    post(Client(), {"query": mutation, "extensions": extensions(digest)})
    response = get(Client(), ext=extensions(digest))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "method_not_allowed"


@pytest.fixture
def allow_list(tmp_path, settings):
    manifest = tmp_path / "persisted.json"
    manifest.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [{"id": HASH, "name": "Books", "type": "query", "body": QUERY}],
            }
        )
    )
    settings.GRAPHQL_PERSISTED_MANIFEST = str(manifest)
    settings.GRAPHQL_PERSISTED_ONLY = True
    return manifest


def test_allow_list_mode_runs_only_the_manifests_documents(shelf, allow_list):
    client = Client()
    assert get(client).json()["data"]["books"]["edges"]
    assert client.get("/graphql/", {"query": QUERY}, HTTP_ACCEPT="application/json").json()["data"]
    other = "{ authors { totalCount } }"
    refused = post(client, {"query": other})
    assert code(refused) == "PERSISTED_QUERY_NOT_IN_LIST"
    digest = hashlib.sha256(other.encode()).hexdigest()
    assert code(post(client, {"query": other, "extensions": extensions(digest)})) == "PERSISTED_QUERY_NOT_IN_LIST"
    assert code(get(client, ext=extensions(digest))) == "PERSISTED_QUERY_NOT_IN_LIST"


def test_the_manifest_command_writes_what_allow_list_mode_reads(tmp_path, shelf, settings):
    from django.core.management import call_command

    documents = tmp_path / "docs"
    documents.mkdir()
    (documents / "books.graphql").write_text(QUERY)
    out = tmp_path / "manifest.json"
    call_command("graphql_manifest", str(documents), "--out", str(out))
    manifest = json.loads(out.read_text())
    assert manifest["format"] == "apollo-persisted-query-manifest"
    assert [op["id"] for op in manifest["operations"]] == [HASH]
    settings.GRAPHQL_PERSISTED_MANIFEST = str(out)
    settings.GRAPHQL_PERSISTED_ONLY = True
    assert get(Client()).json()["data"]["books"]["edges"]


def test_the_committed_manifest_holds_the_workshops_documents_scenarios_and_screens(tmp_path):
    from django.conf import settings
    from django.core.management import call_command

    out = tmp_path / "manifest.json"
    call_command("graphql_manifest", "workshop/scenarios.yaml", "workshop/screens.yaml", "--out", str(out))
    committed = settings.BASE_DIR / "api_graphql" / "persisted-queries.json"
    assert json.loads(committed.read_text()) == json.loads(out.read_text()), "run `make schema`"


def test_the_manifest_leaves_out_the_documents_a_lesson_shows_refused(tmp_path):
    from django.core.management import call_command

    from workshop.registry import load_scenarios

    out = tmp_path / "manifest.json"
    call_command("graphql_manifest", "workshop/scenarios.yaml", "--out", str(out))
    bodies = {operation["body"] for operation in json.loads(out.read_text())["operations"]}
    steps = [step for scenario in load_scenarios().values() for step in scenario.graphql]
    refused = {step.query for step in steps if step.refused}
    assert len(refused) == 2  # the document that does not parse, and the one that does not validate
    assert bodies.isdisjoint(refused)
    assert {step.query for step in steps if not step.refused} <= bodies
