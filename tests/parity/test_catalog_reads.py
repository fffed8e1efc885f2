"""Reads give the same normalised data through REST and GraphQL."""

import pytest

from tests.catalog.rules import BOOK_LIST_FILTERS, BOOK_LIST_INVALID_FILTERS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("filters", "expected"), BOOK_LIST_FILTERS)
def test_book_list_is_the_same_on_both_apis(both, shelf, filters, expected):
    rest, graphql = (api.book_list(**filters) for api in both)
    assert rest.errors == graphql.errors == []
    assert rest.data == graphql.data
    assert [book["title"] for book in rest.data] == expected


@pytest.mark.parametrize("page_size", [2, 500])
def test_book_list_pages_are_the_same_on_both_apis(both, shelf, page_size):
    rest, graphql = (api.book_list(page_size=page_size) for api in both)
    assert rest.errors == graphql.errors == []
    assert rest.data == graphql.data
    assert len(rest.data) == min(page_size, 3)


def test_book_list_by_author_is_the_same_on_both_apis(both, shelf):
    pratchett = shelf["authors"]["pratchett"].id
    rest, graphql = (api.book_list(author=pratchett) for api in both)
    assert [b["title"] for b in rest.data] == ["Good Omens", "Mort"]
    assert rest.data == graphql.data


# GraphQL's orderBy enum and Boolean refuse other orderings and in_stock values in the document itself.
CARRIED_BY_BOTH = [row for row in BOOK_LIST_INVALID_FILTERS if not {"ordering", "in_stock"} & row.values[0].keys()]


@pytest.mark.parametrize(("filters", "errors"), CARRIED_BY_BOTH)
def test_bad_book_filters_give_the_same_codes(api, shelf, filters, errors):
    assert api.book_list(**filters).errors == errors


def test_book_get_is_the_same_on_both_apis(both, shelf):
    omens = shelf["omens"]
    rest, graphql = (api.book_get(omens.id) for api in both)
    assert rest.data == graphql.data
    assert [a["name"] for a in rest.data["authors"]] == ["Terry Pratchett", "Neil Gaiman"]


@pytest.mark.parametrize("book_id", [999999, "abc"])
def test_missing_book_is_not_found_on_both_apis(api, shelf, book_id):
    outcome = api.book_get(book_id)
    assert outcome.data is None
    assert [code for _, code in outcome.errors] == ["not_found"]


@pytest.mark.parametrize("filters", [{}, {"search": "pratchett"}, {"ordering": "-name"}], ids=repr)
def test_author_list_is_the_same_on_both_apis(both, shelf, filters):
    rest, graphql = (api.author_list(**filters) for api in both)
    assert rest.errors == graphql.errors == []
    assert rest.data == graphql.data
