from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from catalog.errors import NotAuthenticated
from catalog.models import Book, CartItem, Order
from catalog.selectors import cart_get
from catalog.services import cart_item_add, checkout
from tests.catalog.helpers import error_pairs
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


def test_checkout_makes_an_order_takes_stock_and_empties_the_cart(alice):
    first = BookFactory(title="First", price=Decimal("12.50"), stock=5)
    second = BookFactory(title="Second", price=Decimal("3.00"), stock=1)
    cart_item_add(user=alice, book_id=first.id, quantity=2)
    cart_item_add(user=alice, book_id=second.id, quantity=1)
    order = checkout(user=alice)
    assert order.user == alice
    assert order.total == Decimal("28.00")
    assert [(line.title, line.quantity, line.unit_price, line.line_total) for line in order.lines.all()] == [
        ("First", 2, Decimal("12.50"), Decimal("25.00")),
        ("Second", 1, Decimal("3.00"), Decimal("3.00")),
    ]
    assert order.copy_count == 3
    assert dict(Book.objects.values_list("title", "stock")) == {"First": 3, "Second": 0}
    assert cart_get(user=alice).copy_count == 0


def test_checkout_copies_the_price_so_later_changes_do_not_touch_the_order(alice, book):
    cart_item_add(user=alice, book_id=book.id)
    order = checkout(user=alice)
    Book.objects.filter(pk=book.pk).update(price=Decimal("99.00"))
    order.refresh_from_db()
    assert order.total == Decimal("10.00")
    assert order.lines.get().unit_price == Decimal("10.00")


def test_checkout_of_an_empty_cart_is_empty_cart(alice):
    with pytest.raises(ValidationError) as exc:
        checkout(user=alice)
    assert error_pairs(exc.value) == [(None, "empty_cart")]
    assert not Order.objects.exists()


def test_checkout_short_stock_fails_whole_order_and_changes_nothing(alice):
    plenty = BookFactory(title="Plenty", stock=10)
    scarce = BookFactory(title="Scarce", stock=2)
    cart_item_add(user=alice, book_id=plenty.id, quantity=3)
    cart_item_add(user=alice, book_id=scarce.id, quantity=2)
    Book.objects.filter(pk=scarce.pk).update(stock=1)  # someone else bought one meanwhile
    with pytest.raises(ValidationError) as exc:
        checkout(user=alice)
    assert error_pairs(exc.value) == [(None, "insufficient_stock")]
    assert "Scarce" in str(exc.value)
    assert dict(Book.objects.values_list("title", "stock")) == {"Plenty": 10, "Scarce": 1}
    assert not Order.objects.exists()
    assert sorted(CartItem.objects.values_list("book__title", "quantity")) == [("Plenty", 3), ("Scarce", 2)]


def test_checkout_needs_a_signed_in_user():
    with pytest.raises(NotAuthenticated):
        checkout(user=AnonymousUser())
