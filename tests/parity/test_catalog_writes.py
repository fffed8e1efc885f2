"""Catalog writes: the same outcome and the same error codes through both APIs."""

import pytest

from catalog.models import Author, Book
from tests.catalog.rules import BOOK_CREATE_INVALID, VALID_BOOK

pytestmark = pytest.mark.django_db

VALID = {**VALID_BOOK, "price": "39.99"}


def test_book_create(api, staff, author):
    outcome = api.book_create(staff, **VALID, author_ids=[author.id], published_date="2022-01-01")
    assert outcome.errors == []
    assert outcome.data["isbn"] == "9781735467221"
    assert outcome.data["price"] == "39.99"
    assert outcome.data["authors"] == [{"id": author.id, "name": author.name}]
    assert Book.objects.filter(isbn="9781735467221").exists()


def _graphql_can_carry(name: str, value) -> bool:
    """Whether a value fits the GraphQL argument types (String, Int, [ID!]); other values are
    refused by the schema before any rule, as REST's serializer refuses JSON of the wrong type."""
    if isinstance(value, list):
        return name == "author_ids" and all(isinstance(item, str | int) for item in value)
    if isinstance(value, bool | float):
        return False
    return not isinstance(value, int) or -(2**31) <= value < 2**31


CARRIED_BY_BOTH = [
    row for row in BOOK_CREATE_INVALID if all(_graphql_can_carry(*item) for item in row.values[0].items())
]


def _fields(errors):
    # REST names the item of a list that is wrong ("author_ids.0"), GraphQL the list.
    return [(field.split(".")[0] if field else field, code) for field, code in errors]


@pytest.mark.parametrize(("overrides", "errors"), CARRIED_BY_BOTH)
def test_book_create_breaks_each_rule_with_the_domains_codes(api, staff, overrides, errors):
    assert _fields(api.book_create(staff, **{**VALID, **overrides}).errors) == errors
    assert not Book.objects.exists()


def test_every_book_create_rule_but_the_transports_own_is_carried_by_both():
    assert len(CARRIED_BY_BOTH) == len(BOOK_CREATE_INVALID) - 3  # a float price, a 64-bit stock, a list title


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
