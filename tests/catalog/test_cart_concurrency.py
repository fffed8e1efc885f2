"""Cart-line writes racing the removal of their book, on PostgreSQL's real row locks."""

from functools import partial

import pytest
from django.core.exceptions import ObjectDoesNotExist, ValidationError

from catalog.errors import validation_error_items
from catalog.models import Book, CartItem
from catalog.services import book_delete, cart_item_add, cart_item_update, checkout
from tests.concurrency import run_at_once
from tests.factories import BookFactory, CartItemFactory, StaffFactory, UserFactory

ROUNDS = 30


def _outcome(result: object) -> str:
    """ "ok", a catalogue code, or (what the test is looking for: a 500) an exception's name."""
    if isinstance(result, ValidationError):
        return ",".join(item.code for item in validation_error_items(result))
    if isinstance(result, ObjectDoesNotExist):
        return str(getattr(result, "code", "not_found"))
    if isinstance(result, Exception):
        return f"{type(result).__name__}: {result}"
    return "ok"


def _race(*calls, timeout: float = 30) -> list[str]:
    return [_outcome(result) for result in run_at_once(*calls, timeout=timeout)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cart_item_update_racing_the_removal_of_its_book_answers_ok_or_not_found():
    editor = StaffFactory()
    seen = set()
    for _ in range(ROUNDS):
        item = CartItemFactory(cart__user=UserFactory(), book=BookFactory(stock=50), quantity=1)
        user, book_id = item.cart.user, item.book_id
        update, delete = _race(
            partial(cart_item_update, user=user, item_id=item.pk, quantity=3),
            partial(book_delete, actor=editor, book_id=book_id),
        )
        seen.add(update)
        assert update in {"ok", "not_found"}, update
        assert delete == "ok", delete
        assert not Book.objects.filter(pk=book_id).exists()
        assert not CartItem.objects.filter(book_id=book_id).exists()
    assert seen <= {"ok", "not_found"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cart_item_add_racing_the_removal_of_its_book_answers_ok_or_not_found():
    editor = StaffFactory()
    for _ in range(ROUNDS):
        user, book = UserFactory(), BookFactory(stock=50)
        add, delete = _race(
            partial(cart_item_add, user=user, book_id=book.pk, quantity=2),
            partial(book_delete, actor=editor, book_id=book.pk),
        )
        assert add in {"ok", "not_found"}, add
        assert delete == "ok", delete
        assert not CartItem.objects.filter(book_id=book.pk).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_checkout_racing_the_removal_of_a_book_in_the_cart_orders_it_or_refuses_it():
    editor = StaffFactory()
    for _ in range(ROUNDS):
        item = CartItemFactory(cart__user=UserFactory(), book=BookFactory(stock=50), quantity=1)
        user, book_id = item.cart.user, item.book_id
        ordered, delete = _race(partial(checkout, user=user), partial(book_delete, actor=editor, book_id=book_id))
        # Ordered first, or refused: the book went meanwhile (409) or its line went with it.
        assert ordered in {"ok", "insufficient_stock", "empty_cart"}, ordered
        assert delete == "ok", delete
        assert not Book.objects.filter(pk=book_id).exists()
