import pytest
from django.core.exceptions import ValidationError
from rest_framework.authtoken.models import Token

from catalog.services import token_create
from tests.catalog.helpers import error_pairs
from tests.catalog.rules import TOKEN_CREATE_INVALID

pytestmark = pytest.mark.django_db


def test_token_create_returns_the_same_token_each_time(alice):
    key = token_create(username="alice", password="secret-pass-123")
    assert key == token_create(username="alice", password="secret-pass-123")
    assert Token.objects.get(user=alice).key == key


@pytest.mark.parametrize(("username", "password", "errors"), TOKEN_CREATE_INVALID)
def test_token_create_refuses_bad_missing_or_unreadable_credentials(alice, username, password, errors):
    with pytest.raises(ValidationError) as exc:
        token_create(username=username, password=password)
    assert sorted(error_pairs(exc.value)) == errors
    assert not Token.objects.exists()


def test_token_create_refuses_inactive_users(alice):
    alice.is_active = False
    alice.save()
    with pytest.raises(ValidationError):
        token_create(username="alice", password="secret-pass-123")


def test_token_create_reads_the_username_without_surrounding_blanks(alice):
    assert token_create(username=" alice\n", password="secret-pass-123")
