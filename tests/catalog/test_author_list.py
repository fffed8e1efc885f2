import pytest
from django.core.exceptions import ValidationError

from catalog.selectors import author_list
from tests.catalog.helpers import error_pairs

pytestmark = pytest.mark.django_db


def test_author_list_has_book_counts_and_search(shelf):
    assert [(a.name, a.book_count) for a in author_list(filters={"ordering": "name"})] == [
        ("J. R. R. Tolkien", 1),
        ("Neil Gaiman", 1),
        ("Terry Pratchett", 2),
    ]
    assert [a.name for a in author_list(filters={"search": "terry"})] == ["Terry Pratchett"]


def test_author_list_refuses_an_ordering_it_does_not_offer(shelf):
    with pytest.raises(ValidationError) as exc:
        list(author_list(filters={"ordering": "book_count"}))
    assert error_pairs(exc.value) == [("ordering", "invalid_ordering")]
