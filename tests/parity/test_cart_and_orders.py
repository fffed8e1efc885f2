"""Carts, checkout and orders: the same outcome and error codes through both APIs."""

import pytest

from catalog.models import Book, CartItem, Order
from tests.catalog.rules import CART_ITEM_ADD_INVALID, CART_ITEM_UPDATE_INVALID
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


def test_cart_item_add_merge_and_cart_get(both, alice, book):
    results = []
    for api in both:
        CartItem.objects.all().delete()
        added = api.cart_item_add(alice, book.id, 2)
        merged = api.cart_item_add(alice, book.id, 1)
        cart = api.cart_get(alice)
        assert added.errors == merged.errors == cart.errors == []
        assert merged.data["quantity"] == 3
        assert (cart.data["copy_count"], cart.data["total"]) == (3, "30.00")
        results.append(_without_ids(cart.data))
    assert results[0] == results[1]


def _without_ids(cart):
    return {**cart, "id": None, "items": [{**i, "id": None} for i in cart["items"]]}


def _an_int_both_carry(quantity) -> bool:
    # Other values are refused by REST's serializer and by GraphQL's Int before the rules.
    return type(quantity) is int and -(2**31) <= quantity < 2**31


@pytest.mark.parametrize(
    ("stock", "quantity", "errors"), [row for row in CART_ITEM_ADD_INVALID if _an_int_both_carry(row.values[1])]
)
def test_cart_item_add_is_the_same_on_both_apis(api, alice, stock, quantity, errors):
    book = BookFactory(stock=stock)
    assert api.cart_item_add(alice, book.id, quantity).errors == errors


def test_cart_item_add_unknown_book_and_anonymous(api, alice, book):
    assert api.cart_item_add(alice, 999999, 1).errors == [("book_id", "not_found")]
    assert api.cart_item_add(None, book.id, 1).errors == [(None, "not_authenticated")]
    assert not CartItem.objects.exists()


def test_someone_elses_cart_line_is_like_a_missing_one(api, alice, bob, book):
    line = api.cart_item_add(alice, book.id, 2).data["id"]
    missing = line + 1000
    for item_id in (line, missing):
        assert api.cart_item_update(bob, item_id, 1).errors == [(None, "not_found")]
        assert api.cart_item_remove(bob, item_id).errors == [(None, "not_found")]
    assert CartItem.objects.get().quantity == 2


def test_cart_item_update_remove_and_clear(api, alice, book):
    line = api.cart_item_add(alice, book.id, 1).data["id"]
    assert api.cart_item_update(alice, line, 4).data["quantity"] == 4
    for quantity, code in (row.values for row in CART_ITEM_UPDATE_INVALID):
        assert api.cart_item_update(alice, line, quantity).errors == [("quantity", code)]
    assert api.cart_item_remove(alice, line).errors == []
    api.cart_item_add(alice, book.id, 1)
    assert api.cart_clear(alice).errors == []
    assert api.cart_get(alice).data["items"] == []
    assert api.cart_clear(None).errors == [(None, "not_authenticated")]


def test_checkout_and_orders(both, alice, bob):
    orders = []
    for api in both:
        book = BookFactory(title=f"Book for {api.name}", stock=5)
        api.cart_item_add(alice, book.id, 2)
        outcome = api.checkout(alice)
        assert outcome.errors == []
        assert (outcome.data["total"], outcome.data["copy_count"]) == ("20.00", 2)
        assert api.order_get(alice, outcome.data["id"]).data == outcome.data
        assert api.order_get(bob, outcome.data["id"]).errors == [(None, "not_found")]
        assert api.order_get(alice, outcome.data["id"] + 1000).errors == [(None, "not_found")]
        orders.append(outcome.data)
    rest, graphql = (api.order_list(alice) for api in both)
    assert rest.data == graphql.data == list(reversed(orders))
    assert both[0].order_list(bob).data == both[1].order_list(bob).data == []


def test_checkout_errors(api, alice):
    assert api.checkout(alice).errors == [(None, "empty_cart")]
    book = BookFactory(stock=2)
    api.cart_item_add(alice, book.id, 2)
    Book.objects.filter(pk=book.pk).update(stock=1)
    assert api.checkout(alice).errors == [(None, "insufficient_stock")]
    assert not Order.objects.exists()
    assert CartItem.objects.get().quantity == 2
    assert api.checkout(None).errors == [(None, "not_authenticated")]


def test_orders_need_a_signed_in_user(api):
    assert api.order_list(None).errors == [(None, "not_authenticated")]


def test_token_create(api, alice):
    outcome = api.token_create("alice", "secret-pass-123")
    assert outcome.errors == [] and len(outcome.data["token"]) == 40
    assert api.token_create("alice", "wrong").errors == [(None, "invalid_credentials")]
