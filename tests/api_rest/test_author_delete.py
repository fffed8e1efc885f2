import pytest

from catalog.models import Author, Book
from tests.api_rest.helpers import codes

pytestmark = pytest.mark.django_db


def test_author_delete_keeps_their_books(staff_api, author, book):
    response = staff_api.delete(f"/api/authors/{author.id}/")
    assert response.status_code == 204
    assert not Author.objects.exists()
    assert Book.objects.get(pk=book.id).authors.count() == 0


def test_author_delete_unknown_is_not_found(staff_api):
    response = staff_api.delete("/api/authors/999999/")
    assert response.status_code == 404
    assert codes(response) == [(None, "not_found")]


def test_author_delete_anonymous_is_401_and_shopper_is_403(anon, alice_api, author):
    assert anon.delete(f"/api/authors/{author.id}/").status_code == 401
    response = alice_api.delete(f"/api/authors/{author.id}/")
    assert response.status_code == 403
    assert codes(response) == [(None, "permission_denied")]
    assert Author.objects.filter(pk=author.id).exists()
