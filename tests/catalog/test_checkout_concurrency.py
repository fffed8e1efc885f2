import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from catalog.errors import validation_error_items
from catalog.models import Book, CartItem, Order
from catalog.services import checkout
from tests.factories import BookFactory, CartItemFactory, UserFactory

THREADS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_never_oversell_and_failures_change_nothing():
    scarce = BookFactory(title="Scarce", stock=5)
    plenty = BookFactory(title="Plenty", stock=1000)
    users = [UserFactory() for _ in range(THREADS)]
    for user in users:
        CartItemFactory(cart__user=user, book=scarce, quantity=1)
        CartItemFactory(cart__user=user, book=plenty, quantity=2)

    barrier = threading.Barrier(THREADS)
    outcomes: dict[str, str] = {}

    def shop(user):
        try:
            barrier.wait(timeout=30)
            checkout(user=user)
            outcomes[user.username] = "ordered"
        except ValidationError as exc:
            outcomes[user.username] = ",".join(item.code for item in validation_error_items(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=shop, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert Counter(outcomes.values()) == {"ordered": 5, "insufficient_stock": THREADS - 5}
    scarce.refresh_from_db()
    plenty.refresh_from_db()
    assert scarce.stock == 0
    assert plenty.stock == 1000 - 2 * 5
    assert Order.objects.count() == 5
    for user in users:
        lines = sorted(CartItem.objects.filter(cart__user=user).values_list("book__title", "quantity"))
        if outcomes[user.username] == "ordered":
            assert lines == []
        else:
            assert lines == [("Plenty", 2), ("Scarce", 1)]
    assert not Book.objects.filter(stock__lt=0).exists()
