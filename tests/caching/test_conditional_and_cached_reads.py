"""Catalog reads in both styles: ETags and 304s, the shared answer cache, exact invalidation."""

import json

import pytest
from django.test import Client, override_settings

from tests.api_graphql.conftest import token_for

pytestmark = pytest.mark.django_db

BOOKS = "{ books(first: 5) { totalCount edges { node { title stock } } } }"


def rest_get(client, path="/api/books/", **headers):
    return client.get(path, **headers)


def gql_post(client, query=BOOKS, **headers):
    return client.post("/graphql/", json.dumps({"query": query}), content_type="application/json", **headers)


def gql_get(client, query=BOOKS, **headers):
    return client.get("/graphql/", {"query": query}, HTTP_ACCEPT="application/json", **headers)


def titles_rest(response):
    return [book["title"] for book in response.json()["results"]]


def test_an_anonymous_rest_read_is_tagged_public_and_then_served_from_the_cache(shelf, django_assert_num_queries):
    client = Client()
    first = rest_get(client)
    assert first.status_code == 200
    assert first["X-Cache"] == "miss"
    assert first["ETag"].startswith('W/"c')
    assert first["Cache-Control"] == "public, max-age=5, must-revalidate"
    assert {"accept", "authorization", "cookie"} <= {v.strip().lower() for v in first["Vary"].split(",")}
    with django_assert_num_queries(1):  # the catalog version, nothing else
        second = rest_get(client)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]


