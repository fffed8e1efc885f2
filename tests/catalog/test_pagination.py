import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.test.utils import CaptureQueriesContext

from catalog.models import Book
from catalog.pagination import CountingPaginator, ListCount, bounded_count, encode_cursor, keyset_page, list_count
from catalog.selectors import book_list
from tests.catalog.helpers import error_pairs
from tests.factories import AuthorFactory, BookFactory

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


@pytest.mark.parametrize(
    ("in_stock", "expected"),
    [(2, ListCount(2)), (3, ListCount(3)), (4, ListCount(3, exact=False)), (40, ListCount(3, exact=False))],
    ids=["below", "at", "just-above", "far-above"],
)
def test_a_filtered_list_is_exact_up_to_the_cap_then_the_cap_as_a_lower_bound(settings, in_stock, expected):
    settings.COUNT_EXACT_UP_TO = 3
    BookFactory.create_batch(in_stock, stock=1)
    BookFactory.create_batch(5, stock=0)
    count = list_count(Book.objects.filter(stock__gt=0))
    assert count == expected
    assert count.is_lower_bound == (not expected.exact)


def test_counting_reads_at_most_the_cap_plus_one_rows_in_no_order(settings, django_assert_num_queries):
    settings.COUNT_EXACT_UP_TO = 3
    BookFactory.create_batch(6, stock=1)
    with django_assert_num_queries(1) as captured:
        list_count(book_list(filters={"in_stock": "true", "ordering": "-price"}))
    sql = captured.captured_queries[0]["sql"].upper()
    assert "LIMIT 4" in sql and "ORDER BY" not in sql


def test_a_whole_table_is_exact_beyond_the_cap(settings):
    # Counting a whole table is an index-only scan: exact up to ESTIMATED_COUNT_ABOVE rows.
    settings.COUNT_EXACT_UP_TO = 2
    BookFactory.create_batch(5)
    assert list_count(Book.objects.all()) == ListCount(5)
    assert list_count(book_list()) == ListCount(5)  # ordered, with authors prefetched


def test_authors_with_their_book_counts_are_counted_as_a_whole_table(settings, django_assert_num_queries):
    from catalog.selectors import author_list

    settings.COUNT_EXACT_UP_TO = 2
    for name in ("Ann", "Bea", "Cat", "Dan"):
        AuthorFactory(name=name)
    with django_assert_num_queries(1) as captured:
        assert list_count(author_list()) == ListCount(4)
    assert "GROUP BY" not in captured.captured_queries[0]["sql"].upper()
    assert list_count(author_list(filters={"search": "a"})) == ListCount(2, exact=False)
    assert list_count(author_list(filters={"search": "an"})) == ListCount(2)


def test_a_whole_table_above_the_estimate_threshold_is_not_exact(settings, monkeypatch):
    import catalog.pagination

    settings.COUNT_EXACT_UP_TO = 1
    monkeypatch.setattr(catalog.pagination, "ESTIMATED_COUNT_ABOVE", 2)
    BookFactory.create_batch(3)
    count = list_count(Book.objects.all())
    assert not count.exact
    if count.estimated:  # PostgreSQL: the planner's estimate (see the next test)
        assert count.value >= 0
    else:
        assert count == ListCount(2, exact=False)


@pytest.mark.postgres
def test_a_large_whole_table_reports_the_planner_estimate_in_one_query(settings, monkeypatch):
    from django.db import connection

    import catalog.pagination

    settings.COUNT_EXACT_UP_TO = 1
    BookFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_book")
    monkeypatch.setattr(catalog.pagination, "ESTIMATED_COUNT_ABOVE", 1)
    with CaptureQueriesContext(connection) as queries:
        assert list_count(Book.objects.all()) == ListCount(3, exact=False, estimated=True)
    assert "reltuples" in queries[0]["sql"] and len(queries) == 1
    assert list_count(Book.objects.filter(stock__gte=0)) == ListCount(1, exact=False)


