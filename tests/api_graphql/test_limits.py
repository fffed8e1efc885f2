"""Limits checked before execution: depth, aliases, root fields, document size, batching, introspection."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from graphql import get_introspection_query

pytestmark = pytest.mark.django_db

CYCLE = ["books", "edges", "node", "authors"]


def deep(depth: int) -> str:
    """A query exactly ``depth`` levels deep: author -> books -> edges -> node -> authors -> ... -> __typename."""
    fields = ['author(id: "1")'] + [CYCLE[i % 4] for i in range(depth - 2)]
    return "{ " + " { ".join(fields) + " { __typename" + " }" * (len(fields) + 1)


def too_complex(answer) -> str:
    assert answer.status == 400, answer.body
    assert "data" not in answer.body
    assert answer.codes[0] == (None, "query_too_complex"), answer.body
    return answer.errors[0]["message"]


@pytest.mark.parametrize("depth", [2, 5, 10])
def test_queries_up_to_the_depth_limit_run(gql, depth):
    answer = gql(deep(depth))
    assert answer.status == 200 and answer.codes == [(None, "not_found")]  # executed: author 1 does not exist


def test_a_query_one_level_too_deep_is_refused_before_execution(gql, django_assert_num_queries):
    with django_assert_num_queries(0):
        message = too_complex(gql(deep(11)))
    assert message == "The query is 11 levels deep; the limit is 10."


def test_depth_counts_through_fragments_and_inline_fragments(gql):
    query = """
      query { author(id: "1") { ...A } }
      fragment A on Author { books { edges { node { ... on Book { ...B } } } } }
      fragment B on Book { authors { books { edges { node { ...C } } } } }
      fragment C on Book { authors { books { totalCount } } }
    """
    assert "11 levels" in too_complex(gql(query))


@override_settings(GRAPHQL_MAX_DEPTH=3)
def test_the_depth_limit_is_a_setting(gql):
    assert gql(deep(3)).status == 200
    assert "the limit is 3" in too_complex(gql(deep(4)))


@pytest.mark.parametrize(
    "fragments",
    [
        "fragment A on Book { ...A }",
        "fragment A on Book { ...B } fragment B on Book { authors { books { edges { node { ...A } } } } }",
        "fragment A on Book { ...B title } fragment B on Book { ...C } fragment C on Book { ...A ...B }",
    ],
)
def test_cyclic_fragments_are_refused_without_crashing(gql, fragments):
    answer = gql("{ books { edges { node { ...A } } } } " + fragments)
    assert answer.status == 400
    assert any("Cannot spread fragment" in e["message"] for e in answer.errors)


@override_settings(GRAPHQL_MAX_DOCUMENT_BYTES=1_000_000)
def test_a_long_fragment_chain_is_measured_without_recursion(gql):
    chain = " ".join(f"fragment F{i} on Book {{ ...F{i + 1} }}" for i in range(3000))
    answer = gql("{ books { edges { node { ...F0 } } } } " + chain + " fragment F3000 on Book { title }")
    assert answer.status in (200, 400)
    assert all(e["extensions"]["code"] != "server_error" for e in answer.errors)


def test_a_fragment_bomb_is_measured_once_per_fragment(gql):
    # Each fragment spreads the previous one twice at a new level: 2**30 expansions if unrolled.
    fragments = ["fragment F0 on Book { a0: title }"]
    fragments += [
        f"fragment F{i} on Book {{ authors {{ x: books {{ edges {{ node {{ ...F{i - 1} }} }} }} "
        f"y: books {{ edges {{ node {{ ...F{i - 1} }} }} }} }} }}"
        for i in range(1, 31)
    ]
    answer = gql("{ books { edges { node { ...F30 } } } } " + " ".join(fragments))
    assert answer.status == 400
    assert {e["extensions"]["code"] for e in answer.errors} == {"query_too_complex"}


def aliased(count: int) -> str:
    return "{ books(first: 1) { edges { node { " + " ".join(f"t{i}: title" for i in range(count)) + " } } } }"


def test_aliases_up_to_the_limit_run(gql, book):
    answer = gql(aliased(15))
    assert answer.status == 200 and not answer.errors


def test_one_alias_too_many_is_refused(gql):
    assert too_complex(gql(aliased(16))) == (
        "The query uses 16 aliases (fragments counted where they are spread); the limit is 15."
    )


def test_aliases_in_fragments_count_where_they_are_spread(gql):
    query = (
        "{ a: books { edges { node { ...F } } } b: books { edges { node { ...F } } } } "
        "fragment F on Book { " + " ".join(f"t{i}: title" for i in range(7)) + " }"
    )
    assert "16 aliases" in too_complex(gql(query))


def root_fields(count: int) -> str:
    return "{ " + " ".join(f"b{i}: books(first: 1) {{ totalCount }}" for i in range(count)) + " }"


def test_root_fields_up_to_the_limit_run(gql):
    answer = gql(root_fields(10))
    assert answer.status == 200
    assert answer.errors == []
    assert answer.data == {f"b{i}": {"totalCount": 0} for i in range(10)}


def test_one_root_field_too_many_is_refused(gql):
    assert too_complex(gql(root_fields(11))) == "The query asks for 11 root fields; the limit is 10."


def test_a_document_above_the_size_cap_is_refused_before_parsing(gql, settings):
    query = "{ books { totalCount } }"
    padding = "#" + "x" * (settings.GRAPHQL_MAX_DOCUMENT_BYTES - len(query) - 2) + "\n"
    assert gql(padding + query).status == 200
    message = too_complex(gql(padding + "x" + query))
    assert message == f"The query document is {settings.GRAPHQL_MAX_DOCUMENT_BYTES + 1} bytes long; the limit is 10240."


def test_a_deeply_nested_document_is_refused_not_crashed(gql):
    answer = gql("{a" * 2500 + "}" * 2500)
    assert too_complex(answer).startswith("Syntax Error: Document is nested too deeply")


def test_batched_requests_are_refused(client):
    response = client.post("/graphql/", json.dumps([{"query": "{ me { username } }"}]), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "query_too_complex"


def test_graphiqls_introspection_query_is_allowed(gql):
    for deprecation in (False, True):
        answer = gql(get_introspection_query(descriptions=True, input_value_deprecation=deprecation))
        assert answer.status == 200 and not answer.errors
        assert answer.data["__schema"]["queryType"]["name"] == "Query"


def test_a_deep_introspection_query_is_refused(gql):
    nested = "fields { type { " * 8 + "name" + " } }" * 8
    assert "introspection query is" in too_complex(gql("{ __schema { types { " + nested + " } } }"))


@override_settings(GRAPHQL_INTROSPECTION=False)
@pytest.mark.parametrize("query", ["{ __schema { types { name } } }", '{ __type(name: "Book") { name } }'])
def test_introspection_can_be_switched_off(gql, query):
    answer = gql(query)
    assert answer.status == 400
    assert answer.codes == [(None, "permission_denied")]
    assert "Introspection is turned off" in answer.errors[0]["message"]


@override_settings(GRAPHQL_INTROSPECTION=False)
def test_typename_stays_available_without_introspection(gql):
    assert gql("{ __typename }").data == {"__typename": "Query"}


def test_field_suggestions_are_on_by_default(gql):
    assert "Did you mean 'book' or 'books'?" in gql("{ bookz }").errors[0]["message"]


@override_settings(GRAPHQL_FIELD_SUGGESTIONS=False)
@pytest.mark.parametrize(
    "query",
    [
        "{ bookz }",
        "{ books { edges { node { titel } } } }",
        "{ books(orderBy: [TITLE_AS]) { totalCount } }",
        "{ books(frist: 1) { totalCount } }",
    ],
)
def test_field_suggestions_can_be_switched_off(gql, query):
    answer = gql(query)
    assert answer.status == 400
    assert all("Did you mean" not in e["message"] for e in answer.errors)
    assert all(e["message"].endswith((".", "'")) for e in answer.errors)


def test_limits_are_read_from_the_environment():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.GRAPHQL_MAX_DEPTH, s.GRAPHQL_MAX_ALIASES, s.GRAPHQL_MAX_ROOT_FIELDS, "
        "s.GRAPHQL_MAX_DOCUMENT_BYTES, s.GRAPHQL_INTROSPECTION, s.GRAPHQL_GRAPHIQL, s.GRAPHQL_FIELD_SUGGESTIONS]))"
    )
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        GRAPHQL_MAX_DEPTH="7",
        GRAPHQL_MAX_ALIASES="3",
        GRAPHQL_MAX_ROOT_FIELDS="2",
        GRAPHQL_MAX_DOCUMENT_BYTES="2048",
        GRAPHQL_INTROSPECTION="0",
        GRAPHQL_GRAPHIQL="false",
        GRAPHQL_FIELD_SUGGESTIONS="off",
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [7, 3, 2, 2048, False, False, False]
