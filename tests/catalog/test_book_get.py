import pytest

from catalog.errors import NotFound
from catalog.selectors import book_get, book_get_by_isbn

pytestmark = pytest.mark.django_db


def test_book_get_and_by_isbn(shelf):
    mort = shelf["mort"]
    assert book_get(book_id=mort.id).title == "Mort"
    assert book_get_by_isbn(isbn="0-552-13106-7").title == "Mort"  # ISBN-10 of the same edition
    for lookup in (
        lambda: book_get(book_id=10**9),
        lambda: book_get(book_id="x"),
        lambda: book_get_by_isbn(isbn="bad"),
    ):
        with pytest.raises(NotFound):
            lookup()
