"""Catalog writes: the same outcome and the same error codes through both APIs."""

import pytest

from catalog.models import Author, Book

pytestmark = pytest.mark.django_db

VALID = {"title": "Django for APIs", "isbn": "978-1-7354672-2-1", "price": "39.99", "stock": 3}


def test_book_create(api, staff, author):
    outcome = api.book_create(staff, **VALID, author_ids=[author.id], published_date="2022-01-01")
    assert outcome.errors == []
    assert outcome.data["isbn"] == "9781735467221"
    assert outcome.data["price"] == "39.99"
    assert outcome.data["authors"] == [{"id": author.id, "name": author.name}]
    assert Book.objects.filter(isbn="9781735467221").exists()


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"isbn": "9781735467222"}, [("isbn", "invalid_isbn")]),
        ({"price": "-1"}, [("price", "invalid_price")]),
        ({"price": "1.999"}, [("price", "invalid_price")]),
        ({"stock": -5}, [("stock", "invalid_stock")]),
        ({"title": ""}, [("title", "required")]),
        ({"author_ids": [424242]}, [("author_ids", "not_found")]),
        ({"title": "", "price": "-1"}, [("price", "invalid_price"), ("title", "required")]),
    ],
)
def test_book_create_invalid_values(api, staff, overrides, errors):
    assert api.book_create(staff, **{**VALID, **overrides}).errors == errors
    assert not Book.objects.exists()


def test_book_create_duplicate_isbn(api, staff, book):
    assert api.book_create(staff, **{**VALID, "isbn": book.isbn}).errors == [("isbn", "duplicate_isbn")]


def test_book_create_needs_staff(api, alice):
    assert api.book_create(alice, **VALID).errors == [(None, "permission_denied")]
    assert api.book_create(None, **VALID).errors == [(None, "not_authenticated")]
    assert not Book.objects.exists()


def test_book_update_and_delete(api, staff, alice, book):
    outcome = api.book_update(staff, book.id, price="5.00")
    assert (outcome.errors, outcome.data["price"], outcome.data["title"]) == ([], "5.00", "The Dispossessed")
    assert api.book_update(staff, book.id, stock=-1).errors == [("stock", "invalid_stock")]
    assert api.book_update(alice, book.id, price="1.00").errors == [(None, "permission_denied")]
    assert api.book_delete(staff, book.id).errors == []
    assert api.book_delete(staff, book.id).errors == [(None, "not_found")]


def test_author_writes(api, staff, alice):
    outcome = api.author_create(staff, name="Octavia E. Butler", bio="Kindred.")
    assert outcome.data == {"name": "Octavia E. Butler", "bio": "Kindred."}
    author = Author.objects.get(name="Octavia E. Butler")
    assert api.author_create(staff, name="").errors == [("name", "required")]
    assert api.author_create(alice, name="X").errors == [(None, "permission_denied")]
    assert api.author_update(staff, author.id, bio="Parable.").data == {"name": "Octavia E. Butler", "bio": "Parable."}
    assert api.author_update(staff, 987654, bio="x").errors == [(None, "not_found")]
    assert api.author_delete(alice, author.id).errors == [(None, "permission_denied")]
    assert api.author_delete(staff, author.id).errors == []
    assert not Author.objects.exists()