@pytest.mark.postgres
def test_stale_statistics_never_make_a_whole_table_count_unbounded(settings, monkeypatch):
    from django.db import connection

    import catalog.pagination

    settings.COUNT_EXACT_UP_TO = 1
    monkeypatch.setattr(catalog.pagination, "ESTIMATED_COUNT_ABOVE", 2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_book")  # statistics of an empty table
    BookFactory.create_batch(5)
    with CaptureQueriesContext(connection) as queries:
        assert list_count(Book.objects.all()) == ListCount(2, exact=False)
    assert "LIMIT" in queries[0]["sql"].upper()


@pytest.mark.parametrize(("counted", "expected"), [(0, (0, True)), (5, (5, True)), (6, (5, False))])
def test_bounded_count_is_the_rule(settings, counted, expected):
    settings.COUNT_EXACT_UP_TO = 5
    count = bounded_count(counted)
    assert (count.value, count.exact) == expected
    assert bounded_count(counted, cap=10) == ListCount(counted)


@pytest.fixture
def seven_in_stock(settings):
    settings.COUNT_EXACT_UP_TO = 3
    BookFactory.create_batch(7, stock=1)
    BookFactory(stock=0)
    return Book.objects.filter(stock__gt=0).order_by("id")


def test_paginator_with_an_exact_count_is_djangos(settings):
    settings.COUNT_EXACT_UP_TO = 10
    BookFactory.create_batch(7, stock=1)
    paginator = CountingPaginator(Book.objects.filter(stock__gt=0).order_by("id"), 3)
    assert (paginator.count, paginator.num_pages, paginator.last_page_number()) == (7, 3, 3)
    assert len(paginator.page(3)) == 1 and not paginator.page(3).has_next()
    with pytest.raises(EmptyPage):
        paginator.page(4)


def test_paginator_with_a_lower_bound_serves_pages_while_they_have_rows(seven_in_stock):
    paginator = CountingPaginator(seven_in_stock, 3)
    assert paginator.list_count == ListCount(3, exact=False)
    ids = list(seven_in_stock.values_list("id", flat=True))
    pages = [paginator.page(number) for number in (1, 2, 3)]
    assert [[b.id for b in page] for page in pages] == [ids[0:3], ids[3:6], ids[6:7]]
    assert [page.has_next() for page in pages] == [True, True, False]
    assert [(page.start_index(), page.end_index()) for page in pages] == [(1, 3), (4, 6), (7, 7)]
    assert pages[1].next_page_number() == 3 and pages[1].previous_page_number() == 1


@pytest.mark.parametrize("number", [4, 10**9, "99999999999999999999999"])
def test_paginator_with_a_lower_bound_has_no_page_past_the_end(seven_in_stock, number):
    with pytest.raises(EmptyPage):
        CountingPaginator(seven_in_stock, 3).page(number)


@pytest.mark.parametrize(("number", "error"), [(0, EmptyPage), (-1, EmptyPage), ("x", PageNotAnInteger)])
def test_paginator_with_a_lower_bound_refuses_bad_numbers_as_django_does(seven_in_stock, number, error):
    with pytest.raises(error):
        CountingPaginator(seven_in_stock, 3).page(number)


def test_paginator_with_a_lower_bound_has_no_last_page(seven_in_stock):
    with pytest.raises(ValidationError) as raised:
        CountingPaginator(seven_in_stock, 3).last_page_number(field="page")
    assert error_pairs(raised.value) == [("page", "invalid")]


@pytest.mark.parametrize(("number", "expected"), [("x", 1), (0, 1), (99, 1), (3, 3)])
def test_paginator_get_page_always_finds_a_page(seven_in_stock, number, expected):
    # Past the end: the last counted page (the cap's rows exist), as Django falls back to the last page.
    assert CountingPaginator(seven_in_stock, 3).get_page(number).number == expected
