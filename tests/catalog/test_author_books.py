import pytest

from catalog.selectors import author_books
from tests.factories import AuthorFactory, BookFactory


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
    authors = AuthorFactory.create_batch(12)
    for author in authors:
        BookFactory.create_batch(3, authors=[author])
    with django_assert_num_queries(1):
        books = author_books(author_ids=[a.pk for a in authors], start=1, stop=3)
    assert [len(books[a.pk]) for a in authors] == [2] * 12
    assert all(books[a.pk] == sorted(books[a.pk], key=lambda b: (b.title, b.pk)) for a in authors)
