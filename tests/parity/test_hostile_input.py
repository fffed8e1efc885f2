"""The inputs that once reached a 500 or a wrong answer, each through both APIs (and the website)."""

import pytest

from catalog.models import Author, Book
from tests.factories import BookFactory
from tests.property.clients import graphql, rest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ordering", ["title,", ",", "-", "title,title", "title,-title", "title,price,x", "price," * 5])
def test_a_bad_ordering_is_invalid_ordering_in_rest_graphql_and_the_website(client, book, ordering):
    assert rest("GET", "/api/books/", query={"ordering": ordering}).errors == [("ordering", "invalid_ordering")]
    page = client.get("/", {"ordering": ordering})
    assert page.status_code == 400
    assert b"<code>invalid_ordering</code>" in page.content


@pytest.mark.parametrize(
    "order_by", [["TITLE_ASC", "TITLE_DESC"], ["PRICE_ASC", "PRICE_ASC"], ["TITLE_ASC"] * 50, ["TITLE_ASC"] * 5]
)
def test_graphql_order_by_with_a_key_twice_or_too_many_keys_is_invalid_ordering(book, order_by):
    answer = graphql("query($o: [BookOrder!]) { books(orderBy: $o) { totalCount } }", {"o": order_by})
    assert answer.errors == [("order_by", "invalid_ordering")]


def test_every_ordering_key_once_each_is_accepted(book):
    value = "-published_date,price,-created_at,title"
    assert rest("GET", "/api/books/", query={"ordering": value}).errors == []


@pytest.mark.parametrize(
    "path", ["/api/books/%0A/", "/api/%0A", "/api/books/1/%0A", "/api/nothing/here/", "/api/books/x/"]
)
def test_every_path_under_api_answers_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert [e["code"] for e in response.json()["errors"]] == ["not_found"]


@pytest.mark.parametrize("search", ["a\x00b", "\x00"])
def test_a_nul_in_search_is_invalid_characters_in_both_apis(book, search):
    assert rest("GET", "/api/books/", query={"search": search}).errors == [("search", "invalid_characters")]
    answer = graphql("query($s: String) { books(search: $s) { totalCount } }", {"s": search})
    assert answer.errors == [("search", "invalid_characters")]


@pytest.mark.parametrize(
    ("mutation", "arguments", "types"),
    [
        ("tokenCreate", {"username": "al\x00ice", "password": "x"}, "$username: String, $password: String"),
        ("authorCreate", {"name": "Ur\ud800sula"}, "$name: String"),
    ],
)
def test_nul_and_lone_surrogates_in_mutation_arguments_are_invalid_characters(staff, mutation, arguments, types):
    call = ", ".join(f"{name}: ${name}" for name in arguments)
    answer = graphql(
        f"mutation({types}) {{ {mutation}({call}) {{ errors {{ field code }} }} }}",
        arguments,
        user=staff,
        payload=mutation,
    )
    assert [code for _, code in answer.errors] == ["invalid_characters"]


def test_author_create_with_a_null_bio_is_required_in_both_apis(staff):
    assert rest("POST", "/api/authors/", user=staff, body={"name": "N", "bio": None}).errors == [("bio", "required")]
    answer = graphql(
        'mutation { authorCreate(name: "N", bio: null) { errors { field code } } }', user=staff, payload="authorCreate"
    )
    assert answer.errors == [("bio", "required")]
    assert not Author.objects.exists()


@pytest.mark.parametrize("field", ["subtitle", "description", "stock", "author_ids", "title", "isbn", "price"])
def test_book_create_with_null_for_a_field_that_cannot_be_missing_is_required(staff, field):
    body = {"title": "T", "isbn": "978-0-306-40615-7", "price": "1.00", field: None}
    assert rest("POST", "/api/books/", user=staff, body=body).errors == [(field, "required")]
    camel = {"author_ids": "authorIds"}.get(field, field)
    arguments = ", ".join(
        f"{k if k != field else camel}: {'null' if k == field else repr(v).replace(chr(39), chr(34))}"
        for k, v in body.items()
    )
    answer = graphql(
        f"mutation {{ bookCreate({arguments}) {{ errors {{ field code }} }} }}", user=staff, payload="bookCreate"
    )
    assert answer.errors == [(field, "required")]
    assert not Book.objects.exists()


