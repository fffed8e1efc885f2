import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from catalog.errors import Forbidden, NotAuthenticated, NotFound
from catalog.models import Author, Book
from catalog.services import author_create, author_delete, author_update
from tests.catalog.helpers import error_pairs
from tests.catalog.rules import AUTHOR_CREATE_INVALID

pytestmark = pytest.mark.django_db


def test_author_create_returns_author_with_book_count(staff):
    author = author_create(actor=staff, name="  Octavia E. Butler ", bio="Kindred.")
    assert (author.name, author.bio, author.book_count) == ("Octavia E. Butler", "Kindred.", 0)


@pytest.mark.parametrize(("arguments", "expected"), AUTHOR_CREATE_INVALID)
def test_author_create_rejects_bad_names_and_bios(staff, arguments, expected):
    with pytest.raises(ValidationError) as exc:
        author_create(actor=staff, **arguments)
    assert error_pairs(exc.value) == expected
    assert not Author.objects.exists()


def test_author_writes_need_staff(alice, author):
    with pytest.raises(NotAuthenticated):
        author_create(actor=AnonymousUser(), name="X")
    with pytest.raises(Forbidden):
        author_create(actor=alice, name="X")
    with pytest.raises(Forbidden):
        author_update(actor=alice, author_id=author.id, name="X")
    with pytest.raises(Forbidden):
        author_delete(actor=alice, author_id=author.id)
    assert Author.objects.get().name == "Ursula K. Le Guin"


def test_author_update_changes_given_fields(staff, author, book):
    updated = author_update(actor=staff, author_id=author.id, bio="Earthsea.")
    assert (updated.name, updated.bio, updated.book_count) == ("Ursula K. Le Guin", "Earthsea.", 1)


def test_author_update_and_delete_unknown_is_not_found(staff):
    with pytest.raises(NotFound):
        author_update(actor=staff, author_id=12345, name="X")
    with pytest.raises(NotFound):
        author_delete(actor=staff, author_id="nope")


def test_author_delete_keeps_their_books(staff, author, book):
    author_delete(actor=staff, author_id=author.id)
    assert list(Book.objects.get(pk=book.pk).authors.all()) == []
