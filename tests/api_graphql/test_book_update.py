import datetime

import pytest

from catalog.models import Book
from tests.api_graphql.conftest import gid, payload_codes
from tests.factories import AuthorFactory

pytestmark = pytest.mark.django_db

MUTATION = """mutation($id: ID!, $title: String, $price: String, $stock: Int, $publishedDate: Date,
                       $authorIds: [ID!], $isbn: String) {
  bookUpdate(id: $id, title: $title, price: $price, stock: $stock, publishedDate: $publishedDate,
             authorIds: $authorIds, isbn: $isbn) {
    book { databaseId title price stock publishedDate isbn authors { name } }
    errors { field code message }
  }
}"""


def update(gql, user, **variables):
    return gql(MUTATION, variables, user=user).payload("bookUpdate")


def test_book_update_changes_only_what_is_given(gql, staff, book):
    payload = update(gql, staff, id=str(book.pk), price="5.5")
    assert payload["errors"] == []
    assert payload["book"]["price"] == "5.50"
    assert payload["book"]["title"] == "The Dispossessed"
    assert payload["book"]["authors"] == [{"name": "Ursula K. Le Guin"}]


def test_book_update_by_global_id_replaces_authors_and_clears_the_date(gql, staff, book):
    Book.objects.filter(pk=book.pk).update(published_date=datetime.date(1974, 5, 1))
    other = AuthorFactory(name="Other")
    payload = update(gql, staff, id=gid("Book", book.pk), authorIds=[gid("Author", other.pk)], publishedDate=None)
    assert payload["errors"] == []
    assert payload["book"]["authors"] == [{"name": "Other"}]
    assert payload["book"]["publishedDate"] is None
    payload = update(gql, staff, id=str(book.pk), authorIds=[])
    assert payload["book"]["authors"] == []


@pytest.mark.parametrize(
    ("variables", "errors"),
    [
        # The rules are tested in tests/catalog; here, a null, a Date the scalar refuses and a camelCase field.
        ({"price": None}, [("price", "required")]),
        ({"publishedDate": "31/12/2020"}, [("publishedDate", "invalid")]),
        ({"title": "New title", "authorIds": ["999999"]}, [("authorIds", "not_found")]),
    ],
)
def test_book_update_invalid_values_change_nothing(gql, staff, book, variables, errors):
    before = Book.objects.values().get(pk=book.pk)
    payload = update(gql, staff, id=str(book.pk), **variables)
    assert payload["book"] is None
    assert payload_codes(payload) == errors
    assert Book.objects.values().get(pk=book.pk) == before


def test_book_update_duplicate_isbn(gql, staff, book):
    other = Book.objects.create(title="Other", isbn="9780306406157", price="1.00")
    assert payload_codes(update(gql, staff, id=str(other.pk), isbn=book.isbn)) == [("isbn", "duplicate_isbn")]


@pytest.mark.parametrize("value", ["999999", "abc", gid("Author", 1)])
def test_book_update_missing_book(gql, staff, book, value):
    assert payload_codes(update(gql, staff, id=value, title="X")) == [(None, "not_found")]


def test_book_update_needs_staff(gql, alice, book):
    assert payload_codes(update(gql, alice, id=str(book.pk), price="1.00")) == [(None, "permission_denied")]
    assert payload_codes(update(gql, None, id=str(book.pk), price="1.00")) == [(None, "not_authenticated")]
    assert Book.objects.get().price == book.price
