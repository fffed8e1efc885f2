"""The N+1 switch is real: with optimisation off the query count grows with the page size."""

import json

import pytest

from tests.factories import AuthorFactory, BookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(db, workshop_mode):
    author = AuthorFactory()
    for _ in range(30):
        BookFactory(authors=[author])


def rest_queries(client, size: int, optimization: str) -> int:
    response = client.get(f"/api/books/?page_size={size}", headers={"X-Query-Optimization": optimization})
    assert response.status_code == 200
    return int(response["X-DB-Queries"])


def graphql_queries(client, size: int, optimization: str) -> int:
    query = f"{{ books(first: {size}) {{ edges {{ node {{ title authors {{ name }} }} }} }} }}"
    response = client.post(
        "/graphql/",
        json.dumps({"query": query}),
        content_type="application/json",
        headers={"X-Query-Optimization": optimization},
    )
    body = response.json()
    assert "errors" not in body
    assert body["extensions"]["metrics"]["dbQueries"] == int(response["X-DB-Queries"])
    return body["extensions"]["metrics"]["dbQueries"]


@pytest.mark.parametrize("measure", [rest_queries, graphql_queries], ids=["rest", "graphql"])
def test_optimised_lists_cost_the_same_at_any_page_size(client, library, measure):
    assert measure(client, 5, "on") == measure(client, 25, "on")


@pytest.mark.parametrize("measure", [rest_queries, graphql_queries], ids=["rest", "graphql"])
def test_without_optimisation_each_row_loads_its_authors(client, library, measure):
    small, large = measure(client, 5, "off"), measure(client, 25, "off")
    assert large - small == 20  # one query per extra book
    assert small > measure(client, 5, "on")
