import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from catalog.errors import NotAuthenticated, NotFound
from catalog.models import Cart, CartItem
from catalog.selectors import cart_get
from catalog.services import cart_clear, cart_item_add, cart_item_remove, cart_item_update, checkout
from tests.catalog.helpers import error_pairs
from tests.catalog.rules import CART_ITEM_ADD_INVALID, CART_ITEM_UPDATE_INVALID
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


def test_only_adding_a_book_makes_a_cart(alice, book):
    cart_clear(user=alice)
    with pytest.raises(NotFound):
        cart_item_update(user=alice, item_id=1, quantity=2)
    with pytest.raises(NotFound):
        cart_item_remove(user=alice, item_id=1)
    with pytest.raises(ValidationError) as exc:
        checkout(user=alice)
    assert error_pairs(exc.value) == [(None, "empty_cart")]
    assert not Cart.objects.exists()
    cart_item_add(user=alice, book_id=book.id, quantity=1)
    assert Cart.objects.get().pk == alice.pk == cart_get(user=alice).pk


def test_cart_item_add_new_line_then_merge(alice, book):
    item, created = cart_item_add(user=alice, book_id=book.id, quantity=2)
    assert (created, item.quantity) == (True, 2)
    merged, created = cart_item_add(user=alice, book_id=str(book.id), quantity=1)
    assert (created, merged.pk, merged.quantity) == (False, item.pk, 3)
    assert CartItem.objects.count() == 1


@pytest.mark.parametrize(("stock", "quantity", "expected"), CART_ITEM_ADD_INVALID)
def test_cart_item_add_rejects_bad_quantities(alice, stock, quantity, expected):
    book = BookFactory(stock=stock)
    with pytest.raises(ValidationError) as exc:
        cart_item_add(user=alice, book_id=book.id, quantity=quantity)
    assert error_pairs(exc.value) == expected
    assert not CartItem.objects.exists()


def test_cart_item_add_merge_beyond_99_is_invalid_quantity(alice):
    book = BookFactory(stock=500)
    cart_item_add(user=alice, book_id=book.id, quantity=60)
    with pytest.raises(ValidationError) as exc:
        cart_item_add(user=alice, book_id=book.id, quantity=40)
    assert error_pairs(exc.value) == [("quantity", "invalid_quantity")]
    assert CartItem.objects.get().quantity == 60


def test_cart_item_add_merge_beyond_stock_is_insufficient_stock(alice, book):
    cart_item_add(user=alice, book_id=book.id, quantity=4)
    with pytest.raises(ValidationError) as exc:
        cart_item_add(user=alice, book_id=book.id, quantity=2)
    assert error_pairs(exc.value) == [("quantity", "insufficient_stock")]
    assert CartItem.objects.get().quantity == 4


@pytest.mark.parametrize("book_id", [987654, "abc", None, 0])
def test_cart_item_add_unknown_book_is_not_found(alice, book_id):
    with pytest.raises(NotFound) as exc:
        cart_item_add(user=alice, book_id=book_id)
    assert exc.value.field == "book_id"


def test_cart_item_add_needs_a_signed_in_user(book):
    with pytest.raises(NotAuthenticated):
        cart_item_add(user=AnonymousUser(), book_id=book.id)


def test_cart_item_update_sets_quantity(alice, book):
    item, _ = cart_item_add(user=alice, book_id=book.id)
    assert cart_item_update(user=alice, item_id=item.id, quantity=4).quantity == 4


@pytest.mark.parametrize(("quantity", "code"), CART_ITEM_UPDATE_INVALID)
def test_cart_item_update_rejects_bad_quantity_and_keeps_line(alice, book, quantity, code):
    item, _ = cart_item_add(user=alice, book_id=book.id, quantity=2)
    with pytest.raises(ValidationError) as exc:
        cart_item_update(user=alice, item_id=item.id, quantity=quantity)
    assert error_pairs(exc.value) == [("quantity", code)]
    item.refresh_from_db()
    assert item.quantity == 2


def test_someone_elses_cart_line_is_not_found(alice, bob, book):
    item, _ = cart_item_add(user=alice, book_id=book.id, quantity=2)
    with pytest.raises(NotFound):
        cart_item_update(user=bob, item_id=item.id, quantity=1)
    with pytest.raises(NotFound):
        cart_item_remove(user=bob, item_id=item.id)
    item.refresh_from_db()
    assert item.quantity == 2


def test_cart_item_remove_and_missing_line(alice, book):
    item, _ = cart_item_add(user=alice, book_id=book.id)
    cart_item_remove(user=alice, item_id=item.id)
    assert not CartItem.objects.exists()
    with pytest.raises(NotFound):
        cart_item_remove(user=alice, item_id=item.id)


def test_cart_clear_empties_only_the_users_cart(alice, bob, book):
    cart_item_add(user=alice, book_id=book.id)
    cart_item_add(user=bob, book_id=book.id)
    cart_clear(user=alice)
    assert cart_get(user=alice).copy_count == 0
    assert cart_get(user=bob).copy_count == 1


def test_cart_writes_need_a_signed_in_user():
    anonymous = AnonymousUser()
    for call in (
        lambda: cart_item_update(user=anonymous, item_id=1, quantity=1),
        lambda: cart_item_remove(user=anonymous, item_id=1),
        lambda: cart_clear(user=anonymous),
    ):
        with pytest.raises(NotAuthenticated):
            call()
