import pytest
from django.core.exceptions import ValidationError

from catalog.errors import NotFound
from catalog.models import Order
from catalog.selectors import author_get, author_list, book_get, book_get_by_isbn, book_list, order_get, order_list
from catalog.services import cart_item_add, checkout
from tests.catalog.helpers import error_pairs
from tests.catalog.rules import BOOK_LIST_FILTERS, BOOK_LIST_INVALID_FILTERS

pytestmark = pytest.mark.django_db


def titles(queryset):
    return [book.title for book in queryset]


def test_book_list_defaults_to_title_order_with_authors_in_cover_order(shelf):
    books = list(book_list())
    assert titles(books) == ["Good Omens", "Mort", "The Hobbit"]
    assert [a.name for a in books[0].authors.all()] == ["Terry Pratchett", "Neil Gaiman"]


@pytest.mark.parametrize(("filters", "expected"), BOOK_LIST_FILTERS)
def test_book_list_filters(shelf, filters, expected):
    assert titles(book_list(filters=filters)) == expected


def test_book_list_filter_by_author_lists_each_book_once(shelf):
    pratchett = shelf["authors"]["pratchett"]
    assert titles(book_list(filters={"author": str(pratchett.id)})) == ["Good Omens", "Mort"]


@pytest.mark.parametrize(("filters", "expected"), BOOK_LIST_INVALID_FILTERS)
def test_book_list_bad_filters_raise_codes(shelf, filters, expected):
    with pytest.raises(ValidationError) as exc:
        list(book_list(filters=filters))
    assert sorted(error_pairs(exc.value)) == expected


def test_book_get_and_by_isbn(shelf):
    mort = shelf["mort"]
    assert book_get(book_id=mort.id).title == "Mort"
    assert book_get_by_isbn(isbn="0-552-13106-7").title == "Mort"  # ISBN-10 of the same edition
    for lookup in (
        lambda: book_get(book_id=10**9),
        lambda: book_get(book_id="x"),
        lambda: book_get_by_isbn(isbn="bad"),
    ):
        with pytest.raises(NotFound):
            lookup()


def test_author_list_has_book_counts_and_search(shelf):
    assert [(a.name, a.book_count) for a in author_list(filters={"ordering": "name"})] == [
        ("J. R. R. Tolkien", 1),
        ("Neil Gaiman", 1),
        ("Terry Pratchett", 2),
    ]
    assert [a.name for a in author_list(filters={"search": "terry"})] == ["Terry Pratchett"]
    with pytest.raises(ValidationError):
        list(author_list(filters={"ordering": "book_count"}))
    assert author_get(author_id=shelf["authors"]["tolkien"].id).book_count == 1
    with pytest.raises(NotFound):
        author_get(author_id=0)


def test_orders_are_visible_to_their_owner_only(alice, bob, book):
    cart_item_add(user=alice, book_id=book.id)
    order = checkout(user=alice)
    assert list(order_list(user=alice)) == [order]
    assert list(order_list(user=bob)) == []
    assert order_get(user=alice, order_id=order.id) == order
    with pytest.raises(NotFound):
        order_get(user=bob, order_id=order.id)
    with pytest.raises(NotFound):
        order_get(user=alice, order_id=order.id + 1)
    assert Order.objects.count() == 1


def test_cover_authors_keep_cover_order_with_and_without_the_prefetch(shelf, django_assert_num_queries):
    from catalog.optimization import query_optimization

    omens = shelf["omens"]
    with django_assert_num_queries(2):
        books = list(book_list(filters={"search": "omens"}))
        assert [a.name for a in books[0].cover_authors] == ["Terry Pratchett", "Neil Gaiman"]
    with query_optimization(False), django_assert_num_queries(1 + 3):
        books = list(book_list())
        assert [[a.name for a in b.cover_authors] for b in books] == [
            ["Terry Pratchett", "Neil Gaiman"],
            ["Terry Pratchett"],
            ["J. R. R. Tolkien"],
        ]
    assert omens.cover_authors[0].name == "Terry Pratchett"


def _window_by_hand(author_ids, start, stop):
    """Rows start+1 .. stop of each author's books by title, numbered with a window written out."""
    from collections import defaultdict

    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    from catalog.models import Book

    rows = (
        Book.objects.filter(author_links__author_id__in=author_ids)
        .annotate(
            for_author=F("author_links__author_id"),
            row=Window(RowNumber(), partition_by=[F("author_links__author_id")], order_by=[F("title"), F("id")]),
        )
        .filter(row__gt=start, row__lte=stop)
        .order_by("for_author", "row")
    )
    books = defaultdict(list)
    for book in rows:
        books[book.for_author].append(book.pk)
    return dict(books)


@pytest.mark.parametrize(("start", "stop"), [(0, 1), (0, 3), (1, 3), (2, 5), (4, 9), (6, 20)])
def test_author_books_sliced_prefetch_gives_the_rows_of_the_hand_written_window(db, start, stop):
    from catalog.selectors import author_books
    from tests.factories import AuthorFactory, BookFactory

    prolific, other, shared = AuthorFactory(), AuthorFactory(), AuthorFactory()
    bookless = AuthorFactory()
    for n, title in enumerate(["Delta", "alpha", "Charlie", "Bravo", "Echo", "Bravo", "Foxtrot"]):
        BookFactory(title=title, authors=[prolific, shared] if n % 2 else [prolific])
    BookFactory(title="Alone", authors=[other])
    ids = [prolific.pk, other.pk, shared.pk, bookless.pk]
    windows = author_books(author_ids=ids, start=start, stop=stop)
    found = {pk: [book.pk for book in books] for pk, books in windows.items()}
    expected = _window_by_hand(ids, start, stop)
    assert {pk: rows for pk, rows in found.items() if rows} == expected
    assert set(found) == set(ids)
    assert expected  # the windows compared hold rows


def test_author_books_is_one_query_for_any_number_of_authors(db, django_assert_num_queries):
    from catalog.selectors import author_books
    from tests.factories import AuthorFactory, BookFactory

    authors = AuthorFactory.create_batch(12)
    for author in authors:
        BookFactory.create_batch(3, authors=[author])
    with django_assert_num_queries(1):
        books = author_books(author_ids=[a.pk for a in authors], start=1, stop=3)
    assert [len(books[a.pk]) for a in authors] == [2] * 12
    assert all(books[a.pk] == sorted(books[a.pk], key=lambda b: (b.title, b.pk)) for a in authors)


def test_book_cover_authors_keep_cover_order_in_one_query(shelf, django_assert_num_queries):
    from catalog.selectors import book_cover_authors

    ids = [shelf[name].pk for name in ("hobbit", "omens", "mort")]
    with django_assert_num_queries(1):
        authors = book_cover_authors(book_ids=ids)
    assert [[a.name for a in authors[pk]] for pk in ids] == [
        ["J. R. R. Tolkien"],
        ["Terry Pratchett", "Neil Gaiman"],
        ["Terry Pratchett"],
    ]
