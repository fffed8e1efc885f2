import pytest

from catalog.models import Author, Book
from tests.api_graphql.conftest import gid, payload_codes

pytestmark = pytest.mark.django_db

MUTATION = "mutation($id: ID!) { authorDelete(id: $id) { deletedId errors { field code message } } }"


def delete(gql, user, value):
    return gql(MUTATION, {"id": value}, user=user).payload("authorDelete")


def test_author_delete_keeps_their_books(gql, staff, author, book):
    payload = delete(gql, staff, gid("Author", author.pk))
    assert payload == {"deletedId": gid("Author", author.pk), "errors": []}
    assert not Author.objects.exists()
    assert Book.objects.get().authors.count() == 0
    assert payload_codes(delete(gql, staff, str(author.pk))) == [(None, "not_found")]


def test_author_delete_needs_staff(gql, alice, author):
    assert payload_codes(delete(gql, alice, str(author.pk))) == [(None, "permission_denied")]
    assert payload_codes(delete(gql, None, str(author.pk))) == [(None, "not_authenticated")]
    assert Author.objects.exists()
