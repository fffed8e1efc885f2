"""BOOK_FIELDS is the one list of a book's editable fields: create and update take each of them,
and a name outside it is a programming error, not a silently dropped value."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catalog.models import Book
from catalog.services import BOOK_FIELDS, book_create, book_update
from tests.catalog.helpers import error_pairs
from tests.factories import AuthorFactory

pytestmark = pytest.mark.django_db

NEW_BOOK = {"title": "Django for APIs", "isbn": "978-1-7354672-2-1", "price": "39.00"}


def _changes() -> dict[str, tuple[object, object]]:
    """For every field: a value to give, and what the saved book then shows for it."""
    author = AuthorFactory(name="William S. Vincent")
    return {
        "title": ("  Django for Professionals ", "Django for Professionals"),
        "subtitle": ("Production websites", "Production websites"),
        "isbn": ("0-441-47812-3", "9780441478125"),
        "price": ("12.5", Decimal("12.50")),
        "stock": (7, 7),
        "published_date": (datetime.date(2022, 3, 4), datetime.date(2022, 3, 4)),
        "description": ("Deploying Django.", "Deploying Django."),
        "author_ids": ([str(author.pk)], [author.pk]),
    }


def _shown(book: Book, name: str) -> object:
    return [a.pk for a in book.cover_authors] if name == "author_ids" else getattr(book, name)


def test_every_book_field_has_a_case_here():
    assert set(_changes()) == set(BOOK_FIELDS)


@pytest.mark.parametrize("name", list(BOOK_FIELDS))
def test_book_update_sets_each_field_and_stores_it(staff, name):
    book = book_create(actor=staff, **NEW_BOOK)
    given, shown = _changes()[name]
    updated = book_update(actor=staff, book_id=book.pk, **{name: given})
    assert _shown(updated, name) == shown
    assert _shown(Book.objects.get(pk=book.pk), name) == shown


def test_book_create_takes_every_field(staff):
    changes = _changes()
    book = book_create(actor=staff, **{name: given for name, (given, _) in changes.items()})
    assert {name: _shown(book, name) for name in changes} == {name: shown for name, (_, shown) in changes.items()}


def test_book_create_without_the_required_fields_names_each_of_them(staff):
    with pytest.raises(ValidationError) as exc:
        book_create(actor=staff, stock=3)
    assert error_pairs(exc.value) == [(name, "required") for name, field in BOOK_FIELDS.items() if field.required]
    assert error_pairs(exc.value) == [("title", "required"), ("isbn", "required"), ("price", "required")]
    assert not Book.objects.exists()


def test_book_create_defaults_the_optional_fields_from_the_model(staff):
    book = book_create(actor=staff, **NEW_BOOK)
    assert (book.subtitle, book.stock, book.published_date, book.description, book.cover_authors) == (
        "",
        0,
        None,
        "",
        [],
    )


def test_book_create_with_an_unknown_field_raises_and_writes_nothing(staff):
    with pytest.raises(TypeError, match=r"book_create.*'colour'"):
        book_create(actor=staff, colour="red", **NEW_BOOK)
    assert not Book.objects.exists()


def test_book_update_with_an_unknown_field_raises_and_changes_nothing(staff):
    book = book_create(actor=staff, **NEW_BOOK)
    with pytest.raises(TypeError, match=r"book_update.*'colour'.*'authors'"):
        book_update(actor=staff, book_id=book.pk, title="New", colour="red", authors=[])
    assert Book.objects.get(pk=book.pk).title == "Django for APIs"
