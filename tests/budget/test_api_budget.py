"""One budget per client across REST and GraphQL: same code, Retry-After, one counter."""

import json

import pytest
from django.test import Client, override_settings

from tests.api_graphql.conftest import token_for

pytestmark = pytest.mark.django_db

# Under it a refused document is a 400 (under application/json, the spec's 200).
GRAPHQL_RESPONSE = "application/graphql-response+json"

BOOKS = "{ books(first: 5) { edges { node { title } } } }"


def rates(anon=None, user=None, login=None, login_address=None, **graphql):
    return override_settings(
        THROTTLE_RATES={"anon": anon, "user": user, "login": login, "login_address": login_address}, **graphql
    )


def rest(client: Client, path: str = "/api/books/", **headers):
    return client.get(path, **headers)


def graphql(client: Client, query: str = BOOKS, variables=None, **headers):
    body = json.dumps({"query": query, "variables": variables or {}})
    headers.setdefault("HTTP_ACCEPT", GRAPHQL_RESPONSE)
    return client.post("/graphql/", body, content_type="application/json", **headers)


def code(response) -> str:
    return response.json()["errors"][0].get("code") or response.json()["errors"][0]["extensions"]["code"]


def assert_throttled(response):
    assert response.status_code == 429
    assert code(response) == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_rest_and_graphql_draw_on_one_budget_per_address(shelf):
    client = Client()
    with rates(anon="4/minute"):
        assert rest(client).status_code == 200
        assert graphql(client).status_code == 200
        assert rest(client, "/api/authors/").status_code == 200
        assert graphql(client).status_code == 200
        assert_throttled(rest(client))
        assert_throttled(graphql(client))


def test_graphql_reports_what_the_document_cost_and_what_is_left(shelf):
    with rates(anon="10/minute"):
        body = graphql(Client()).json()
    assert body["extensions"]["cost"] == {
        "requested": 2 + 5 * 2,  # books + edges, then node + title for each of 5 rows
        "maximum": 10_000,
        "charged": 1,
        "limit": 10,
        "remaining": 9,
    }


def test_a_refused_document_says_why_in_both_styles_the_same_way(shelf):
    client = Client()
    with rates(anon="1/minute"):
        graphql(client)
        refused_graphql = graphql(client)
        refused_rest = rest(client)
    assert_throttled(refused_graphql)
    assert_throttled(refused_rest)
    assert refused_graphql.json()["extensions"]["cost"]["remaining"] == 0
    assert "data" not in refused_graphql.json()


def test_aliases_are_charged_as_the_requests_they_stand_for(shelf):
    aliases = " ".join(f'b{i}: book(id: "{shelf["hobbit"].pk}") {{ title }}' for i in range(10))
    client = Client()
    with rates(anon="12/minute", GRAPHQL_MAX_ALIASES=20, GRAPHQL_MAX_ROOT_FIELDS=20):
        body = graphql(client, "{ " + aliases + " }").json()
        assert body["extensions"]["cost"]["charged"] == 10
        assert rest(client).status_code == 200
        assert rest(client).status_code == 200
        assert_throttled(rest(client))


def test_a_document_costing_more_than_the_budget_left_is_refused_whole(shelf):
    # 2 + 100 x (node + title + authors + 10 x name) = 1302: two requests' worth.
    page = "{ books(first: 100) { edges { node { title authors { name } } } } }"
    with rates(anon="1/minute"):
        response = graphql(Client(), page)
    assert_throttled(response)
    assert response.json()["extensions"]["cost"] == {
        "requested": 1302,
        "maximum": 10_000,
        "charged": 2,
        "limit": 1,
        "remaining": 0,
    }


def test_signed_in_users_have_their_own_budget_in_both_styles(shelf, alice, bob):
    anonymous = Client()
    with rates(anon="1/minute", user="2/minute"):
        assert rest(anonymous).status_code == 200
        assert_throttled(graphql(anonymous))
        alice_headers = {"HTTP_AUTHORIZATION": f"Token {token_for(alice)}"}
        assert rest(Client(), "/api/cart/", **alice_headers).status_code == 200
        assert graphql(Client(), "{ me { username } }", **alice_headers).status_code == 200
        assert_throttled(graphql(Client(), "{ me { username } }", **alice_headers))
        assert_throttled(rest(Client(), "/api/cart/", **alice_headers))
        bob_headers = {"HTTP_AUTHORIZATION": f"Token {token_for(bob)}"}
        assert graphql(Client(), "{ me { username } }", **bob_headers).status_code == 200


def test_a_forged_forwarded_for_buys_no_new_budget(shelf):
    client = Client()
    with rates(anon="3/minute"), override_settings(TRUSTED_PROXIES=[]):
        statuses = [rest(client, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(10)]
        refused = graphql(client, HTTP_X_FORWARDED_FOR="198.51.100.99")
        assert refused.status_code == 429
        assert [e["extensions"]["code"] for e in refused.json()["errors"]] == ["throttled"]
    assert statuses.count(200) == 3


def test_behind_a_trusted_proxy_each_client_has_its_own_budget(shelf):
    client = Client()
    with rates(anon="1/minute"), override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
        assert rest(client, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200
        assert rest(client, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200
        assert_throttled(graphql(client, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1"))


def test_the_maximum_cost_is_refused_before_execution(shelf, django_assert_num_queries):
    deep = "{ authors(first: 100) { edges { node { books(first: 100) { edges { node { title } } } } } } }"
    with rates(), django_assert_num_queries(0):
        response = graphql(Client(), deep)
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "query_too_complex"
    assert "costs 20302" in body["errors"][0]["message"]
    assert body["extensions"]["cost"] == {"requested": 20302, "maximum": 10_000}


def test_the_maximum_cost_is_a_setting(shelf):
    with rates(GRAPHQL_MAX_COST=11):
        refused = graphql(Client())
        assert refused.status_code == 400
        assert [e["extensions"]["code"] for e in refused.json()["errors"]] == ["query_too_complex"]
    with rates(GRAPHQL_MAX_COST=12):
        served = graphql(Client())
        assert served.status_code == 200
        assert len(served.json()["data"]["books"]["edges"]) == 3
