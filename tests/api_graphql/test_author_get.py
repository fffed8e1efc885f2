import pytest

from tests.api_graphql.conftest import gid

pytestmark = pytest.mark.django_db

QUERY = """query($id: ID!) { author(id: $id) {
    id databaseId name bio bookCount books { totalCount edges { node { title } } } } }"""


def test_author_get_by_database_id_and_global_id(gql, book, author):
    for value in (str(author.pk), gid("Author", author.pk)):
        answer = gql(QUERY, {"id": value})
        assert not answer.errors
        assert answer.data["author"] == {
            "id": gid("Author", author.pk),
            "databaseId": author.pk,
            "name": "Ursula K. Le Guin",
            "bio": "Writes books.",
            "bookCount": 1,
            "books": {"totalCount": 1, "edges": [{"node": {"title": "The Dispossessed"}}]},
        }


@pytest.mark.parametrize("value", ["424242", "x", gid("Book", 1)])
def test_author_get_missing_is_null_with_not_found(gql, author, value):
    answer = gql(QUERY, {"id": value})
    assert answer.data == {"author": None}
    assert answer.codes == [(None, "not_found")]
