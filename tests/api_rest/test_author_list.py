import pytest

from tests.api_rest.helpers import codes
from tests.factories import AuthorFactory, BookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def authors():
    pratchett = AuthorFactory(name="Terry Pratchett", bio="Discworld.")
    gaiman = AuthorFactory(name="Neil Gaiman")
    AuthorFactory(name="Anonymous")
    BookFactory(authors=[pratchett, gaiman])
    BookFactory(authors=[pratchett])
    return pratchett, gaiman


def names(response):
    assert response.status_code == 200, response.content
    return [a["name"] for a in response.json()["results"]]


def test_author_list_pages_authors_by_name_with_their_book_count(anon, authors):
    response = anon.get("/api/authors/")
    body = response.json()
    assert body["count"] == 3 and body["next"] is None
    assert body["results"] == [
        {"id": body["results"][0]["id"], "name": "Anonymous", "bio": "Writes books.", "book_count": 0},
        {"id": authors[1].id, "name": "Neil Gaiman", "bio": "Writes books.", "book_count": 1},
        {"id": authors[0].id, "name": "Terry Pratchett", "bio": "Discworld.", "book_count": 2},
    ]


def test_author_list_searches_and_orders(anon, authors):
    assert names(anon.get("/api/authors/?search=pratch")) == ["Terry Pratchett"]
    assert names(anon.get("/api/authors/?ordering=-name")) == ["Terry Pratchett", "Neil Gaiman", "Anonymous"]
    assert names(anon.get("/api/authors/?ordering=created_at")) == ["Terry Pratchett", "Neil Gaiman", "Anonymous"]


def test_author_list_pages_are_stable_and_capped(anon):
    AuthorFactory.create_batch(105, name="Same Name")
    ids = [a["id"] for page in (1, 2, 3) for a in anon.get(f"/api/authors/?page_size=50&page={page}").json()["results"]]
    assert len(ids) == len(set(ids)) == 105
    assert len(anon.get("/api/authors/?page_size=500").json()["results"]) == 100


@pytest.mark.parametrize(
    ("query", "errors"),
    [("ordering=book_count", [("ordering", "invalid_ordering")]), ("search=" + "y" * 201, [("search", "max_length")])],
)
def test_author_list_bad_filters_are_400(anon, query, errors):
    response = anon.get(f"/api/authors/?{query}")
    assert response.status_code == 400
    assert codes(response) == errors


def test_author_list_page_past_the_end_is_not_found(anon, authors):
    response = anon.get("/api/authors/?page=9")
    assert response.status_code == 404
    assert codes(response) == [(None, "not_found")]


def test_author_list_count_is_exact_up_to_the_cap_then_a_lower_bound(anon, settings):
    settings.COUNT_EXACT_UP_TO = 3
    for name in ("Ann", "Anna", "Annie", "Anne", "Bob"):
        AuthorFactory(name=name)
    assert counted(anon.get("/api/authors/").json()) == (5, True)  # unfiltered: exact beyond the cap
    assert counted(anon.get("/api/authors/?search=ann").json()) == (3, False)
    assert counted(anon.get("/api/authors/?search=bob").json()) == (1, True)


def counted(body):
    return body["count"], body["count_exact"]
