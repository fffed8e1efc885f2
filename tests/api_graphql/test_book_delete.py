import pytest

from catalog.models import Book, CartItem
from catalog.services import cart_item_add
from tests.api_graphql.conftest import gid, payload_codes

pytestmark = pytest.mark.django_db

MUTATION = "mutation($id: ID!) { bookDelete(id: $id) { deletedId errors { field code message } } }"


def delete(gql, user, value):
    return gql(MUTATION, {"id": value}, user=user).payload("bookDelete")


@pytest.mark.parametrize("form", ["database", "global"])
def test_book_delete(gql, staff, alice, book, form):
    cart_item_add(user=alice, book_id=book.pk)
    value = str(book.pk) if form == "database" else gid("Book", book.pk)
    payload = delete(gql, staff, value)
    assert payload == {"deletedId": gid("Book", book.pk), "errors": []}
    assert not Book.objects.exists()
    assert not CartItem.objects.exists()
    assert payload_codes(delete(gql, staff, value)) == [(None, "not_found")]


def test_book_delete_needs_staff(gql, alice, book):
    assert payload_codes(delete(gql, alice, str(book.pk))) == [(None, "permission_denied")]
    assert payload_codes(delete(gql, None, str(book.pk))) == [(None, "not_authenticated")]
    assert Book.objects.exists()
