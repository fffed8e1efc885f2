import pytest

from tests.api_rest.helpers import codes
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

BOOK_FIELDS = {
    "id",
    "title",
    "subtitle",
    "isbn",
    "price",
    "stock",
    "published_date",
    "description",
    "authors",
    "created_at",
    "updated_at",
}


def titles(response):
    assert response.status_code == 200, response.content
    return [book["title"] for book in response.json()["results"]]


def test_book_list_pages_books_in_title_order_with_every_field(anon, shelf):
    response = anon.get("/api/books/")
    body = response.json()
    assert response.status_code == 200
    assert (body["count"], body["next"], body["previous"]) == (3, None, None)
    assert [b["title"] for b in body["results"]] == ["Good Omens", "Mort", "The Hobbit"]
    omens = body["results"][0]
    assert set(omens) == BOOK_FIELDS
    assert omens["price"] == "12.50"
    assert omens["published_date"] == "1990-05-01"
    assert omens["isbn"] == shelf["omens"].isbn
    assert omens["authors"] == [
        {"id": shelf["authors"]["pratchett"].id, "name": "Terry Pratchett"},
        {"id": shelf["authors"]["gaiman"].id, "name": "Neil Gaiman"},
    ]
    assert omens["created_at"].endswith("Z")
    assert body["results"][1]["published_date"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # The filters themselves are tested in tests/catalog; here, the query string reaches them.
        ("search=PRATCHETT", ["Good Omens", "Mort"]),
        ("min_price=9&max_price=12.50&ordering=-price", ["Good Omens", "Mort"]),
        ("in_stock=false", ["Good Omens"]),
    ],
)
def test_book_list_filters_like_the_website(anon, shelf, query, expected):
    assert titles(anon.get(f"/api/books/?{query}")) == expected


def test_book_list_filters_by_author_id(anon, shelf):
    gaiman = shelf["authors"]["gaiman"]
    assert titles(anon.get(f"/api/books/?author={gaiman.id}")) == ["Good Omens"]


def test_book_list_search_finds_isbn_digits(anon, shelf):
    isbn = shelf["mort"].isbn
    assert titles(anon.get(f"/api/books/?search={isbn[:3]}-{isbn[3:]}")) == ["Mort"]


def test_book_list_pages_have_links(anon):
    BookFactory.create_batch(5)
    first = anon.get("/api/books/?page_size=2").json()
    assert first["count"] == 5 and len(first["results"]) == 2
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/books/?page=2&page_size=2"
    last = anon.get("/api/books/?page_size=2&page=3").json()
    assert len(last["results"]) == 1 and last["next"] is None
    assert last["previous"] == "http://testserver/api/books/?page=2&page_size=2"
    seen = [b["id"] for page in (1, 2, 3) for b in anon.get(f"/api/books/?page_size=2&page={page}").json()["results"]]
    assert len(set(seen)) == 5


def test_book_list_page_size_defaults_to_20_and_is_capped_at_100(anon):
    BookFactory.create_batch(105)
    assert len(anon.get("/api/books/").json()["results"]) == 20
    assert len(anon.get("/api/books/?page_size=7").json()["results"]) == 7
    for too_many in ("101", "1000", "99999999999999999999"):
        response = anon.get(f"/api/books/?page_size={too_many}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == 100


def test_book_list_empty_page_size_gives_the_default(anon):
    BookFactory.create_batch(21)
    assert len(anon.get("/api/books/?page_size=").json()["results"]) == 20


@pytest.mark.parametrize("page_size", ["0", "-3", "abc", "1_0", "1.5", " 5", "\u0665"])
def test_book_list_page_size_below_one_or_not_plain_digits_is_invalid(anon, page_size):
    BookFactory()
    response = anon.get("/api/books/", {"page_size": page_size})
    assert response.status_code == 400
    assert codes(response) == [("page_size", "invalid")]


@pytest.mark.parametrize("page", ["1_0", "\u0661", " 1"])
def test_book_list_page_number_in_any_other_writing_than_plain_digits_is_not_found(anon, page):
    BookFactory()
    response = anon.get("/api/books/", {"page": page})
    assert response.status_code == 404
    assert codes(response) == [(None, "not_found")]


@pytest.mark.parametrize("page", ["2", "0", "-1", "abc", "99999999999999999999999"])
def test_book_list_page_out_of_range_is_not_found(anon, book, page):
    response = anon.get(f"/api/books/?page={page}")
    assert response.status_code == 404
    assert codes(response) == [(None, "not_found")]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        # The filter rules are tested in tests/catalog; here, how a query string's bad value is answered.
        ("ordering=-isbn", [("ordering", "invalid_ordering")]),
        ("search=a%00b", [("search", "invalid_characters")]),
    ],
)
def test_book_list_bad_filters_answer_400_with_the_field(anon, book, query, errors):
    response = anon.get(f"/api/books/?{query}")
    assert response.status_code == 400
    assert codes(response) == errors


def test_book_list_reports_every_bad_filter_at_once(anon, book):
    response = anon.get("/api/books/?ordering=nope&min_price=x")
    assert response.status_code == 400
    assert sorted(codes(response)) == [("min_price", "invalid"), ("ordering", "invalid_ordering")]


def test_book_list_ignores_unknown_query_parameters(anon, shelf):
    assert titles(anon.get("/api/books/?colour=blue&price=1")) == ["Good Omens", "Mort", "The Hobbit"]


def test_book_list_works_with_a_token_or_a_session(alice_api, anon, alice, book):
    assert titles(alice_api.get("/api/books/")) == ["The Dispossessed"]
    anon.force_login(alice)
    assert titles(anon.get("/api/books/")) == ["The Dispossessed"]


def test_book_list_cursor_pages_follow_next_links_in_order(anon):
    BookFactory.create_batch(5)
    expected = titles(anon.get("/api/books/?page_size=100&ordering=-price"))
    url, seen = "/api/books/?page_size=2&ordering=-price&cursor=", []
    while url:
        body = anon.get(url).json()
        assert body["count"] == 5 and body["previous"] is None
        seen += [b["title"] for b in body["results"]]
        url = body["next"]
        assert url is None or ("cursor=k1" in url and "page=" not in url.replace("page_size", ""))
    assert seen == expected


def test_book_list_bad_cursor_is_invalid_on_the_cursor_parameter(anon):
    response = anon.get("/api/books/?cursor=not-a-cursor")
    assert response.status_code == 400
    assert codes(response) == [("cursor", "invalid")]
