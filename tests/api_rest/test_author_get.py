import pytest

from tests.api_rest.helpers import codes
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


def test_author_get_shows_the_author_with_book_count(anon, author, book):
    BookFactory(authors=[author])
    response = anon.get(f"/api/authors/{author.id}/")
    assert response.status_code == 200
    assert response.json() == {"id": author.id, "name": "Ursula K. Le Guin", "bio": "Writes books.", "book_count": 2}


def test_author_get_unknown_is_not_found(anon):
    response = anon.get("/api/authors/424242/")
    assert response.status_code == 404
    assert codes(response) == [(None, "not_found")]
