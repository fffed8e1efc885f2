from decimal import Decimal

import pytest

from tests.api_graphql.conftest import gid
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

NODE = "id databaseId title subtitle isbn price stock publishedDate description createdAt updatedAt authors { name }"


def titles(answer):
    assert not answer.errors, answer.errors
    return [edge["node"]["title"] for edge in answer.data["books"]["edges"]]


def test_book_list_happy_path_prints_like_rest(gql, shelf):
    answer = gql(f"{{ books {{ totalCount edges {{ cursor node {{ {NODE} }} }} }} }}")
    assert answer.status == 200 and not answer.errors
    books = answer.data["books"]
    assert books["totalCount"] == 3
    omens = books["edges"][0]["node"]
    book = shelf["omens"]
    assert omens["id"] == gid("Book", book.pk) and omens["databaseId"] == book.pk
    assert omens["price"] == "12.50"
    assert omens["publishedDate"] == "1990-05-01"
    assert omens["createdAt"].endswith("Z") and "T" in omens["createdAt"]
    assert [a["name"] for a in omens["authors"]] == ["Terry Pratchett", "Neil Gaiman"]  # cover order
    assert books["edges"][1]["node"]["price"] == "9.50"
    assert books["edges"][2]["node"]["price"] == "8.50"


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        # The filters themselves are tested in tests/catalog; here, the arguments and the orderBy enum reach them.
        ('search: "gaiman"', ["Good Omens"]),
        ('minPrice: "9", maxPrice: "12.50"', ["Good Omens", "Mort"]),
        ("inStock: false", ["Good Omens"]),
        ("orderBy: [PRICE_DESC]", ["Good Omens", "Mort", "The Hobbit"]),
        ("orderBy: [PUBLISHED_DATE_DESC]", ["Good Omens", "The Hobbit", "Mort"]),
    ],
)
def test_book_list_filters_and_ordering(gql, shelf, arguments, expected):
    assert titles(gql(f"{{ books({arguments}) {{ edges {{ node {{ title }} }} }} }}")) == expected


def test_book_list_by_author_takes_a_global_or_a_database_id(gql, shelf):
    pratchett = shelf["authors"]["pratchett"]
    for value in (str(pratchett.pk), gid("Author", pratchett.pk)):
        answer = gql("query($a: ID) { books(author: $a) { edges { node { title } } } }", {"a": value})
        assert titles(answer) == ["Good Omens", "Mort"]


def test_book_list_ordering_combines_keys(gql, db):
    BookFactory(title="B", price=Decimal("5.00"))
    BookFactory(title="A", price=Decimal("5.00"))
    BookFactory(title="C", price=Decimal("1.00"))
    answer = gql("{ books(orderBy: [PRICE_DESC, TITLE_ASC]) { edges { node { title } } } }")
    assert titles(answer) == ["A", "B", "C"]


@pytest.mark.parametrize(
    ("arguments", "field", "code"),
    [
        # The filter rules are tested in tests/catalog; one here, with the paging arguments GraphQL adds.
        ('publishedAfter: "2020-13-45"', "publishedAfter", "invalid"),
        ('after: "nonsense"', "after", "invalid"),
        ('last: 2, before: "nonsense"', "before", "invalid"),
    ],
)
def test_book_list_bad_filters_are_errors_with_codes(gql, shelf, arguments, field, code):
    answer = gql(f"{{ books({arguments}) {{ edges {{ node {{ title }} }} }} }}")
    assert answer.status == 200
    assert answer.data == {"books": None}
    assert answer.codes == [(field, code)]
    assert answer.errors[0]["path"] == ["books"]


def test_book_list_mixing_forward_and_backward_paging_is_refused(gql, shelf):
    answer = gql("{ books(first: 1, last: 1) { edges { node { title } } } }")
    assert answer.codes == [(None, "invalid")]


def test_book_list_page_forwards_and_backwards_with_cursors(gql, db):
    for i in range(7):
        BookFactory(title=f"T{i}")
    query = """query($after: String) { books(first: 3, after: $after) {
        pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { title } } } }"""
    seen, cursor, pages = [], None, 0
    while True:
        answer = gql(query, {"after": cursor})
        seen += titles(answer)
        info = answer.data["books"]["pageInfo"]
        pages += 1
        assert info["hasPreviousPage"] is (cursor is not None)
        if not info["hasNextPage"]:
            break
        cursor = info["endCursor"]
    assert seen == [f"T{i}" for i in range(7)] and pages == 3

    back = gql("{ books(last: 2) { pageInfo { hasPreviousPage startCursor } edges { node { title } } } }")
    assert titles(back) == ["T5", "T6"]
    before = back.data["books"]["pageInfo"]["startCursor"]
    earlier = gql("query($b: String) { books(last: 2, before: $b) { edges { node { title } } } }", {"b": before})
    assert titles(earlier) == ["T3", "T4"]


def test_book_list_edge_cursors_resume_after_that_edge(gql, db):
    for i in range(4):
        BookFactory(title=f"T{i}")
    edges = gql("{ books { edges { cursor node { title } } } }").data["books"]["edges"]
    answer = gql(
        "query($c: String) { books(first: 1, after: $c) { edges { node { title } } } }", {"c": edges[1]["cursor"]}
    )
    assert titles(answer) == ["T2"]


@pytest.mark.parametrize(("first", "size"), [(None, 20), (5, 5), (100, 100), (500, 100)])
def test_book_list_page_size_defaults_to_20_and_is_capped_at_100(gql, db, first, size):
    for _ in range(120):
        BookFactory()
    arguments = "" if first is None else f"(first: {first})"
    answer = gql(f"{{ books{arguments} {{ totalCount edges {{ node {{ databaseId }} }} }} }}")
    assert not answer.errors
    assert len(answer.data["books"]["edges"]) == size
    assert answer.data["books"]["totalCount"] == 120


@pytest.mark.parametrize("argument", ["first: 0", "first: -3", "last: 0", "last: -1"])
def test_book_list_page_of_less_than_one_row_is_refused_on_its_argument(gql, db, argument):
    BookFactory()
    answer = gql(f"{{ books({argument}) {{ edges {{ node {{ databaseId }} }} }} }}")
    assert [(e["extensions"]["field"], e["extensions"]["code"]) for e in answer.errors] == [
        (argument.split(":")[0], "invalid")
    ]
    assert answer.data == {"books": None}


def test_book_list_last_is_capped_too(gql, db):
    for _ in range(105):
        BookFactory()
    answer = gql("{ books(last: 1000) { edges { node { databaseId } } } }")
    assert len(answer.data["books"]["edges"]) == 100


def test_book_list_empty_catalog(gql, db):
    answer = gql("{ books { totalCount pageInfo { hasNextPage startCursor endCursor } edges { node { title } } } }")
    assert answer.data == {
        "books": {
            "totalCount": 0,
            "pageInfo": {"hasNextPage": False, "startCursor": None, "endCursor": None},
            "edges": [],
        }
    }
