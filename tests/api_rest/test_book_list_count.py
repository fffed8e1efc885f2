"""`count` and `count_exact` of the REST book list: exact up to COUNT_EXACT_UP_TO, then a lower bound.

The author and order lists' counts are tested with their operations."""

import pytest

from tests.api_rest.helpers import codes
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

CAP = 3


@pytest.fixture(autouse=True)
def _small_cap(settings):
    settings.COUNT_EXACT_UP_TO = CAP


def counted(body):
    return body["count"], body["count_exact"]


@pytest.mark.parametrize(
    ("matches", "expected"),
    # The rule's whole table is tests/catalog/test_pagination.py's; here, both sides of the cap as the API shows them.
    [(CAP, (CAP, True)), (CAP + 1, (CAP, False))],
    ids=["at", "above"],
)
def test_book_list_count_is_exact_up_to_the_cap(anon, matches, expected):
    BookFactory.create_batch(matches, title="River Song")
    BookFactory.create_batch(2, title="Lake")
    assert counted(anon.get("/api/books/?search=river").json()) == expected
    assert counted(anon.get("/api/books/?search=river&cursor=").json()) == expected


def test_an_unfiltered_book_list_stays_exact_beyond_the_cap(anon):
    BookFactory.create_batch(CAP + 2)
    assert counted(anon.get("/api/books/").json()) == (CAP + 2, True)
    assert counted(anon.get("/api/books/?cursor=").json()) == (CAP + 2, True)


@pytest.fixture
def long_search():
    """Eight books matching "river" (over the cap of 3), in title order."""
    return [BookFactory(title=f"River {i}").id for i in range(8)]


def test_pages_past_the_cap_are_served_while_they_have_rows(anon, long_search):
    seen, url = [], "/api/books/?search=river&page_size=2"
    for number in range(1, 5):
        body = anon.get(url).json()
        assert counted(body) == (CAP, False)
        seen += [book["id"] for book in body["results"]]
        url = body["next"]
        if number < 4:
            assert url == f"http://testserver/api/books/?page={number + 1}&page_size=2&search=river"
    assert url is None
    assert seen == long_search
    assert body["previous"] == "http://testserver/api/books/?page=3&page_size=2&search=river"


def test_a_page_past_the_end_of_a_long_list_is_not_found(anon, long_search):
    response = anon.get("/api/books/?search=river&page_size=2&page=5")
    assert response.status_code == 404
    assert codes(response) == [(None, "not_found")]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999999"])
def test_unusable_page_numbers_of_a_long_list_are_not_found(anon, long_search, page):
    response = anon.get(f"/api/books/?search=river&page={page}")
    assert response.status_code == 404
    assert codes(response) == [(None, "not_found")]


def test_the_last_page_of_a_long_list_is_invalid(anon, long_search):
    response = anon.get("/api/books/?search=river&page_size=2&page=last")
    assert response.status_code == 400
    assert codes(response) == [("page", "invalid")]
    assert "Reverse the ordering" in response.json()["errors"][0]["message"]


def test_the_last_page_of_an_exactly_counted_list(anon):
    ids = [BookFactory(title=f"River {i}").id for i in range(CAP)]
    body = anon.get("/api/books/?search=river&page_size=2&page=last").json()
    assert counted(body) == (CAP, True)
    assert [book["id"] for book in body["results"]] == ids[2:]
    assert body["next"] is None


def test_the_browsable_api_pages_a_long_list(anon, long_search):
    response = anon.get("/api/books/?search=river&page_size=2&page=2", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    assert "page=3" in html and "page=4" not in html  # links up to the next page only
    assert "&quot;count_exact&quot;: false" in html


def test_the_browsable_api_shows_page_links_when_the_count_fits_one_page(anon, long_search):
    # A count of 3 (the cap) fits one page of 3, yet more rows follow.
    html = anon.get("/api/books/?search=river&page_size=3", HTTP_ACCEPT="text/html").content.decode()
    assert 'class="pagination"' in html and "page=2" in html


def test_cursor_mode_counts_by_the_same_rule_on_every_page(anon, long_search):
    url, seen = "/api/books/?search=river&page_size=3&cursor=", []
    while url:
        body = anon.get(url).json()
        assert counted(body) == (CAP, False)
        seen += [book["id"] for book in body["results"]]
        url = body["next"]
    assert seen == long_search
