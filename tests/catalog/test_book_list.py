import pytest
from django.core.exceptions import ValidationError

from catalog.selectors import book_list
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
