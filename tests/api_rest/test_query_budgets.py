"""Exact SQL budgets: a list costs the same number of queries for a page of 5 and a page of 100.

Anonymous: books = count + page + authors of the page; authors = count + page (book_count is
an annotation). A token adds its lookup. Cart = token + the cart (get or create) + the cart
again with its lines and their books (one prefetch). Orders = token + count + page + lines.
"""

import pytest

from catalog.models import CartItem
from catalog.services import cart_item_add, checkout
from tests.factories import AuthorFactory, BookFactory, CartFactory

# The view's own queries; what the read cache adds and saves is counted in tests/caching/.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("read_cache_off")]


@pytest.fixture
def catalog():
    authors = AuthorFactory.create_batch(30)
    for i in range(110):
        BookFactory(authors=[authors[i % 30], authors[(i + 7) % 30]], stock=200)


@pytest.mark.parametrize("page_size", [5, 100])
def test_book_list_anonymous(anon, catalog, django_assert_num_queries, page_size):
    with django_assert_num_queries(3):
        response = anon.get(f"/api/books/?page_size={page_size}")
    assert len(response.json()["results"]) == page_size
    assert all(len(book["authors"]) == 2 for book in response.json()["results"])


@pytest.mark.parametrize("page_size", [5, 100])
def test_book_list_filtered_with_a_token(alice_api, catalog, django_assert_num_queries, page_size):
    with django_assert_num_queries(4):
        response = alice_api.get(f"/api/books/?page_size={page_size}&in_stock=true&ordering=-price&search=Book")
    assert len(response.json()["results"]) == page_size


def test_book_get(anon, book, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = anon.get(f"/api/books/{book.id}/")
    assert response.status_code == 200
    assert (response.json()["id"], [a["name"] for a in response.json()["authors"]]) == (book.id, ["Ursula K. Le Guin"])


@pytest.mark.parametrize("page_size", [5, 100])
def test_a_sparse_book_list_reads_authors_only_when_it_shows_them(anon, catalog, django_assert_num_queries, page_size):
    with django_assert_num_queries(2):  # count + page: no authors asked for, none read
        response = anon.get(f"/api/books/?page_size={page_size}&fields=id,title,price")
    assert [set(book) for book in response.json()["results"]] == [{"id", "title", "price"}] * page_size
    with django_assert_num_queries(3):
        response = anon.get(f"/api/books/?page_size={page_size}&fields=title,authors.name")
    assert all(len(book["authors"]) == 2 for book in response.json()["results"])


def test_a_sparse_book_get_reads_authors_only_when_it_shows_them(anon, book, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert anon.get(f"/api/books/{book.id}/?fields=title,stock").json() == {"title": book.title, "stock": 5}
    with django_assert_num_queries(2):
        assert anon.get(f"/api/books/{book.id}/?fields=authors.name").json() == {
            "authors": [{"name": "Ursula K. Le Guin"}]
        }


@pytest.mark.parametrize("page_size", [5, 100])
def test_sparse_reads_never_cost_more_than_full_ones(alice_api, alice, catalog, django_assert_num_queries, page_size):
    books = list(BookFactory._meta.model.objects.all()[:page_size])
    for book in books[:3]:
        cart_item_add(user=alice, book_id=book.id, quantity=1)
    checkout(user=alice)
    cart_item_add(user=alice, book_id=books[3].id, quantity=2)
    for path, queries in (
        (f"/api/authors/?page_size={page_size}&fields=name", 3),  # the token, count, page
        ("/api/cart/?fields=copy_count", 3),  # the token, the cart, its lines
        (f"/api/orders/?page_size={page_size}&fields=total,lines.title", 4),
    ):
        with django_assert_num_queries(queries):
            assert alice_api.get(path).status_code == 200, path


@pytest.mark.parametrize("page_size", [5, 100])
def test_author_list(anon, catalog, django_assert_num_queries, page_size):
    AuthorFactory.create_batch(80)
    with django_assert_num_queries(2):
        response = anon.get(f"/api/authors/?page_size={page_size}")
    assert len(response.json()["results"]) == page_size
    assert sum(author["book_count"] for author in response.json()["results"]) > 0


@pytest.mark.parametrize("lines", [2, 30])
def test_cart_get(alice_api, alice, catalog, django_assert_num_queries, lines):
    cart = CartFactory(user=alice)
    for book in BookFactory._meta.model.objects.all()[:lines]:
        CartItem.objects.create(cart=cart, book=book, quantity=2)
    # token, cart, lines with their books
    with django_assert_num_queries(3):
        response = alice_api.get("/api/cart/")
    assert len(response.json()["items"]) == lines
    assert response.json()["copy_count"] == 2 * lines


@pytest.mark.parametrize("page_size", [5, 100])
def test_order_list(alice_api, alice, catalog, django_assert_num_queries, page_size):
    books = list(BookFactory._meta.model.objects.all()[:3])
    for _ in range(105):
        for book in books:
            cart_item_add(user=alice, book_id=book.id, quantity=1)
        checkout(user=alice)
    with django_assert_num_queries(4):
        response = alice_api.get(f"/api/orders/?page_size={page_size}")
    results = response.json()["results"]
    assert len(results) == page_size
    assert all(len(order["lines"]) == 3 for order in results)


def test_order_get(alice_api, alice, book, django_assert_num_queries):
    cart_item_add(user=alice, book_id=book.id, quantity=1)
    order = checkout(user=alice)
    with django_assert_num_queries(3):
        assert alice_api.get(f"/api/orders/{order.id}/").status_code == 200


def test_book_list_without_query_optimisation_loads_authors_book_by_book(anon, catalog, django_assert_num_queries):
    # The workshop's switch: the same answer, with the N+1 queries the optimisation saves.
    from catalog.optimization import query_optimization

    optimised = anon.get("/api/books/?page_size=5").json()
    with query_optimization(False), django_assert_num_queries(2 + 5):
        assert anon.get("/api/books/?page_size=5").json() == optimised
