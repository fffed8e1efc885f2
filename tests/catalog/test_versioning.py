"""Every write that catalog reads can see moves the catalog version; nothing else does."""

from decimal import Decimal

import pytest
from django.test import Client

from catalog import services
from catalog.demo import SeedReport, seed_synthetic_books
from catalog.models import Author, Book, BookAuthor
from catalog.versioning import bump_catalog_version, catalog_version
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved():
    """Call it after a write: True once if the version moved since the last call."""
    last = [catalog_version()]

    def check() -> bool:
        now = catalog_version()
        changed, last[0] = now != last[0], now
        return changed

    return check


def test_book_and_author_services_move_the_version(staff, author, moved):
    book = services.book_create(actor=staff, title="T", isbn="9780306406157", price="1.00", author_ids=[author.pk])
    assert moved()
    services.book_update(actor=staff, book_id=book.pk, price="2.00")
    assert moved()
    services.book_update(actor=staff, book_id=book.pk, author_ids=[])
    assert moved()
    services.book_delete(actor=staff, book_id=book.pk)
    assert moved()
    services.author_update(actor=staff, author_id=author.pk, bio="New.")
    assert moved()
    services.author_delete(actor=staff, author_id=author.pk)
    assert moved()
    services.author_create(actor=staff, name="N")
    assert moved()


def test_a_refused_write_leaves_the_version(staff, book, moved):
    with pytest.raises(Exception):  # noqa: B017 (any refusal)
        services.book_update(actor=staff, book_id=book.pk, price="-1")
    assert not moved()


def test_checkout_moves_the_version_and_a_short_checkout_does_not(alice, book, moved):
    services.cart_item_add(user=alice, book_id=book.pk, quantity=1)
    assert not moved()  # a cart is no catalog read
    services.checkout(user=alice)
    assert moved()
    services.cart_item_add(user=alice, book_id=book.pk, quantity=1)
    Book.objects.filter(pk=book.pk).update(stock=0)
    with pytest.raises(Exception):  # noqa: B017
        services.checkout(user=alice)
    assert not moved()


def test_admin_saves_deletes_and_inline_changes_move_the_version(admin_client, book, moved):
    link = BookAuthor.objects.get(book=book)
    response = admin_client.post(
        f"/admin/catalog/book/{book.pk}/change/",
        {
            "title": book.title,
            "subtitle": "",
            "isbn": book.isbn,
            "price": "3.00",
            "stock": "1",
            "published_date": "",
            "description": "",
            "author_links-TOTAL_FORMS": "1",
            "author_links-INITIAL_FORMS": "1",
            "author_links-MIN_NUM_FORMS": "0",
            "author_links-MAX_NUM_FORMS": "1000",
            "author_links-0-id": str(link.pk),
            "author_links-0-book": str(book.pk),
            "author_links-0-author": str(link.author_id),
            "author_links-0-position": "0",
            "author_links-0-DELETE": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert moved()
    assert not BookAuthor.objects.filter(pk=link.pk).exists()
    assert Book.objects.get(pk=book.pk).price == Decimal("3.00")
    response = admin_client.post(
        "/admin/catalog/author/", {"action": "delete_selected", "_selected_action": [link.author_id], "post": "yes"}
    )
    assert response.status_code == 302
    assert not Author.objects.filter(pk=link.author_id).exists()
    assert moved()
    admin_client.post(f"/admin/catalog/book/{book.pk}/delete/", {"post": "yes"})
    assert not Book.objects.filter(pk=book.pk).exists()
    assert moved()


def test_bulk_loads_move_the_version(moved):
    seed_synthetic_books(3, SeedReport())
    assert moved()


def test_model_saves_anywhere_move_the_version(moved):
    BookFactory()
    assert moved()


def test_the_version_row_comes_back_if_it_was_lost(moved):
    from catalog.models import CatalogVersion

    CatalogVersion.objects.all().delete()
    assert catalog_version() == 1
    bump_catalog_version()
    assert catalog_version() not in (1, None)


def test_a_rolled_back_write_never_lends_its_version_to_a_later_one(shelf):
    """A read inside a write's transaction is cached under that write's version; after the
    rollback, the next real write must not reuse the version and so revive that answer."""
    from django.db import transaction

    class RolledBack(Exception):
        pass

    hobbit = shelf["hobbit"]
    client = Client()
    path = f"/api/books/{hobbit.pk}/"
    before = catalog_version()
    with pytest.raises(RolledBack), transaction.atomic():
        Book.objects.filter(pk=hobbit.pk).update(title="Never committed")
        bump_catalog_version()
        assert client.get(path).json()["title"] == "Never committed"  # stored under this version
        raise RolledBack
    assert catalog_version() == before
    hobbit.title = "Committed"
    hobbit.save()
    assert client.get(path).json()["title"] == "Committed"


def test_no_two_writes_share_a_version():
    seen = {catalog_version()}
    for _ in range(200):
        bump_catalog_version()
        seen.add(catalog_version())
    assert len(seen) == 201


def test_reads_and_carts_leave_the_version(alice, book, moved):
    Client().get("/api/books/")
    Client().get(f"/books/{book.pk}/")
    services.cart_item_add(user=alice, book_id=book.pk)
    assert not moved()
