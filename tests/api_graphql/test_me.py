import pytest

from catalog.services import cart_item_add, checkout
from tests.api_graphql.conftest import gid

pytestmark = pytest.mark.django_db


def test_me_is_null_when_signed_out(gql):
    answer = gql("{ me { username } }")
    assert answer.status == 200 and not answer.errors
    assert answer.data == {"me": None}


def test_me_shows_the_signed_in_user_with_cart_and_orders(gql, alice, book):
    cart_item_add(user=alice, book_id=book.pk, quantity=1)
    checkout(user=alice)
    cart_item_add(user=alice, book_id=book.pk, quantity=2)
    answer = gql(
        "{ me { id databaseId username cart { copyCount } orders { totalCount edges { node { copyCount } } } } }",
        user=alice,
    )
    assert not answer.errors
    assert answer.data["me"] == {
        "id": gid("User", alice.pk),
        "databaseId": alice.pk,
        "username": "alice",
        "cart": {"copyCount": 2},
        "orders": {"totalCount": 1, "edges": [{"node": {"copyCount": 1}}]},
    }


@pytest.mark.parametrize("field", ["email", "password", "isStaff", "isSuperuser", "firstName"])
def test_user_shows_no_private_fields(gql, alice, field):
    answer = gql(f"{{ me {{ {field} }} }}", user=alice)
    assert answer.status == 400
    assert answer.codes == [(None, "invalid")]
