from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def client_for(user=None) -> APIClient:
    """An API client, signed in with the user's token when a user is given."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def codes(response) -> list[tuple[str | None, str]]:
    """The (field, code) pairs of an error response, after checking its shape."""
    body = response.json()
    assert set(body) == {"errors"}, body
    for item in body["errors"]:
        assert set(item) == {"field", "code", "message"}, item
        assert item["message"], item
    return [(item["field"], item["code"]) for item in body["errors"]]
