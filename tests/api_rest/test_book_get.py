import pytest

from tests.api_rest.helpers import codes

pytestmark = pytest.mark.django_db


def test_book_get_shows_one_book(anon, book, author):
    response = anon.get(f"/api/books/{book.id}/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == book.id
    assert body["title"] == "The Dispossessed"
    assert body["price"] == "10.00"
    assert body["stock"] == 5
    assert body["authors"] == [{"id": author.id, "name": "Ursula K. Le Guin"}]


@pytest.mark.parametrize("book_id", ["999999", "0", "99999999999999999999999"])
def test_book_get_unknown_id_is_not_found(anon, book_id):
    response = anon.get(f"/api/books/{book_id}/")
    assert response.status_code == 404
    assert codes(response) == [(None, "not_found")]


def test_book_get_non_numeric_id_is_a_json_404(anon):
    response = anon.get("/api/books/abc/")
    assert response.status_code == 404
    assert codes(response) == [(None, "not_found")]
