"""The static cost of a document: the formula of api_graphql/cost.py, case by case."""

import pytest
from graphql import parse
from graphql.language import FragmentDefinitionNode, OperationDefinitionNode

from api_graphql.cost import Cost, document_cost
from api_graphql.schema import schema


def cost(query: str, variables=None, operation: str | None = None) -> Cost:
    document = parse(query)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = next(o for o in operations if operation is None or o.name.value == operation)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return document_cost(schema.graphql_schema, chosen, fragments, variables)


@pytest.mark.parametrize(
    ("query", "requested"),
    [
        ("{ me { id } }", 2),
        ("{ __typename me { __typename id } }", 2),
        # The default page is 20 rows: books + edges + 20 x (node + title).
        ("{ books { edges { node { title } } } }", 2 + 20 * 2),
        ("{ books(first: 5) { totalCount edges { node { title } } } }", 3 + 5 * 2),
        ("{ books(last: 3) { edges { cursor } } }", 2 + 3),
        # Beyond the page cap counts as the cap; nonsense sizes as the default.
        ("{ books(first: 1000) { edges { cursor } } }", 2 + 100),
        ("{ books(first: 0) { edges { cursor } } }", 2 + 20),
        # A plain list counts ten items.
        ("{ books(first: 2) { edges { node { authors { name } } } } }", 2 + 2 * (1 + 1 + 10)),
        ("{ cart { items { quantity } } }", 2 + 10),
        # Nested connections multiply.
        (
            "{ authors(first: 3) { edges { node { books(first: 4) { edges { node { title } } } } } } }",
            2 + 3 * (1 + 1 + 1 + 4 * 2),
        ),
        # Aliases are fields of their own.
        ('{ a: book(id: "1") { title } b: book(id: "1") { title } }', 4),
        # Mutations count like queries (their `errors` is a list too).
        ('mutation { tokenCreate(username: "a", password: "b") { token errors { code } } }', 3 + 10),
    ],
)
def test_cost_formula(query, requested):
    assert cost(query).requested == requested


def test_page_sizes_given_as_variables_count():
    query = "query($n: Int) { books(first: $n) { edges { cursor } } }"
    assert cost(query, {"n": 7}).requested == 2 + 7
    assert cost(query, {}).requested == 2 + 20
    assert cost(query, {"n": "7"}).requested == 2 + 20


def test_fragments_count_each_time_they_are_spread_and_take_their_multiplier():
    query = """
      { books(first: 3) { edges { node { ...B } } } again: books(first: 2) { edges { node { ...B } } } }
      fragment B on Book { title authors { name } }
    """
    per_book = 1 + 1 + 1 + 10  # node, title, authors, 10 x name
    assert cost(query).requested == (2 + 3 * per_book) + (2 + 2 * per_book)


def test_inline_fragments_on_node_count_their_fields():
    query = '{ node(id: "Qm9vazox") { id ... on Book { title authors { name } } } }'
    assert cost(query).requested == 1 + 1 + 1 + 1 + 10


def test_introspection_counts_each_field_once_without_multipliers():
    assert cost("{ __schema { types { name fields { name } } } }").requested == 5
    assert cost('{ __type(name: "Book") { name } }').requested == 2


def test_the_budget_charge_is_a_request_per_root_field_or_per_thousand_of_cost():
    assert Cost(requested=2, root_fields=1).requests(1000) == 1
    assert Cost(requested=20, root_fields=10).requests(1000) == 10
    assert Cost(requested=2500, root_fields=1).requests(1000) == 3
    assert Cost(requested=0, root_fields=0).requests(1000) == 1
