import pytest
from rest_framework.authtoken.models import Token

from tests.api_rest.helpers import codes

pytestmark = pytest.mark.django_db


def test_token_create_gives_a_token_that_signs_you_in(anon, alice):
    response = anon.post("/api/auth/token/", {"username": "alice", "password": "secret-pass-123"})
    assert response.status_code == 200
    token = response.json()["token"]
    assert response.json() == {"token": Token.objects.get(user=alice).key}
    assert anon.get("/api/cart/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    again = anon.post("/api/auth/token/", {"username": "alice", "password": "secret-pass-123"})
    assert again.json()["token"] == token


def test_token_create_works_with_form_data(anon, alice):
    response = anon.post("/api/auth/token/", {"username": "alice", "password": "secret-pass-123"}, format="multipart")
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=alice).key}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        # The credential rules are tested in tests/catalog; here, missing keys and one rule.
        ({"username": "alice", "password": "wrong"}, [(None, "invalid_credentials")]),
        ({"username": "alice"}, [("password", "required")]),
        ({"password": "x"}, [("username", "required")]),
    ],
)
def test_token_create_refuses_bad_credentials(anon, alice, body, errors):
    response = anon.post("/api/auth/token/", body)
    assert response.status_code == 400
    assert codes(response) == errors
    assert not Token.objects.exists()


def test_token_create_refuses_an_inactive_user(anon, alice):
    alice.is_active = False
    alice.save()
    response = anon.post("/api/auth/token/", {"username": "alice", "password": "secret-pass-123"})
    assert response.status_code == 400
    assert codes(response) == [(None, "invalid_credentials")]


def test_token_create_ignores_a_stale_token_header(anon, alice):
    response = anon.post(
        "/api/auth/token/",
        {"username": "alice", "password": "secret-pass-123"},
        HTTP_AUTHORIZATION="Token revoked-long-ago",
    )
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=alice).key}
