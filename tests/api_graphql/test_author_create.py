import pytest

from catalog.models import Author
from tests.api_graphql.conftest import gid, payload_codes

pytestmark = pytest.mark.django_db

MUTATION = """mutation($name: String, $bio: String) {
  authorCreate(name: $name, bio: $bio) { author { id databaseId name bio bookCount } errors { field code message } }
}"""


def create(gql, user, **variables):
    return gql(MUTATION, variables, user=user).payload("authorCreate")


def test_author_create(gql, staff):
    payload = create(gql, staff, name="  Octavia E. Butler ", bio="Kindred.")
    author = Author.objects.get()
    assert payload == {
        "author": {
            "id": gid("Author", author.pk),
            "databaseId": author.pk,
            "name": "Octavia E. Butler",
            "bio": "Kindred.",
            "bookCount": 0,
        },
        "errors": [],
    }


@pytest.mark.parametrize(
    ("variables", "errors"),
    [
        # The name rules are tested in tests/catalog; here, an omitted variable and one rule.
        ({}, [("name", "required")]),
        ({"name": "x" * 201}, [("name", "max_length")]),
    ],
)
def test_author_create_invalid(gql, staff, variables, errors):
    assert payload_codes(create(gql, staff, **variables)) == errors
    assert not Author.objects.exists()


def test_author_create_needs_staff(gql, alice):
    assert payload_codes(create(gql, alice, name="X")) == [(None, "permission_denied")]
    assert payload_codes(create(gql, None, name="X")) == [(None, "not_authenticated")]
    assert not Author.objects.exists()
