import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test.utils import CaptureQueriesContext

from catalog.models import Book
from catalog.pagination import encode_cursor, keyset_page, row_count
from catalog.selectors import book_list
from tests.catalog.helpers import error_pairs
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    prices = [Decimal("5.00"), Decimal("9.99"), Decimal("5.00"), Decimal("12.00")]
    dates = [datetime.date(2001, 1, 1), None, datetime.date(1999, 5, 5), None]
    titles = ["delta", "alpha", "charlie", "bravo"]
    for i, (price, date, title) in enumerate(itertools.product(prices, dates, titles)):
        BookFactory(title=f"{title} {i % 3}", price=price, published_date=date)
    return Book.objects.count()


def walk_forward(queryset, size):
    ids, cursor, pages = [], None, 0
    while True:
        page = keyset_page(queryset, first=size, after=cursor)
        ids += [b.id for b in page.items]
        pages += 1
        if not page.has_next:
            return ids, pages
        cursor = page.end_cursor


def walk_backward(queryset, size):
    ids, cursor = [], None
    while True:
        page = keyset_page(queryset, last=size, before=cursor)
        ids = [b.id for b in page.items] + ids
        if not page.has_previous:
            return ids
        cursor = page.start_cursor


@pytest.mark.parametrize(
    "ordering", [None, "title", "-price", "published_date", "-published_date", "-price,title", "price,-published_date"]
)
@pytest.mark.parametrize("size", [1, 7, 64, 100])
def test_keyset_pages_walk_the_same_rows_as_offset_order(books, ordering, size):
    queryset = book_list(filters={"ordering": ordering} if ordering else {}, with_authors=False)
    expected = list(queryset.values_list("id", flat=True))
    assert len(expected) == books
    forward, pages = walk_forward(queryset, size)
    assert forward == expected
    assert pages == -(-books // size)  # no empty trailing page
    assert walk_backward(queryset, size) == expected


def test_keyset_page_of_an_empty_list(db):
    page = keyset_page(Book.objects.all(), first=10)
    assert (page.items, page.has_next, page.end_cursor) == ([], False, None)


@pytest.mark.parametrize(
    "cursor", ["garbage", "k1:!!!", "k1:" + "A" * 2000, encode_cursor(["x"]), encode_cursor(["a", "b"])]
)
def test_bad_cursors_are_invalid_not_a_crash(books, cursor):
    with pytest.raises(ValidationError) as exc:
        keyset_page(Book.objects.all(), first=5, after=cursor)
    assert error_pairs(exc.value) == [("after", "invalid")]


def test_a_deep_page_reads_only_its_own_rows(books, django_assert_num_queries):
    queryset = book_list(filters={"ordering": "-price"}, with_authors=False)
    first = keyset_page(queryset, first=10)
    with django_assert_num_queries(1) as captured:
        second = keyset_page(queryset, first=10, after=first.end_cursor)
    assert "OFFSET" not in captured.captured_queries[0]["sql"].upper()
    assert [b.id for b in second.items] == list(queryset.values_list("id", flat=True)[10:20])


def test_row_count_is_exact_for_small_and_filtered_lists():
    BookFactory.create_batch(3, stock=0)
    BookFactory(stock=4)
    assert row_count(Book.objects.all()) == 4
    assert row_count(Book.objects.filter(stock__gt=0)) == 1


@pytest.mark.postgres
def test_row_count_of_a_large_unfiltered_table_is_the_planner_estimate(monkeypatch):
    from django.db import connection

    import catalog.pagination

    BookFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_book")
    monkeypatch.setattr(catalog.pagination, "ESTIMATED_COUNT_ABOVE", 1)
    with CaptureQueriesContext(connection) as queries:
        assert row_count(Book.objects.all()) == 3
    assert "reltuples" in queries[0]["sql"] and len(queries) == 1
    assert row_count(Book.objects.filter(stock__gte=0)) == 3
