import pytest

from catalog.models import Author
from tests.api_rest.helpers import codes

pytestmark = pytest.mark.django_db


def test_author_create_adds_an_author(staff_api):
    response = staff_api.post("/api/authors/", {"name": "  Octavia E. Butler ", "bio": "Kindred."})
    assert response.status_code == 201
    body = response.json()
    assert body == {"id": body["id"], "name": "Octavia E. Butler", "bio": "Kindred.", "book_count": 0}
    assert response["Location"] == f"http://testserver/api/authors/{body['id']}/"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        # The name and bio rules are tested in tests/catalog; here, a body without the key and one rule.
        ({}, [("name", "required")]),
        ({"name": {"first": "Octavia"}}, [("name", "invalid")]),
        ({"name": "n" * 201}, [("name", "max_length")]),
    ],
)
def test_author_create_rejects_bad_input(staff_api, body, errors):
    response = staff_api.post("/api/authors/", body)
    assert response.status_code == 400
    assert codes(response) == errors
    assert not Author.objects.exists()


def test_author_create_ignores_unknown_fields(staff_api):
    response = staff_api.post("/api/authors/", {"name": "N. K. Jemisin", "book_count": 99, "id": 7})
    assert response.status_code == 201
    assert response.json()["book_count"] == 0


def test_author_create_anonymous_is_401_and_shopper_is_403(anon, alice_api):
    response = anon.post("/api/authors/", {"name": "Nobody"})
    assert response.status_code == 401
    assert codes(response) == [(None, "not_authenticated")]
    response = alice_api.post("/api/authors/", {"name": "Nobody"})
    assert response.status_code == 403
    assert codes(response) == [(None, "permission_denied")]
    assert not Author.objects.exists()
