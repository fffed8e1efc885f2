"""Both APIs count by one rule: the same count and exactness below, at and above the cap."""

import datetime
from decimal import Decimal

import pytest

from catalog.services import cart_item_add, checkout
from tests.factories import AuthorFactory, BookFactory

pytestmark = pytest.mark.django_db

CAP = 4


@pytest.fixture(autouse=True)
def _small_cap(settings):
    settings.COUNT_EXACT_UP_TO = CAP


@pytest.fixture
def catalog():
    """Books whose matches for each filter fall below (3), at (4) or above (5, 9) the cap of 4."""
    river = AuthorFactory(name="Ann River")  # by name: 3 books
    lake = AuthorFactory(name="Lake")
    for i in range(9):
        BookFactory(
            title=f"Stream {i}",
            authors=[lake] if i < 5 else [],  # author filter: 5 books
            price=Decimal("10.00") if i < 4 else Decimal("30.00"),  # 4 cheap ones
            published_date=datetime.date(2000, 1, 1) if i < 3 else datetime.date(2020, 1, 1),
            stock=0 if i < 6 else 2,
        )
    for i in range(3):
        BookFactory(title=f"Pond {i}", authors=[river], price=Decimal("50.00"), stock=1)
    return {"river": river, "lake": lake}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, (12, True)),  # the whole table: exact beyond the cap
        ({"search": "pond"}, (3, True)),
        ({"search": "river"}, (3, True)),  # by author name
        ({"max_price": "10"}, (4, True)),
        ({"search": "stream"}, (CAP, False)),
        ({"in_stock": "false"}, (CAP, False)),
        ({"published_after": "2010-01-01"}, (CAP, False)),
        ({"published_before": "2010-01-01", "ordering": "-price"}, (3, True)),
        ({"min_price": "20", "ordering": "-price"}, (CAP, False)),
        ({"search": "nothing-like-this"}, (0, True)),
    ],
    ids=repr,
)
def test_book_list_counts_are_the_same_on_both_apis(both, catalog, filters, expected):
    rest, graphql = (api.book_list_count(**filters) for api in both)
    assert rest.errors == graphql.errors == []
    assert rest.data == graphql.data == expected


def test_an_authors_books_count_the_same_on_both_apis(both, catalog):
    for author, expected in ((catalog["lake"], (CAP, False)), (catalog["river"], (3, True))):
        rest, graphql = (api.author_books_count(author.id) for api in both)
        assert rest.data == graphql.data == expected


@pytest.mark.parametrize(("filters", "expected"), [({}, (2, True)), ({"search": "a"}, (2, True))], ids=repr)
def test_author_list_counts_are_the_same_on_both_apis(both, catalog, filters, expected):
    rest, graphql = (api.author_list_count(**filters) for api in both)
    assert rest.data == graphql.data == expected


@pytest.mark.parametrize(("orders", "expected"), [(CAP, (CAP, True)), (CAP + 1, (CAP, False))])
def test_order_list_counts_are_the_same_on_both_apis(both, alice, orders, expected):
    book = BookFactory(stock=50)
    for _ in range(orders):
        cart_item_add(user=alice, book_id=book.id, quantity=1)
        checkout(user=alice)
    rest, graphql = (api.order_list_count(alice) for api in both)
    assert rest.data == graphql.data == expected


def test_a_bad_filter_gives_the_same_code_and_no_count(both, catalog):
    rest, graphql = (api.book_list_count(min_price="cheap") for api in both)
    assert rest.data is graphql.data is None
    assert rest.errors == graphql.errors == [("min_price", "invalid")]
