import datetime
from decimal import Decimal

import pytest

from catalog.models import Book
from tests.api_rest.helpers import codes
from tests.factories import AuthorFactory, BookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def novel(author):
    return BookFactory(
        title="The Dispossessed",
        subtitle="An Ambiguous Utopia",
        isbn="9780060512750",
        price=Decimal("9.99"),
        stock=3,
        published_date=datetime.date(1974, 5, 1),
        description="Anarres and Urras.",
        authors=[author],
    )


def test_book_partial_update_changes_only_the_given_fields(staff_api, novel, author):
    response = staff_api.patch(f"/api/books/{novel.id}/", {"price": "11.00", "stock": 8})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["price"], body["stock"]) == ("11.00", 8)
    assert (body["title"], body["subtitle"], body["published_date"]) == (
        "The Dispossessed",
        "An Ambiguous Utopia",
        "1974-05-01",
    )
    assert body["authors"] == [{"id": author.id, "name": author.name}]
    novel.refresh_from_db()
    assert (novel.price, novel.stock, novel.description) == (Decimal("11.00"), 8, "Anarres and Urras.")


def test_book_partial_update_replaces_the_authors(staff_api, novel):
    first, second = AuthorFactory(name="First"), AuthorFactory(name="Second")
    response = staff_api.patch(f"/api/books/{novel.id}/", {"author_ids": [second.id, first.id]})
    assert [a["name"] for a in response.json()["authors"]] == ["Second", "First"]
    response = staff_api.patch(f"/api/books/{novel.id}/", {"author_ids": []})
    assert response.json()["authors"] == []


def test_book_partial_update_can_clear_the_publication_date(staff_api, novel):
    response = staff_api.patch(f"/api/books/{novel.id}/", {"published_date": None})
    assert response.status_code == 200
    assert response.json()["published_date"] is None


def test_book_update_needs_title_isbn_and_price_and_keeps_what_is_left_out(staff_api, novel, author):
    response = staff_api.put(
        f"/api/books/{novel.id}/", {"title": "The Lathe of Heaven", "isbn": "0-306-40615-2", "price": "7"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["isbn"], body["price"]) == ("The Lathe of Heaven", "9780306406157", "7.00")
    assert (body["subtitle"], body["stock"], body["authors"]) == (
        "An Ambiguous Utopia",
        3,
        [{"id": author.id, "name": author.name}],
    )

    response = staff_api.put(f"/api/books/{novel.id}/", {"title": "Only a title"})
    assert response.status_code == 400
    assert sorted(codes(response)) == [("isbn", "required"), ("price", "required")]


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        # The rules are tested in tests/catalog; here, one that is 400 and one that names a list field.
        ({"price": "-0.01"}, [("price", "invalid_price")]),
        ({"author_ids": [123456]}, [("author_ids", "not_found")]),
    ],
)
def test_book_partial_update_rejects_bad_values_and_changes_nothing(staff_api, novel, change, errors):
    response = staff_api.patch(f"/api/books/{novel.id}/", change)
    assert response.status_code == 400
    assert codes(response) == errors
    novel.refresh_from_db()
    assert (novel.title, novel.price, novel.stock, novel.isbn) == (
        "The Dispossessed",
        Decimal("9.99"),
        3,
        "9780060512750",
    )
    assert list(novel.authors.values_list("name", flat=True)) == ["Ursula K. Le Guin"]


def test_book_partial_update_to_another_books_isbn_is_a_duplicate(staff_api, novel):
    other = BookFactory()
    response = staff_api.patch(f"/api/books/{novel.id}/", {"isbn": other.isbn})
    assert response.status_code == 400
    assert codes(response) == [("isbn", "duplicate_isbn")]


def test_book_partial_update_keeping_its_own_isbn_is_fine(staff_api, novel):
    response = staff_api.patch(f"/api/books/{novel.id}/", {"isbn": novel.isbn, "title": "Renamed"})
    assert response.status_code == 200
    assert response.json()["title"] == "Renamed"


def test_book_partial_update_ignores_unknown_fields(staff_api, novel):
    response = staff_api.patch(f"/api/books/{novel.id}/", {"id": 999, "rating": 5, "updated_at": "2000-01-01"})
    assert response.status_code == 200
    assert response.json()["id"] == novel.id
    assert Book.objects.filter(pk=novel.id).exists()


def test_book_update_unknown_book_is_not_found(staff_api):
    response = staff_api.patch("/api/books/999999/", {"price": "1.00"})
    assert response.status_code == 404
    assert codes(response) == [(None, "not_found")]
    response = staff_api.put("/api/books/999999/", {"title": "T", "isbn": "9780306406157", "price": "1"})
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["put", "patch"])
def test_book_update_anonymous_is_401_and_shopper_is_403(anon, alice_api, novel, method):
    body = {"title": "Hijacked", "isbn": novel.isbn, "price": "0"}
    response = getattr(anon, method)(f"/api/books/{novel.id}/", body)
    assert response.status_code == 401
    assert codes(response) == [(None, "not_authenticated")]
    response = getattr(alice_api, method)(f"/api/books/{novel.id}/", body)
    assert response.status_code == 403
    assert codes(response) == [(None, "permission_denied")]
    novel.refresh_from_db()
    assert novel.title == "The Dispossessed"
