from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from catalog.errors import NotAuthenticated
from catalog.models import Cart
from catalog.selectors import cart_get
from catalog.services import cart_item_add
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


def test_cart_get_of_a_new_user_is_empty_and_writes_nothing(alice, django_assert_num_queries):
    with django_assert_num_queries(1):
        cart = cart_get(user=alice)
        assert (cart.copy_count, cart.total, list(cart.items.all())) == (0, Decimal("0.00"), [])
    assert cart.pk == alice.pk
    assert not Cart.objects.exists()


def test_cart_get_needs_a_signed_in_user():
    with pytest.raises(NotAuthenticated):
        cart_get(user=AnonymousUser())


def test_cart_get_totals_are_computed_from_current_prices(alice):
    cheap, dear = BookFactory(price=Decimal("2.50")), BookFactory(price=Decimal("10.00"))
    cart_item_add(user=alice, book_id=cheap.id, quantity=2)
    cart_item_add(user=alice, book_id=dear.id, quantity=1)
    cart = cart_get(user=alice)
    assert [(i.unit_price, i.line_total) for i in cart.items.all()] == [
        (Decimal("2.50"), Decimal("5.00")),
        (Decimal("10.00"), Decimal("10.00")),
    ]
    assert (cart.copy_count, cart.total) == (3, Decimal("15.00"))
