"""SQL query budgets: the count of a list does not grow with its size (no N+1).

Every budget includes the token lookup of the request (1 query).
"""

import pytest

from catalog.models import Cart, CartItem
from catalog.services import cart_item_add, checkout
from tests.factories import AuthorFactory, BookFactory

# The view's own queries; what the read cache adds and saves is counted in tests/caching/.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("read_cache_off")]

TOKEN = 1


@pytest.fixture
def shelf(db):
    authors = [AuthorFactory() for _ in range(6)]
    for i in range(110):
        BookFactory(authors=[authors[i % 6], authors[(i + 1) % 6]])
    return authors


def run(gql, django_assert_num_queries, budget, query, user=None):
    if user is not None:
        gql.token(user)
    with django_assert_num_queries(budget):
        answer = gql(query, user=user)
    assert not answer.errors, answer.errors
    return answer.data


@pytest.mark.parametrize("size", [5, 100])
def test_books_with_authors(gql, alice, shelf, django_assert_num_queries, size):
    # page (+1 row to see if more follow) + authors of the whole page
    query = f"{{ books(first: {size}) {{ edges {{ node {{ title authors {{ name }} }} }} }} }}"
    data = run(gql, django_assert_num_queries, TOKEN + 2, query, alice)
    assert len(data["books"]["edges"]) == size


@pytest.mark.parametrize("size", [5, 100])
def test_books_with_total_count_and_page_info(gql, alice, shelf, django_assert_num_queries, size):
    query = (
        f"{{ books(first: {size}) {{ totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ title }} }} }} }}"
    )
    data = run(gql, django_assert_num_queries, TOKEN + 2, query, alice)
    assert data["books"]["totalCount"] == 110


@pytest.mark.parametrize("size", [5, 100])
def test_books_without_relations_is_one_query(gql, alice, shelf, django_assert_num_queries, size):
    query = f"{{ books(first: {size}) {{ edges {{ node {{ title price }} }} }} }}"
    run(gql, django_assert_num_queries, TOKEN + 1, query, alice)


@pytest.mark.parametrize("size", [5, 100])
def test_anonymous_books_with_authors(gql, shelf, django_assert_num_queries, size):
    query = f"{{ books(first: {size}) {{ edges {{ node {{ title authors {{ name bookCount }} }} }} }} }}"
    # page + authors + book counts of those authors
    run(gql, django_assert_num_queries, 3, query)


@pytest.mark.parametrize("size", [2, 6])
def test_authors_with_their_books(gql, alice, shelf, django_assert_num_queries, size):
    # authors page (with book_count) + one windowed query for every author's books
    query = (
        f"{{ authors(first: {size}) {{ edges {{ node {{ name bookCount "
        f"books(first: 50) {{ totalCount edges {{ node {{ title }} }} }} }} }} }} }}"
    )
    data = run(gql, django_assert_num_queries, TOKEN + 2, query, alice)
    assert all(len(edge["node"]["books"]["edges"]) == 37 for edge in data["authors"]["edges"][:1])


@pytest.mark.parametrize("size", [2, 6])
def test_authors_books_and_their_authors(gql, alice, shelf, django_assert_num_queries, size):
    query = (
        f"{{ authors(first: {size}) {{ edges {{ node {{ name "
        f"books(first: 100) {{ edges {{ node {{ title authors {{ name }} }} }} }} }} }} }} }}"
    )
    run(gql, django_assert_num_queries, TOKEN + 3, query, alice)


def fill_cart(user, books):
    for book in books:
        cart_item_add(user=user, book_id=book.pk, quantity=1)


@pytest.mark.parametrize("size", [1, 30])
def test_cart_with_lines_books_and_authors(gql, alice, shelf, django_assert_num_queries, size):
    from catalog.models import Book

    fill_cart(alice, Book.objects.all()[:size])
    # cart + lines with their books + authors of those books
    query = "{ cart { total copyCount items { quantity lineTotal book { title authors { name } } } } }"
    data = run(gql, django_assert_num_queries, TOKEN + 3, query, alice)
    assert len(data["cart"]["items"]) == size
    assert Cart.objects.count() == 1 and CartItem.objects.count() == size


@pytest.mark.parametrize("orders", [1, 8])
def test_orders_with_lines_and_books(gql, alice, shelf, django_assert_num_queries, orders):
    from catalog.models import Book

    books = list(Book.objects.all()[:24])
    for i in range(orders):
        fill_cart(alice, books[i * 3 : i * 3 + 3])
        checkout(user=alice)
    # orders page + their lines + the books still in the catalog
    query = (
        "{ orders(first: 100) { totalCount edges { node { total copyCount "
        "lines { title lineTotal book { title } } } } } }"
    )
    data = run(gql, django_assert_num_queries, TOKEN + 4, query, alice)
    assert len(data["orders"]["edges"]) == orders


@pytest.mark.parametrize("orders", [1, 8])
def test_me_with_cart_and_orders(gql, alice, shelf, django_assert_num_queries, orders):
    from catalog.models import Book

    books = list(Book.objects.all()[:24])
    for i in range(orders):
        fill_cart(alice, books[i * 3 : i * 3 + 3])
        checkout(user=alice)
    fill_cart(alice, books[:5])
    query = "{ me { username cart { items { book { title } } } orders { edges { node { lines { title } } } } } }"
    run(gql, django_assert_num_queries, TOKEN + 2 + 2, query, alice)


@pytest.mark.parametrize(("size", "budget"), [(5, TOKEN + 1 + 5), (20, TOKEN + 1 + 20)])
def test_with_optimisations_switched_off_each_row_loads_alone(
    gql, alice, shelf, django_assert_num_queries, size, budget
):
    # The workshop's switch (X-Query-Optimization: off) shows N+1: one authors query per book.
    from catalog.optimization import query_optimization

    query = f"{{ books(first: {size}) {{ edges {{ node {{ title authors {{ name }} }} }} }} }}"
    with query_optimization(False):
        run(gql, django_assert_num_queries, budget, query, alice)