def test_if_none_match_answers_304_without_running_the_query(shelf, django_assert_num_queries):
    client = Client()
    tag = rest_get(client, "/api/books/?search=hobbit")["ETag"]
    with django_assert_num_queries(1):
        response = rest_get(client, "/api/books/?search=hobbit", HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == tag
    assert response["Cache-Control"].startswith("public")
    # Another list has another tag.
    assert rest_get(client, "/api/books/?search=omens", HTTP_IF_NONE_MATCH=tag).status_code == 200
    # A list of tags, weak or strong, is understood.
    strong = tag.removeprefix("W/")
    assert rest_get(client, "/api/books/?search=hobbit", HTTP_IF_NONE_MATCH=f'"x", {strong}').status_code == 304


def test_a_write_in_either_style_is_seen_by_the_very_next_read_in_both(shelf, staff):
    client = Client()
    rest_tag = rest_get(client, f"/api/books/{shelf['hobbit'].pk}/")["ETag"]
    gql_before = gql_post(client).json()["data"]
    staff_headers = {"HTTP_AUTHORIZATION": f"Token {token_for(staff)}"}
    changed = client.patch(
        f"/api/books/{shelf['hobbit'].pk}/", {"title": "There and Back Again"}, "application/json", **staff_headers
    )
    assert changed.status_code == 200
    after = rest_get(client, f"/api/books/{shelf['hobbit'].pk}/", HTTP_IF_NONE_MATCH=rest_tag)
    assert after.status_code == 200
    assert after.json()["title"] == "There and Back Again"
    gql_after = gql_post(client).json()["data"]
    assert gql_after != gql_before
    assert "There and Back Again" in [edge["node"]["title"] for edge in gql_after["books"]["edges"]]
    # A GraphQL write, then a REST read.
    mutation = f'mutation {{ bookUpdate(id: "{shelf["omens"].pk}", stock: 42) {{ errors {{ code }} }} }}'
    assert gql_post(Client(), mutation, **staff_headers).json()["data"]["bookUpdate"]["errors"] == []
    assert rest_get(client, f"/api/books/{shelf['omens'].pk}/").json()["stock"] == 42


def test_a_checkout_makes_the_stock_read_fresh(shelf, alice):
    client = Client()
    book = shelf["hobbit"]
    before = rest_get(client, f"/api/books/{book.pk}/").json()["stock"]
    alice_headers = {"HTTP_AUTHORIZATION": f"Token {token_for(alice)}"}
    client.post("/api/cart/items/", {"book_id": book.pk, "quantity": 1}, "application/json", **alice_headers)
    assert client.post("/api/cart/checkout/", **alice_headers).status_code == 201
    assert rest_get(client, f"/api/books/{book.pk}/").json()["stock"] == before - 1


def test_signed_in_reads_get_tags_but_no_shared_cache(shelf, alice, django_assert_max_num_queries):
    headers = {"HTTP_AUTHORIZATION": f"Token {token_for(alice)}"}
    first = rest_get(Client(), **headers)
    assert first["Cache-Control"] == "private, no-cache"
    assert "X-Cache" not in first
    revalidated = rest_get(Client(), HTTP_IF_NONE_MATCH=first["ETag"], **headers)
    assert revalidated.status_code == 304
    # A wrong token is still refused, tag or not.
    refused = rest_get(Client(), HTTP_IF_NONE_MATCH=first["ETag"], HTTP_AUTHORIZATION="Token nope")
    assert refused.status_code == 401


def test_carts_orders_and_me_are_never_stored(alice):
    headers = {"HTTP_AUTHORIZATION": f"Token {token_for(alice)}"}
    for path in ("/api/cart/", "/api/orders/"):
        response = rest_get(Client(), path, **headers)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert "ETag" not in response
    me = gql_post(Client(), "{ me { username } }", **headers)
    assert me["Cache-Control"] == "private, no-store"
    assert "ETag" not in me
    mixed = gql_post(Client(), "{ me { username } books(first: 1) { totalCount } }")
    assert mixed["Cache-Control"] == "private, no-store"


def test_the_browsable_api_pages_are_not_shared(shelf):
    response = rest_get(Client(), HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("text/html")
    assert "X-Cache" not in response and "ETag" not in response


def test_graphql_get_is_tagged_and_revalidated_like_rest(shelf, django_assert_num_queries):
    client = Client()
    first = gql_get(client)
    assert first.status_code == 200 and first["X-Cache"] == "miss"
    assert first["Cache-Control"] == "public, max-age=5, must-revalidate"
    with django_assert_num_queries(1):
        assert gql_get(client, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with django_assert_num_queries(1):
        hit = gql_get(client)
    assert hit["X-Cache"] == "hit"
    assert hit.json()["data"] == first.json()["data"]


def test_graphql_post_reads_are_served_from_the_cache_with_this_requests_cost_report(shelf):
    client = Client()
    with override_settings(THROTTLE_RATES={"anon": "10/minute", "user": None, "login": None, "login_address": None}):
        first = gql_post(client)
        second = gql_post(client)
    assert first["X-Cache"] == "miss" and second["X-Cache"] == "hit"
    assert "ETag" not in second  # POST answers are not for HTTP caches
    assert second.json()["data"] == first.json()["data"]
    assert first.json()["extensions"]["cost"]["remaining"] == 9
    assert second.json()["extensions"]["cost"]["remaining"] == 8


def test_cached_reads_still_spend_the_budget(shelf):
    client = Client()
    with override_settings(THROTTLE_RATES={"anon": "2/minute", "user": None, "login": None, "login_address": None}):
        assert rest_get(client).status_code == 200
        assert rest_get(client).status_code == 200
        refused = rest_get(client)
        refused_graphql = gql_post(client)
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["code"] == "throttled"
    assert refused_graphql.status_code == 429
    assert refused_graphql.json()["errors"][0]["extensions"]["code"] == "throttled"
    assert int(refused["Retry-After"]) >= 1


def test_no_cache_in_the_request_gets_a_fresh_answer(shelf):
    client = Client()
    rest_get(client)
    assert rest_get(client, HTTP_CACHE_CONTROL="no-cache")["X-Cache"] == "miss"


def test_with_the_read_cache_off_every_read_runs(shelf, settings):
    settings.READ_CACHE = False
    client = Client()
    rest_get(client)
    response = rest_get(client)
    assert "X-Cache" not in response and "ETag" not in response


def test_a_database_outage_on_the_version_read_is_the_views_503(shelf, monkeypatch):
    from django.db import OperationalError

    import config.read_cache

    def down():
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(config.read_cache, "catalog_version", down)
    monkeypatch.setattr("catalog.selectors.book_list", lambda **kwargs: down())
    response = rest_get(Client(raise_request_exception=False))
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "service_unavailable"


@pytest.mark.parametrize(
    "extra",
    [{"operationName": 0}, {"operationName": False}, {"extensions": 0}, {"extensions": []}, {"variables": "{}"}],
)
def test_a_stored_answer_never_answers_a_request_the_view_would_refuse(shelf, extra):
    client = Client()
    assert gql_post(client, "{ __typename }")["X-Cache"] == "miss"
    body = json.dumps({"query": "{ __typename }", **extra})
    refused = client.post("/graphql/", body, content_type="application/json")
    assert refused.status_code == 400
    assert "X-Cache" not in refused


def test_a_stored_answer_never_answers_an_accept_the_view_cannot_meet(shelf):
    client = Client()
    gql_get(client)
    refused = client.get("/graphql/", {"query": BOOKS}, HTTP_ACCEPT="image/png")
    assert refused.status_code == 406
    assert refused.json()["errors"][0]["extensions"] == {"code": "not_acceptable"}
