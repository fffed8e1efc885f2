import pytest
from rest_framework.authtoken.models import Token

from tests.api_graphql.conftest import payload_codes

pytestmark = pytest.mark.django_db

MUTATION = """mutation($username: String!, $password: String!) {
  tokenCreate(username: $username, password: $password) { token errors { field code message } }
}"""


def test_token_create_gives_a_token_that_signs_in(gql, alice):
    payload = gql(MUTATION, {"username": "alice", "password": "secret-pass-123"}).payload("tokenCreate")
    assert payload["errors"] == []
    assert payload["token"] == Token.objects.get(user=alice).key
    me = gql("{ me { username } }", headers={"Authorization": f"Token {payload['token']}"})
    assert me.data == {"me": {"username": "alice"}}
    again = gql(MUTATION, {"username": "alice", "password": "secret-pass-123"}).payload("tokenCreate")
    assert again["token"] == payload["token"]


def test_token_create_invalid_credentials(gql, alice):
    # The credential rules are tested in tests/catalog; here, how the payload carries one.
    payload = gql(MUTATION, {"username": "alice", "password": "wrong"}).payload("tokenCreate")
    assert payload["token"] is None
    assert payload_codes(payload) == [(None, "invalid_credentials")]


@pytest.mark.parametrize(
    ("variables", "errors"),
    [
        ({"username": None, "password": "secret-pass-123"}, [("username", "required")]),
        ({"username": "alice", "password": None}, [("password", "required")]),
    ],
)
def test_token_create_missing_null_or_unreadable_credentials(gql, alice, variables, errors):
    nullable = MUTATION.replace("String!", "String")
    payload = gql(nullable, variables).payload("tokenCreate")
    assert payload["token"] is None
    assert sorted(payload_codes(payload)) == errors


def test_token_create_refuses_inactive_users(gql, alice):
    alice.is_active = False
    alice.save()
    payload = gql(MUTATION, {"username": "alice", "password": "secret-pass-123"}).payload("tokenCreate")
    assert payload_codes(payload) == [(None, "invalid_credentials")]
