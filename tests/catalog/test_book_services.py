import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from catalog.errors import ErrorCode, Forbidden, NotAuthenticated, NotFound
from catalog.models import Book, OrderLine
from catalog.services import book_create, book_delete, book_update, cart_item_add, checkout
from tests.catalog.helpers import error_pairs
from tests.catalog.rules import BOOK_CREATE_INVALID, VALID_BOOK
from tests.factories import AuthorFactory, BookFactory

pytestmark = pytest.mark.django_db


def _create(staff, **overrides):
    return book_create(actor=staff, **{**VALID_BOOK, **overrides})


def test_book_create_stores_isbn13_and_authors_in_cover_order(staff):
    first, second = AuthorFactory(name="Zed"), AuthorFactory(name="Amy")
    book = _create(
        staff, isbn="0-441-47812-3", author_ids=[first.id, str(second.id)], published_date=datetime.date(2020, 1, 2)
    )
    assert book.isbn == "9780441478125"
    assert book.price == Decimal("39.00")
    assert [a.name for a in book.authors.all()] == ["Zed", "Amy"]


def test_book_create_ignores_repeated_author_ids(staff, author):
    book = _create(staff, author_ids=[author.id, author.id])
    assert [a.id for a in book.authors.all()] == [author.id]


@pytest.mark.parametrize(("overrides", "expected"), BOOK_CREATE_INVALID)
def test_book_create_rejects_bad_values_with_codes(staff, overrides, expected):
    with pytest.raises(ValidationError) as exc:
        _create(staff, **overrides)
    assert sorted(error_pairs(exc.value)) == expected
    assert not Book.objects.exists()


def test_book_create_reports_every_bad_field_at_once(staff):
    with pytest.raises(ValidationError) as exc:
        _create(staff, title="", price="-5", stock=-1, isbn="nope")
    assert sorted(error_pairs(exc.value)) == [
        ("isbn", "invalid_isbn"),
        ("price", "invalid_price"),
        ("stock", "invalid_stock"),
        ("title", "required"),
    ]


def test_book_create_duplicate_isbn_in_either_form(staff):
    _create(staff, isbn="9780441478125")
    with pytest.raises(ValidationError) as exc:
        _create(staff, isbn="0441478123", title="Another")
    assert error_pairs(exc.value) == [("isbn", "duplicate_isbn")]
    assert Book.objects.count() == 1


def test_book_create_needs_a_signed_in_staff_user(alice):
    with pytest.raises(NotAuthenticated):
        _create(AnonymousUser())
    with pytest.raises(Forbidden) as exc:
        _create(alice)
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    assert not Book.objects.exists()


def test_book_update_changes_only_given_fields(staff, book):
    updated = book_update(actor=staff, book_id=book.id, price="7.50")
    assert updated.price == Decimal("7.50")
    assert updated.title == "The Dispossessed"
    assert [a.name for a in updated.authors.all()] == ["Ursula K. Le Guin"]


def test_book_update_replaces_authors(staff, book):
    other = AuthorFactory(name="Other")
    updated = book_update(actor=staff, book_id=book.id, author_ids=[other.id])
    assert [a.name for a in updated.authors.all()] == ["Other"]


def test_book_update_to_another_books_isbn_is_a_duplicate(staff, book):
    other = BookFactory()
    with pytest.raises(ValidationError) as exc:
        book_update(actor=staff, book_id=other.id, isbn=book.isbn)
    assert error_pairs(exc.value) == [("isbn", "duplicate_isbn")]


def test_book_update_keeps_its_own_isbn(staff, book):
    assert book_update(actor=staff, book_id=book.id, isbn=book.isbn).isbn == book.isbn


@pytest.mark.parametrize(("overrides", "expected"), BOOK_CREATE_INVALID)
def test_book_update_keeps_the_rules_of_book_create_and_changes_nothing(staff, book, overrides, expected):
    with pytest.raises(ValidationError) as exc:
        book_update(actor=staff, book_id=book.id, **overrides)
    assert sorted(error_pairs(exc.value)) == expected
    book.refresh_from_db()
    assert (book.title, book.price, book.stock) == ("The Dispossessed", Decimal("10.00"), 5)
    assert [a.name for a in book.authors.all()] == ["Ursula K. Le Guin"]


def test_book_update_bad_value_beside_a_good_one_changes_nothing(staff, book):
    with pytest.raises(ValidationError):
        book_update(actor=staff, book_id=book.id, title="New", price="-3")
    book.refresh_from_db()
    assert (book.title, book.price) == ("The Dispossessed", Decimal("10.00"))


@pytest.mark.parametrize("book_id", [999999, "abc", None, -1, "1.5"])
def test_book_update_and_delete_unknown_book_is_not_found(staff, book_id):
    with pytest.raises(NotFound):
        book_update(actor=staff, book_id=book_id, title="x")
    with pytest.raises(NotFound):
        book_delete(actor=staff, book_id=book_id)


def test_book_update_and_delete_need_staff(alice, book):
    with pytest.raises(Forbidden):
        book_update(actor=alice, book_id=book.id, title="x")
    with pytest.raises(Forbidden):
        book_delete(actor=alice, book_id=book.id)
    assert Book.objects.filter(pk=book.pk, title="The Dispossessed").exists()


def test_book_delete_keeps_past_order_lines(staff, alice, book):
    cart_item_add(user=alice, book_id=book.id, quantity=1)
    order = checkout(user=alice)
    book_delete(actor=staff, book_id=book.id)
    assert not Book.objects.filter(pk=book.pk).exists()
    line = OrderLine.objects.get(order=order)
    assert (line.book, line.title, line.isbn) == (None, "The Dispossessed", book.isbn)
