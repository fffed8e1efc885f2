import pytest

from catalog.services import cart_item_add, checkout
from tests.api_graphql.conftest import gid

pytestmark = pytest.mark.django_db

QUERY = "query($id: ID!) { order(id: $id) { id databaseId total lines { title book { title } } } }"


@pytest.fixture
def order(alice, book):
    cart_item_add(user=alice, book_id=book.pk, quantity=2)
    return checkout(user=alice)


def test_order_get_by_database_id_and_global_id(gql, alice, order):
    for value in (str(order.pk), gid("Order", order.pk)):
        answer = gql(QUERY, {"id": value}, user=alice)
        assert answer.data["order"] == {
            "id": gid("Order", order.pk),
            "databaseId": order.pk,
            "total": "20.00",
            "lines": [{"title": "The Dispossessed", "book": {"title": "The Dispossessed"}}],
        }


def test_someone_elses_order_is_exactly_like_a_missing_one(gql, bob, order):
    foreign = gql(QUERY, {"id": str(order.pk)}, user=bob)
    missing = gql(QUERY, {"id": str(order.pk + 1000)}, user=bob)
    assert foreign.body == missing.body
    assert foreign.data == {"order": None}
    assert foreign.codes == [(None, "not_found")]


def test_order_get_needs_a_signed_in_user(gql, order):
    answer = gql(QUERY, {"id": str(order.pk)})
    assert answer.data == {"order": None}
    assert answer.codes == [(None, "not_authenticated")]
