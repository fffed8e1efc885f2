import pytest

from catalog.models import Cart
from catalog.services import cart_item_add, checkout
from tests.api_graphql.conftest import gid

pytestmark = pytest.mark.django_db

QUERY = """query($id: ID!) { node(id: $id) { __typename id
    ... on Book { title } ... on Author { name } ... on User { username } ... on CartItem { quantity }
    ... on Cart { copyCount } ... on Order { total } ... on OrderLine { title } } }"""


@pytest.fixture
def things(alice, book, author):
    item, _ = cart_item_add(user=alice, book_id=book.pk, quantity=1)
    order = checkout(user=alice)
    line = order.lines.get()
    cart_item_add(user=alice, book_id=book.pk, quantity=2)
    cart = Cart.objects.get(user=alice)
    item = cart.items.get()
    return {
        "Book": (book.pk, {"title": "The Dispossessed"}),
        "Author": (author.pk, {"name": "Ursula K. Le Guin"}),
        "User": (alice.pk, {"username": "alice"}),
        "Cart": (cart.pk, {"copyCount": 2}),
        "CartItem": (item.pk, {"quantity": 2}),
        "Order": (order.pk, {"total": "10.00"}),
        "OrderLine": (line.pk, {"title": "The Dispossessed"}),
    }


@pytest.mark.parametrize("type_name", ["Book", "Author", "User", "Cart", "CartItem", "Order", "OrderLine"])
def test_node_finds_every_type_by_global_id(gql, alice, things, type_name):
    pk, fields = things[type_name]
    answer = gql(QUERY, {"id": gid(type_name, pk)}, user=alice)
    assert not answer.errors, answer.errors
    assert answer.data["node"] == {"__typename": type_name, "id": gid(type_name, pk), **fields}


@pytest.mark.parametrize("type_name", ["User", "Cart", "CartItem", "Order", "OrderLine"])
def test_node_of_someone_else_is_like_a_missing_one(gql, bob, things, type_name):
    pk, _ = things[type_name]
    foreign = gql(QUERY, {"id": gid(type_name, pk)}, user=bob)
    missing = gql(QUERY, {"id": gid(type_name, pk + 1000)}, user=bob)
    assert foreign.data == missing.data == {"node": None}
    assert foreign.codes == missing.codes == [(None, "not_found")]


@pytest.mark.parametrize("value", ["1", "garbage", gid("Nope", 1), gid("Book", "x")])
def test_node_needs_a_valid_global_id(gql, book, value):
    answer = gql(QUERY, {"id": value})
    assert answer.data == {"node": None}
    assert answer.codes == [("id", "not_found")]


def test_node_public_types_need_no_sign_in(gql, things):
    pk, _ = things["Book"]
    assert gql(QUERY, {"id": gid("Book", pk)}).data["node"]["title"] == "The Dispossessed"
    pk, _ = things["Order"]
    assert gql(QUERY, {"id": gid("Order", pk)}).codes == [(None, "not_authenticated")]
