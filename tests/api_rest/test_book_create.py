import pytest

from catalog.models import Book
from tests.api_rest.helpers import codes
from tests.factories import AuthorFactory, BookFactory

pytestmark = pytest.mark.django_db


def payload(**overrides):
    return {"title": "The Left Hand of Darkness", "isbn": "9780441478125", "price": "12.50", **overrides}


def test_book_create_adds_a_book_with_its_authors_in_order(staff_api, author):
    second = AuthorFactory(name="Second Author")
    response = staff_api.post(
        "/api/books/",
        payload(
            subtitle="A novel",
            author_ids=[second.id, author.id],
            stock=4,
            published_date="1969-03-01",
            description="Winter.",
        ),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == f"http://testserver/api/books/{body['id']}/"
    assert body["title"] == "The Left Hand of Darkness"
    assert body["subtitle"] == "A novel"
    assert body["price"] == "12.50"
    assert body["stock"] == 4
    assert body["published_date"] == "1969-03-01"
    assert [a["name"] for a in body["authors"]] == ["Second Author", "Ursula K. Le Guin"]
    assert Book.objects.get(pk=body["id"]).description == "Winter."


def test_book_create_takes_only_the_required_fields(staff_api):
    response = staff_api.post("/api/books/", payload())
    assert response.status_code == 201
    body = response.json()
    assert (body["subtitle"], body["stock"], body["published_date"], body["authors"]) == ("", 0, None, [])


def test_book_create_stores_an_isbn_10_as_isbn_13(staff_api):
    response = staff_api.post("/api/books/", payload(isbn="0-306-40615-2"))
    assert response.status_code == 201
    assert response.json()["isbn"] == "9780306406157"


def test_book_create_accepts_a_json_number_price(staff_api):
    response = staff_api.post("/api/books/", payload(price=19.9))
    assert response.status_code == 201
    assert response.json()["price"] == "19.90"


def test_book_create_accepts_form_data(staff_api):
    response = staff_api.post("/api/books/", payload(), format="multipart")
    assert response.status_code == 201
    assert response.json()["price"] == "12.50"


def test_book_create_answers_a_broken_rule_with_400_and_the_error_envelope(staff_api):
    # The rules themselves are tested in tests/catalog; here, how REST carries one.
    response = staff_api.post("/api/books/", payload(price="-1"))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert codes(response) == [("price", "invalid_price")]
    assert "price" in response.json()["errors"][0]["message"].lower()
    assert not Book.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        # JSON values of the wrong type are refused by the serializer, before any rule.
        ({"price": True}, [("price", "invalid")]),
        ({"price": None}, [("price", "required")]),
        ({"stock": "many"}, [("stock", "invalid")]),
        ({"stock": 1.5}, [("stock", "invalid")]),
        ({"title": ["a list"]}, [("title", "invalid")]),
        ({"author_ids": "1,2"}, [("author_ids", "invalid")]),
        ({"author_ids": ["one"]}, [("author_ids.0", "invalid")]),
    ],
)
def test_book_create_refuses_json_of_the_wrong_shape(staff_api, overrides, errors):
    response = staff_api.post("/api/books/", payload(**overrides))
    assert response.status_code == 400, response.content
    assert codes(response) == errors
    assert not Book.objects.exists()


@pytest.mark.parametrize("missing", ["title", "isbn", "price"])
def test_book_create_requires_title_isbn_and_price(staff_api, missing):
    body = payload()
    del body[missing]
    response = staff_api.post("/api/books/", body)
    assert response.status_code == 400
    assert codes(response) == [(missing, "required")]


def test_book_create_reports_every_bad_field_at_once(staff_api):
    response = staff_api.post("/api/books/", payload(isbn="123", price="-1", stock=-5))
    assert response.status_code == 400
    assert sorted(codes(response)) == [("isbn", "invalid_isbn"), ("price", "invalid_price"), ("stock", "invalid_stock")]


def test_book_create_duplicate_isbn_is_refused_in_either_form(staff_api):
    BookFactory(isbn="9780306406157")
    for isbn in ("9780306406157", "0306406152"):
        response = staff_api.post("/api/books/", payload(isbn=isbn))
        assert response.status_code == 400
        assert codes(response) == [("isbn", "duplicate_isbn")]
    assert Book.objects.count() == 1


def test_book_create_ignores_unknown_fields(staff_api):
    response = staff_api.post("/api/books/", payload(id=424242, created_at="2000-01-01T00:00:00Z", colour="red"))
    assert response.status_code == 201
    body = response.json()
    assert body["id"] != 424242
    assert not body["created_at"].startswith("2000")


def test_book_create_anonymous_is_401_with_a_token_challenge(anon):
    response = anon.post("/api/books/", payload())
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert codes(response) == [(None, "not_authenticated")]
    assert not Book.objects.exists()


def test_book_create_by_a_shopper_is_403(alice_api):
    response = alice_api.post("/api/books/", payload())
    assert response.status_code == 403
    assert codes(response) == [(None, "permission_denied")]
    assert not Book.objects.exists()


def test_book_create_by_an_inactive_staff_token_is_401(staff_api, staff):
    staff.is_active = False
    staff.save()
    response = staff_api.post("/api/books/", payload())
    assert response.status_code == 401
    assert codes(response) == [(None, "not_authenticated")]
