import pytest
from django.core.exceptions import ValidationError
from rest_framework.authtoken.models import Token

from catalog.services import token_create
from tests.catalog.helpers import error_pairs

pytestmark = pytest.mark.django_db


def test_token_create_returns_the_same_token_each_time(alice):
    key = token_create(username="alice", password="secret-pass-123")
    assert key == token_create(username="alice", password="secret-pass-123")
    assert Token.objects.get(user=alice).key == key


@pytest.mark.parametrize(
    ("username", "password"), [("alice", "wrong"), ("nobody", "secret-pass-123"), ("alice", "  "), (" alice", "wrong")]
)
def test_token_create_with_bad_credentials(alice, username, password):
    with pytest.raises(ValidationError) as exc:
        token_create(username=username, password=password)
    assert error_pairs(exc.value) == [(None, "invalid_credentials")]
    assert not Token.objects.exists()


def test_token_create_refuses_inactive_users(alice):
    alice.is_active = False
    alice.save()
    with pytest.raises(ValidationError):
        token_create(username="alice", password="secret-pass-123")


@pytest.mark.parametrize(
    ("username", "password", "errors"),
    [
        ("", "", [("password", "required"), ("username", "required")]),
        (" \t", "secret-pass-123", [("username", "required")]),
        ("alice", "", [("password", "required")]),
        (None, None, [("password", "required"), ("username", "required")]),
        ("al\x00ice", "secret-pass-123", [("username", "invalid_characters")]),
        ("alice", "pa\ud800ss", [("password", "invalid_characters")]),
    ],
)
def test_token_create_refuses_missing_or_unreadable_credentials(alice, username, password, errors):
    with pytest.raises(ValidationError) as exc:
        token_create(username=username, password=password)
    assert sorted(error_pairs(exc.value)) == errors
    assert not Token.objects.exists()


def test_token_create_reads_the_username_without_surrounding_blanks(alice):
    assert token_create(username=" alice\n", password="secret-pass-123")