def test_book_create_with_a_null_publication_date_has_none(staff):
    body = {"title": "T", "isbn": "978-0-306-40615-7", "price": "1.00", "published_date": None}
    assert rest("POST", "/api/books/", user=staff, body=body).errors == []


@pytest.mark.parametrize("price", ["1_000", "1e3", " 5", "5 ", "+5", "\u0665", "-0", "0x10", "12."])
def test_a_price_is_a_plain_decimal_in_both_apis(staff, price):
    body = {"title": "T", "isbn": "978-0-306-40615-7", "price": price}
    assert rest("POST", "/api/books/", user=staff, body=body).errors == [("price", "invalid_price")]
    answer = graphql(
        'mutation($p: String) { bookCreate(title: "T", isbn: "978-0-306-40615-7", price: $p) '
        "{ errors { field code } } }",
        {"p": price},
        user=staff,
        payload="bookCreate",
    )
    assert answer.errors == [("price", "invalid_price")]


@pytest.mark.parametrize("value", ["1_000", "1e3", "\u0665"])
def test_price_filters_and_author_ids_take_plain_numbers_only(value):
    BookFactory()
    for parameter in ("min_price", "max_price", "author"):
        assert rest("GET", "/api/books/", query={parameter: value}).errors == [(parameter, "invalid")]


@pytest.mark.parametrize("size", [0, -5])
def test_a_page_of_less_than_one_row_is_invalid_in_both_apis(book, size):
    assert rest("GET", "/api/books/", query={"page_size": size}).errors == [("page_size", "invalid")]
    assert graphql(f"{{ books(first: {size}) {{ totalCount }} }}").errors == [("first", "invalid")]


@pytest.mark.parametrize(
    "cursor",
    [
        "k1:WyJcdWQ4MDAiLDFd",  # ["\ud800", 1]: a lone surrogate
        "k1:WzFlOTk5LDFd",  # [1e999, 1]
        "k1:W3siRCI6MX0sMV0",  # [{"D": 1}, 1]: an integer where a date belongs
        "k1:WyJ4IiwxMDAwMDAwMDAwMDAwMDAwMDAwMDAwXQ",  # an id beyond the column
        "k1:W251bGwsMV0",  # [null, 1]: NULL for a title
    ],
)
def test_a_forged_cursor_is_invalid_in_both_apis(book, cursor):
    assert rest("GET", "/api/books/", query={"cursor": cursor}).errors == [("cursor", "invalid")]
    answer = graphql("query($c: String) { books(after: $c) { totalCount } }", {"c": cursor})
    assert answer.errors == [("after", "invalid")]


@pytest.mark.parametrize("value", ["1_0", " 1", "\u0661", "+1", "1.5", True])
def test_whole_numbers_in_json_bodies_are_plain(alice, book, value):
    answer = rest("POST", "/api/cart/items/", user=alice, body={"book_id": book.pk, "quantity": value})
    assert answer.errors == [("quantity", "invalid")]
    answer = rest("POST", "/api/cart/items/", user=alice, body={"book_id": value, "quantity": 1})
    assert answer.errors == [("book_id", "invalid")]


@pytest.mark.parametrize("value", [2.0, 1e300])
def test_a_json_float_is_no_whole_number(alice, book, value):
    answer = rest("POST", "/api/cart/items/", user=alice, body={"book_id": book.pk, "quantity": value})
    assert answer.errors == [("quantity", "invalid")]


@pytest.mark.parametrize("value", [" 1", "1 ", "\u0661"])
def test_a_graphql_id_is_read_as_given(book, value):
    answer = graphql("query($a: ID) { books(author: $a) { totalCount } }", {"a": value})
    assert answer.errors == [("author", "invalid")]
    assert rest("GET", "/api/books/", query={"author": value}).errors == [("author", "invalid")]
