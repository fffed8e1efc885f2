import pytest

from tests.api_graphql.conftest import gid, payload_codes

pytestmark = pytest.mark.django_db

MUTATION = """mutation($id: ID!, $name: String, $bio: String) {
  authorUpdate(id: $id, name: $name, bio: $bio) { author { name bio } errors { field code message } }
}"""


def update(gql, user, **variables):
    return gql(MUTATION, variables, user=user).payload("authorUpdate")


@pytest.mark.parametrize("form", ["database", "global"])
def test_author_update(gql, staff, author, form):
    value = str(author.pk) if form == "database" else gid("Author", author.pk)
    payload = update(gql, staff, id=value, bio="Earthsea.")
    assert payload == {"author": {"name": "Ursula K. Le Guin", "bio": "Earthsea."}, "errors": []}


def test_author_update_invalid_and_missing(gql, staff, author):
    assert payload_codes(update(gql, staff, id=str(author.pk), name="")) == [("name", "required")]
    assert payload_codes(update(gql, staff, id="987654", bio="x")) == [(None, "not_found")]
    author.refresh_from_db()
    assert author.name == "Ursula K. Le Guin"


def test_author_update_needs_staff(gql, alice, author):
    assert payload_codes(update(gql, alice, id=str(author.pk), bio="x")) == [(None, "permission_denied")]
    assert payload_codes(update(gql, None, id=str(author.pk), bio="x")) == [(None, "not_authenticated")]
