import pytest

from tests.api_rest.helpers import codes

pytestmark = pytest.mark.django_db


def test_author_partial_update_changes_the_bio_only(staff_api, author, book):
    response = staff_api.patch(f"/api/authors/{author.id}/", {"bio": "Earthsea."})
    assert response.status_code == 200
    assert response.json() == {"id": author.id, "name": "Ursula K. Le Guin", "bio": "Earthsea.", "book_count": 1}


def test_author_update_needs_a_name_and_keeps_the_bio_when_left_out(staff_api, author):
    response = staff_api.put(f"/api/authors/{author.id}/", {"name": "U. K. Le Guin"})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["bio"]) == ("U. K. Le Guin", "Writes books.")
    response = staff_api.put(f"/api/authors/{author.id}/", {"bio": "No name"})
    assert response.status_code == 400
    assert codes(response) == [("name", "required")]


def test_author_partial_update_rejects_an_empty_name(staff_api, author):
    response = staff_api.patch(f"/api/authors/{author.id}/", {"name": ""})
    assert response.status_code == 400
    assert codes(response) == [("name", "required")]
    author.refresh_from_db()
    assert author.name == "Ursula K. Le Guin"


def test_author_update_unknown_is_not_found(staff_api):
    response = staff_api.patch("/api/authors/999999/", {"bio": "x"})
    assert response.status_code == 404
    assert codes(response) == [(None, "not_found")]


def test_author_update_anonymous_is_401_and_shopper_is_403(anon, alice_api, author):
    assert anon.patch(f"/api/authors/{author.id}/", {"bio": "x"}).status_code == 401
    response = alice_api.put(f"/api/authors/{author.id}/", {"name": "x"})
    assert response.status_code == 403
    assert codes(response) == [(None, "permission_denied")]
    author.refresh_from_db()
    assert author.name == "Ursula K. Le Guin"
