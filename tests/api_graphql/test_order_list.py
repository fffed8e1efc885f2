import pytest

from catalog.services import cart_item_add, checkout
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

QUERY = """query($first: Int, $after: String) { orders(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { databaseId total copyCount createdAt
                   lines { bookId title isbn quantity unitPrice lineTotal } } } } }"""


def buy(user, book, quantity):
    cart_item_add(user=user, book_id=book.pk, quantity=quantity)
    return checkout(user=user)


def test_order_list_holds_the_users_own_orders_newest_first(gql, alice, bob, book):
    first = buy(alice, book, 1)
    second = buy(alice, book, 2)
    buy(bob, book, 1)
    answer = gql(QUERY, user=alice)
    orders = answer.data["orders"]
    assert orders["totalCount"] == 2
    assert [e["node"]["databaseId"] for e in orders["edges"]] == [second.pk, first.pk]
    assert orders["edges"][0]["node"]["lines"] == [
        {
            "bookId": book.pk,
            "title": "The Dispossessed",
            "isbn": book.isbn,
            "quantity": 2,
            "unitPrice": "10.00",
            "lineTotal": "20.00",
        }
    ]
    assert orders["edges"][0]["node"]["total"] == "20.00"
    assert orders["edges"][0]["node"]["copyCount"] == 2


def test_order_list_pages_by_cursor(gql, alice, book):
    made = [buy(alice, book, 1).pk for _ in range(3)]
    page = gql(QUERY, {"first": 2}, user=alice).data["orders"]
    assert [e["node"]["databaseId"] for e in page["edges"]] == made[::-1][:2]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = gql(QUERY, {"first": 2, "after": page["pageInfo"]["endCursor"]}, user=alice).data["orders"]
    assert [e["node"]["databaseId"] for e in rest["edges"]] == [made[0]]


def test_order_list_keeps_lines_of_deleted_books(gql, alice, book):
    buy(alice, book, 1)
    book.delete()
    line = gql("{ orders { edges { node { lines { bookId book { title } title } } } } }", user=alice).data
    assert line["orders"]["edges"][0]["node"]["lines"] == [{"bookId": None, "book": None, "title": "The Dispossessed"}]


def test_order_list_needs_a_signed_in_user(gql, book):
    answer = gql(QUERY)
    assert answer.data == {"orders": None}
    assert answer.codes == [(None, "not_authenticated")]


def test_order_list_of_a_user_without_orders_is_empty(gql, bob):
    assert gql(QUERY, user=bob).data["orders"]["edges"] == []


def test_order_list_count_is_exact_up_to_the_cap_then_a_lower_bound(gql, alice, settings):
    settings.COUNT_EXACT_UP_TO = 3
    book = BookFactory(stock=50)
    for _ in range(4):
        buy(alice, book, 1)
    counted = "totalCount totalCountIsExact"
    answer = gql(f"{{ orders {{ {counted} }} me {{ orders {{ {counted} }} }} }}", user=alice)
    assert answer.errors == []
    expected = {"totalCount": 3, "totalCountIsExact": False}
    assert answer.data == {"orders": expected, "me": {"orders": expected}}
