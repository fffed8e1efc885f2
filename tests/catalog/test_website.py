from decimal import Decimal

import pytest

from tests.factories import AuthorFactory, BookFactory

pytestmark = pytest.mark.django_db


def test_home_lists_books_with_authors_price_and_stock(client, book):
    BookFactory(title="Sold Out", stock=0)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The Dispossessed" in html and "Ursula K. Le Guin" in html and "$10.00" in html
    assert "5 in stock" in html and "Out of stock" in html
    assert "2 books" in html


def test_header_links_every_surface(client, db):
    html = client.get("/").content.decode()
    for href in ("/api/", "/api/docs/", "/graphql/", "/compare/", "/admin/"):
        assert f'href="{href}"' in html


def test_search_and_filters_narrow_the_list(client, db):
    pratchett = AuthorFactory(name="Terry Pratchett")
    BookFactory(title="Mort", authors=[pratchett], price=Decimal("9.00"))
    BookFactory(title="Dune", price=Decimal("15.00"))
    assert "Dune" not in client.get("/", {"search": "pratchett"}).content.decode()
    html = client.get("/", {"min_price": "10"}).content.decode()
    assert "Dune" in html and "Mort" not in html
    html = client.get("/", {"ordering": "-price"}).content.decode()
    assert html.index("Dune") < html.index("Mort")


def test_pagination_keeps_filters(client, db):
    for i in range(45):
        BookFactory(title=f"Volume {i:02d}")
    html = client.get("/", {"search": "volume", "page": 2}).content.decode()
    assert "Page 2 of 3" in html
    assert "Volume 20" in html and "Volume 19" not in html
    assert "search=volume&amp;page=3" in html


def test_out_of_range_page_shows_the_last_page(client, db):
    BookFactory(title="Only")
    response = client.get("/", {"page": 99})
    assert response.status_code == 200
    assert "Only" in response.content.decode()


def test_bad_filter_shows_an_error_not_a_crash(client, db):
    response = client.get("/", {"ordering": "stock", "min_price": "abc"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "invalid_ordering" in html and "min_price" in html


def test_book_detail_page(client, book):
    response = client.get(f"/books/{book.id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The Dispossessed" in html and book.isbn in html and "Ursula K. Le Guin" in html
    assert f'href="/api/books/{book.id}/"' in html


def test_missing_book_is_404(client, db):
    response = client.get("/books/999999/")
    assert response.status_code == 404
    assert b"Not Found" in response.content


def test_a_list_longer_than_the_cap_says_so(client, settings):
    settings.COUNT_EXACT_UP_TO = 30
    for i in range(45):
        BookFactory(title=f"Volume {i:02d}")
    html = client.get("/", {"search": "volume"}).content.decode()
    assert "30+ books" in html
    html = client.get("/", {"search": "volume", "page": 2}).content.decode()
    assert "Page 2</span>" in html and "Page 2 of" not in html
    assert "Last »" not in html and "search=volume&amp;page=3" in html  # the next page is known
    html = client.get("/", {"search": "volume", "page": 3}).content.decode()
    assert "Volume 44" in html and 'rel="next"' not in html
    assert "45 books" in client.get("/").content.decode()  # the whole table: exact


def test_a_page_past_the_end_of_a_long_list_shows_the_last_counted_page(client, settings):
    settings.COUNT_EXACT_UP_TO = 30
    for i in range(45):
        BookFactory(title=f"Volume {i:02d}")
    response = client.get("/", {"search": "volume", "page": 9})
    assert response.status_code == 200
    assert "Volume 20" in response.content.decode()  # page 2, the last one the count of 30 covers


@pytest.mark.parametrize(
    ("count", "text"),
    [
        ({"value": 1}, "1 book"),
        ({"value": 1234}, "1,234 books"),
        ({"value": 1000, "exact": False}, "1,000+ books"),
        ({"value": 1000172, "exact": False, "estimated": True}, "about 1,000,172 books"),
    ],
)
def test_count_text(count, text):
    from catalog.pagination import ListCount
    from catalog.views import count_text

    assert count_text(ListCount(**count)) == text
