import pytest

from catalog.selectors import order_list
from catalog.services import cart_item_add, checkout

pytestmark = pytest.mark.django_db


def test_order_list_holds_the_users_own_orders_only(alice, bob, book):
    cart_item_add(user=alice, book_id=book.id)
    order = checkout(user=alice)
    assert list(order_list(user=alice)) == [order]
    assert list(order_list(user=bob)) == []
