import pytest

from tests.api_graphql.conftest import gid
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

QUERY = "query($id: ID, $isbn: String) { book(id: $id, isbn: $isbn) { databaseId title isbn authors { name } } }"


def test_book_get_by_database_id_and_by_global_id(gql, book):
    for value in (str(book.pk), gid("Book", book.pk), book.pk):
        answer = gql(QUERY, {"id": value})
        assert not answer.errors
        assert answer.data["book"] == {
            "databaseId": book.pk,
            "title": "The Dispossessed",
            "isbn": book.isbn,
            "authors": [{"name": "Ursula K. Le Guin"}],
        }


def test_book_get_by_isbn_13_10_or_with_hyphens(gql, db):
    book = BookFactory(isbn="9780306406157")
    for isbn in ("9780306406157", "978-0-306-40615-7", "0306406152", "0-306-40615-2"):
        assert gql(QUERY, {"isbn": isbn}).data["book"]["databaseId"] == book.pk


@pytest.mark.parametrize("value", ["999999", "abc", "", "-1", "Qm9vazo5OTk5OTk=", "QXV0aG9yOjE="])
def test_book_get_missing_is_null_with_not_found(gql, book, value):
    # Qm9vazo5OTk5OTk= is Book:999999; QXV0aG9yOjE= is Author:1 (a global ID of another type).
    answer = gql(QUERY, {"id": value})
    assert answer.status == 200
    assert answer.data == {"book": None}
    assert answer.codes == [(None, "not_found")]
    assert answer.errors[0]["message"] == "Book not found."


@pytest.mark.parametrize("isbn", ["9780000000000", "not an isbn"])
def test_book_get_unknown_isbn_is_not_found_on_isbn(gql, book, isbn):
    answer = gql(QUERY, {"isbn": isbn})
    assert answer.data == {"book": None}
    assert answer.codes == [("isbn", "not_found")]


def test_book_get_needs_exactly_one_of_id_and_isbn(gql, book):
    assert gql("{ book { title } }").codes == [(None, "required")]
    answer = gql(QUERY, {"id": str(book.pk), "isbn": book.isbn})
    assert answer.codes == [(None, "invalid")]
    assert answer.data == {"book": None}
