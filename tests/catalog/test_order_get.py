import pytest

from catalog.errors import NotFound
from catalog.models import Order
from catalog.selectors import order_get
from catalog.services import cart_item_add, checkout

pytestmark = pytest.mark.django_db


def test_order_get_finds_the_owners_order_and_no_one_elses(alice, bob, book):
    cart_item_add(user=alice, book_id=book.id)
    order = checkout(user=alice)
    assert order_get(user=alice, order_id=order.id) == order
    with pytest.raises(NotFound):
        order_get(user=bob, order_id=order.id)
    with pytest.raises(NotFound):
        order_get(user=alice, order_id=order.id + 1)
    assert Order.objects.count() == 1
