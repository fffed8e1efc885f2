"""Reads give the same normalised data through REST and GraphQL."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"search": "omens"},
        {"search": "gaiman"},
        {"search": "978-0-552-13106-3"},
        {"isbn": "0-552-13106-7"},
        {"min_price": "9", "max_price": "12"},
        {"in_stock": "true"},
        {"in_stock": "false"},
        {"published_after": "1980-01-01", "published_before": "1995-12-31"},
        {"ordering": "-price"},
        {"ordering": "published_date"},
        {"ordering": "-title"},
        {"page_size": 2},
        {"page_size": 500},
    ],
    ids=repr,
)
def test_book_list_is_the_same_on_both_apis(both, shelf, filters):
    rest, graphql = (api.book_list(**filters) for api in both)
    assert rest.errors == graphql.errors == []
    assert rest.data == graphql.data
    assert rest.data  # the filters match something


def test_book_list_by_author_is_the_same_on_both_apis(both, shelf):
    pratchett = shelf["authors"]["pratchett"].id
    rest, graphql = (api.book_list(author=pratchett) for api in both)
    assert [b["title"] for b in rest.data] == ["Good Omens", "Mort"]
    assert rest.data == graphql.data


@pytest.mark.parametrize(
    ("filters", "errors"),
    [
        ({"min_price": "cheap"}, [("min_price", "invalid")]),
        ({"published_after": "2020-13-45"}, [("published_after", "invalid")]),
        ({"search": "x" * 201}, [("search", "max_length")]),
        ({"isbn": "978-0-552-13106-4"}, [("isbn", "invalid_isbn")]),
    ],
)
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
