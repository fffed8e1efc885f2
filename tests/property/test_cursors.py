"""Forged cursors never reach the database: each value is checked against its order key's column."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from api_graphql.errors import QueryError
from api_graphql.pagination import _MAX_ROW, cursor_to_row
from catalog.errors import validation_error_items
from catalog.filters import BOOK_ORDERING_FIELDS
from catalog.models import Order
from catalog.pagination import keyset_page
from catalog.selectors import author_list, book_list, order_list
from tests.factories import AuthorFactory, BookFactory
from tests.property.clients import graphql, rest
from tests.property.strategies import BOOK_ORDERINGS, cursors

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(alice):
    BookFactory.create_batch(3)
    BookFactory(published_date=None)
    AuthorFactory.create_batch(2)
    Order.objects.create(user=alice, total=0)
    return alice


def _valid(ordering: list[str]) -> bool:
    names = [key.lstrip("-") for key in ordering]
    return all(key and not key.startswith("--") for key in ordering) and len(set(names)) == len(names)


@given(cursor=cursors(), ordering=BOOK_ORDERINGS, backwards=st.booleans())
def test_a_book_cursor_is_refused_with_invalid_or_pages_from_where_it_points(rows, cursor, ordering, backwards):
    if not all(key.lstrip("-") in BOOK_ORDERING_FIELDS for key in ordering) or not _valid(ordering):
        ordering = []
    queryset = book_list(filters={"ordering": ",".join(ordering)} if ordering else {}, with_authors=False)
    field = "before" if backwards else "after"
    try:
        page = keyset_page(queryset, **({"last": 5, "before": cursor} if backwards else {"first": 5, "after": cursor}))
    except ValidationError as exc:
        assert [(i.field, i.code) for i in validation_error_items(exc)] == [(field, "invalid")]
    else:
        assert len(page.items) <= 5


@given(cursor=cursors())
def test_author_and_order_cursors_are_checked_too(rows, cursor):
    for queryset in (author_list(), order_list(user=rows)):
        try:
            list(keyset_page(queryset, first=3, after=cursor).items)
        except ValidationError as exc:
            assert [(i.field, i.code) for i in validation_error_items(exc)] == [("after", "invalid")]


@given(cursor=cursors(), ordering=BOOK_ORDERINGS)
def test_both_apis_answer_a_forged_cursor_alike(rows, cursor, ordering):
    query = {"cursor": cursor, "page_size": "3"}
    rest_answer = rest("GET", "/api/books/", query=query)
    graphql_answer = graphql("query($c: String) { books(first: 3, after: $c) { totalCount } }", {"c": cursor})
    assert rest_answer.errors in ([], [("cursor", "invalid")], [("cursor", "invalid_characters")])
    assert [("cursor" if f == "after" else f, c) for f, c in graphql_answer.errors] == rest_answer.errors


@given(cursor=st.one_of(cursors(), st.text()))
def test_a_nested_list_row_cursor_is_a_row_number_or_invalid(cursor):
    try:
        row = cursor_to_row(cursor, "after")
    except QueryError as exc:
        assert [(i.field, i.code) for i in exc.items] == [("after", "invalid")]
    else:
        assert 0 <= row < _MAX_ROW
