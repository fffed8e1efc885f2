"""`totalCount` and `totalCountIsExact` of the books connection: exact up to COUNT_EXACT_UP_TO, then a
lower bound. The authors', an author's books' and the orders' counts are tested with their operations."""

import pytest

from tests.factories import BookFactory

# The view's own queries: the read cache (its version query) is counted in tests/caching/.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("read_cache_off")]

CAP = 3
COUNTED = "totalCount totalCountIsExact"


@pytest.fixture(autouse=True)
def _small_cap(settings):
    settings.COUNT_EXACT_UP_TO = CAP


def counted(connection):
    return connection["totalCount"], connection["totalCountIsExact"]


def data(answer):
    assert not answer.errors, answer.errors
    return answer.data


@pytest.mark.parametrize(
    ("matches", "expected"),
    # The rule's whole table is tests/catalog/test_pagination.py's; here, both sides of the cap as the API shows them.
    [(CAP, (CAP, True)), (CAP + 1, (CAP, False))],
    ids=["at", "above"],
)
def test_books_count_is_exact_up_to_the_cap(gql, matches, expected):
    BookFactory.create_batch(matches, title="River Song")
    BookFactory.create_batch(2, title="Lake")
    books = data(gql(f'{{ books(search: "river") {{ {COUNTED} edges {{ node {{ title }} }} }} }}'))["books"]
    assert counted(books) == expected
    assert len(books["edges"]) == matches  # the page itself is never capped


def test_an_unfiltered_books_connection_stays_exact_beyond_the_cap(gql):
    BookFactory.create_batch(CAP + 2)
    assert counted(data(gql(f"{{ books(first: 1) {{ {COUNTED} }} }}"))["books"]) == (CAP + 2, True)


def test_every_page_of_a_long_list_reports_the_same_count(gql):
    BookFactory.create_batch(CAP + 4, title="River")
    query = (
        'query($after: String) { books(search: "river", first: 2, after: $after) '
        f"{{ {COUNTED} pageInfo {{ hasNextPage endCursor }} }} }}"
    )
    after, pages = None, 0
    while True:
        books = data(gql(query, {"after": after}))["books"]
        assert counted(books) == (CAP, False)
        pages += 1
        if not books["pageInfo"]["hasNextPage"]:
            break
        after = books["pageInfo"]["endCursor"]
    assert pages == 4
    backwards = data(gql(f'{{ books(search: "river", last: 2) {{ {COUNTED} }} }}'))["books"]
    assert counted(backwards) == (CAP, False)


def test_total_count_and_its_exactness_cost_one_query(gql, django_assert_num_queries):
    BookFactory.create_batch(CAP + 2, title="River")
    with django_assert_num_queries(2):  # the page and one count for both fields
        books = data(gql(f'{{ books(search: "river", first: 2) {{ {COUNTED} edges {{ node {{ title }} }} }} }}'))
    assert counted(books["books"]) == (CAP, False)
    with django_assert_num_queries(2):
        exact_only = data(gql('{ books(search: "river", first: 2) { totalCountIsExact } }'))
    assert exact_only["books"] == {"totalCountIsExact": False}
    with django_assert_num_queries(1):  # not selected: not counted
        data(gql('{ books(search: "river", first: 2) { edges { node { title } } } }'))


def test_a_bad_filter_is_an_error_not_a_count(gql):
    answer = gql(f'{{ books(minPrice: "cheap") {{ {COUNTED} }} }}')
    assert answer.data == {"books": None}
    assert answer.codes == [("minPrice", "invalid")]
