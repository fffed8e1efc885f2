import pytest

from catalog.errors import NotFound
from catalog.selectors import author_get

pytestmark = pytest.mark.django_db


def test_author_get_has_the_book_count(shelf):
    assert author_get(author_id=shelf["authors"]["tolkien"].id).book_count == 1


def test_author_get_of_no_author_is_not_found(shelf):
    with pytest.raises(NotFound):
        author_get(author_id=0)
