import pytest

from tests.api_graphql.conftest import gid
from tests.factories import AuthorFactory, BookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def writers(db):
    pratchett = AuthorFactory(name="Terry Pratchett", bio="Discworld.")
    gaiman = AuthorFactory(name="Neil Gaiman", bio="Sandman.")
    AuthorFactory(name="Ursula K. Le Guin", bio="Earthsea.")
    for title in ("Mort", "Guards! Guards!", "Small Gods", "Eric"):
        BookFactory(title=title, authors=[pratchett])
    BookFactory(title="Good Omens", authors=[pratchett, gaiman])
    return {"pratchett": pratchett, "gaiman": gaiman}


def names(answer):
    assert not answer.errors, answer.errors
    return [edge["node"]["name"] for edge in answer.data["authors"]["edges"]]


def test_author_list_happy_path(gql, writers):
    answer = gql("{ authors { totalCount edges { node { id databaseId name bio bookCount } } } }")
    assert answer.data["authors"]["totalCount"] == 3
    first = answer.data["authors"]["edges"][0]["node"]
    gaiman = writers["gaiman"]
    assert first == {
        "id": gid("Author", gaiman.pk),
        "databaseId": gaiman.pk,
        "name": "Neil Gaiman",
        "bio": "Sandman.",
        "bookCount": 1,
    }
    assert names(answer) == ["Neil Gaiman", "Terry Pratchett", "Ursula K. Le Guin"]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ('search: "pratch"', ["Terry Pratchett"]),
        ('search: "nobody"', []),
        ("orderBy: [NAME_DESC]", ["Ursula K. Le Guin", "Terry Pratchett", "Neil Gaiman"]),
        ("orderBy: [CREATED_AT_ASC]", ["Terry Pratchett", "Neil Gaiman", "Ursula K. Le Guin"]),
        ("first: 1", ["Neil Gaiman"]),
        ("last: 1", ["Ursula K. Le Guin"]),
    ],
)
def test_author_list_filters_ordering_and_pages(gql, writers, arguments, expected):
    assert names(gql(f"{{ authors({arguments}) {{ edges {{ node {{ name }} }} }} }}")) == expected


def test_author_list_bad_search_is_an_error_with_a_code(gql, writers):
    answer = gql(f'{{ authors(search: "{"x" * 201}") {{ edges {{ node {{ name }} }} }} }}')
    assert answer.codes == [("search", "max_length")]


def test_author_books_connection_pages_by_title(gql, writers):
    query = """query($after: String) { authors(search: "Pratchett") { edges { node {
        books(first: 2, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
                                          edges { node { title } } } } } } }"""
    seen, cursor = [], None
    while True:
        answer = gql(query, {"after": cursor})
        assert not answer.errors, answer.errors
        books = answer.data["authors"]["edges"][0]["node"]["books"]
        assert books["totalCount"] == 5
        assert books["pageInfo"]["hasPreviousPage"] is (cursor is not None)
        seen += [edge["node"]["title"] for edge in books["edges"]]
        if not books["pageInfo"]["hasNextPage"]:
            break
        cursor = books["pageInfo"]["endCursor"]
    assert seen == ["Eric", "Good Omens", "Guards! Guards!", "Mort", "Small Gods"]


def test_author_books_of_several_authors_and_their_authors(gql, writers):
    answer = gql("{ authors { edges { node { name books { edges { node { title authors { name } } } } } } } }")
    by_name = {e["node"]["name"]: e["node"]["books"]["edges"] for e in answer.data["authors"]["edges"]}
    assert [e["node"]["title"] for e in by_name["Neil Gaiman"]] == ["Good Omens"]
    assert by_name["Neil Gaiman"][0]["node"]["authors"] == [{"name": "Terry Pratchett"}, {"name": "Neil Gaiman"}]
    assert by_name["Ursula K. Le Guin"] == []
    assert len(by_name["Terry Pratchett"]) == 5


def test_author_books_bad_cursor(gql, writers):
    answer = gql('{ authors { edges { node { books(after: "bad") { edges { node { title } } } } } } }')
    assert ("after", "invalid") in answer.codes


def test_author_books_page_size_is_capped(gql, db):
    author = AuthorFactory()
    for _ in range(105):
        BookFactory(authors=[author])
    books = "books(first: 1000) { totalCount totalCountIsExact edges { cursor } }"
    answer = gql(f"{{ authors {{ edges {{ node {{ bookCount {books} }} }} }} }}")
    node = answer.data["authors"]["edges"][0]["node"]
    assert len(node["books"]["edges"]) == 100
    # Over COUNT_EXACT_UP_TO (100), the list's count is a lower bound; the author's bookCount stays exact.
    assert (node["books"]["totalCount"], node["books"]["totalCountIsExact"], node["bookCount"]) == (100, False, 105)


COUNTED = "totalCount totalCountIsExact"


def counted(connection):
    return connection["totalCount"], connection["totalCountIsExact"]


def test_author_list_count_is_exact_up_to_the_cap_then_a_lower_bound(gql, settings):
    settings.COUNT_EXACT_UP_TO = 3
    for name in ("Ann", "Anna", "Annie", "Anne", "Bob"):
        AuthorFactory(name=name)
    assert counted(gql(f"{{ authors {{ {COUNTED} }} }}").data["authors"]) == (5, True)  # unfiltered: exact
    assert counted(gql(f'{{ authors(search: "ann") {{ {COUNTED} }} }}').data["authors"]) == (3, False)


@pytest.mark.parametrize(("books", "expected"), [(3, (3, True)), (5, (3, False))], ids=["at", "above"])
def test_author_books_count_is_exact_up_to_the_cap_then_a_lower_bound(gql, settings, books, expected):
    settings.COUNT_EXACT_UP_TO = 3
    prolific = AuthorFactory(name="Prolific")
    BookFactory.create_batch(books, authors=[prolific])
    quiet = AuthorFactory(name="Quiet")
    BookFactory(authors=[quiet])
    query = f"{{ authors {{ edges {{ node {{ name bookCount books(first: 2) {{ {COUNTED} }} }} }} }} }}"
    nodes = {edge["node"]["name"]: edge["node"] for edge in gql(query).data["authors"]["edges"]}
    assert counted(nodes["Prolific"]["books"]) == expected
    assert nodes["Prolific"]["bookCount"] == books  # a field of the author, always exact
    assert counted(nodes["Quiet"]["books"]) == (1, True)
    one = gql(f'{{ author(id: "{prolific.pk}") {{ books {{ {COUNTED} }} }} }}').data["author"]
    assert counted(one["books"]) == expected
