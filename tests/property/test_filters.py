"""Filters, orderings and page sizes: any value gives a page or a catalogue code, the same in both APIs."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import BookFactory
from tests.parity.clients import graphql_book_filter
from tests.property.clients import graphql, rest
from tests.property.strategies import AUTHOR_ORDERINGS, BOOK_ORDERINGS, GRAPHQL_INT, number_texts, texts

pytestmark = pytest.mark.django_db

# GraphQL argument -> REST parameter, for comparing the fields errors name.
_REST_NAMES = {"order_by": "ordering", "first": "page_size"}


def _enum(key: str) -> str:
    return f"{key.lstrip('-').upper()}_{'DESC' if key.startswith('-') else 'ASC'}"


@pytest.fixture
def shelf_of_books(db):
    return BookFactory.create_batch(3)


def _same(rest_answer, graphql_answer):
    renamed = sorted(((_REST_NAMES.get(f, f), c) for f, c in graphql_answer.errors), key=lambda p: (p[0] or "", p[1]))
    assert renamed == rest_answer.errors, (rest_answer, graphql_answer)


@given(
    filters=st.fixed_dictionaries(
        {},
        optional={
            "search": texts(surrogates=False),
            "isbn": texts(surrogates=False),
            "min_price": number_texts(),
            "max_price": number_texts(),
            "author": number_texts(),
            "published_after": st.one_of(st.dates().map(str), texts(surrogates=False)),
            "published_before": st.one_of(st.dates().map(str), texts(surrogates=False)),
        },
    )
)
def test_book_filters_give_rows_or_the_same_codes_in_both_apis(shelf_of_books, filters):
    rest_answer = rest("GET", "/api/books/", query=filters)
    used = {graphql_book_filter(key): value for key, value in filters.items()}
    signature = ", ".join(f"${name}: {kind}" for (name, kind) in used)
    arguments = ", ".join(f"{name}: ${name}" for (name, _) in used)
    query = f"query{f'({signature})' if used else ''} {{ books{f'({arguments})' if used else ''} {{ totalCount }} }}"
    graphql_answer = graphql(query, {name: value for (name, _), value in used.items()})
    _same(rest_answer, graphql_answer)


@given(ordering=BOOK_ORDERINGS)
def test_book_orderings_sort_or_answer_invalid_ordering_in_both_apis(shelf_of_books, ordering):
    rest_answer = rest("GET", "/api/books/", query={"ordering": ",".join(ordering)})
    assert rest_answer.errors in ([], [("ordering", "invalid_ordering")])
    keys = [key for key in ordering if key.lstrip("-").islower() and key.lstrip("-") and not key.startswith("--")]
    enums = [_enum(key) for key in keys if key.lstrip("-") in ("title", "price", "published_date", "created_at")]
    if len(enums) == len(ordering) and ordering:
        graphql_answer = graphql("query($o: [BookOrder!]) { books(orderBy: $o) { totalCount } }", {"o": enums})
        _same(rest_answer, graphql_answer)


@given(ordering=AUTHOR_ORDERINGS)
def test_author_orderings_sort_or_answer_invalid_ordering(db, ordering):
    answer = rest("GET", "/api/authors/", query={"ordering": ",".join(ordering)})
    assert answer.errors in ([], [("ordering", "invalid_ordering")])


@given(size=GRAPHQL_INT, backwards=st.booleans())
def test_page_sizes_give_1_to_100_rows_or_invalid_the_same_in_both_apis(shelf_of_books, size, backwards):
    rest_answer = rest("GET", "/api/books/", query={"page_size": str(size)})
    assert rest_answer.errors == ([] if size >= 1 else [("page_size", "invalid")])
    argument = "last" if backwards else "first"
    graphql_answer = graphql(f"query($n: Int) {{ books({argument}: $n) {{ totalCount }} }}", {"n": size})
    assert graphql_answer.errors == ([] if size >= 1 else [(argument, "invalid")])


@given(size=number_texts(), page=number_texts())
def test_page_size_and_page_in_any_writing_give_a_page_or_a_4xx_code(shelf_of_books, size, page):
    answer = rest("GET", "/api/books/", query={"page_size": size, "page": page})
    assert answer.status in (200, 400, 404)


@given(search=texts(), first=st.one_of(st.none(), GRAPHQL_INT))
def test_author_search_in_graphql_never_fails_the_server(db, search, first):
    answer = graphql(
        "query($s: String, $n: Int) { authors(search: $s, first: $n) { totalCount } }", {"s": search, "n": first}
    )
    assert {code for _, code in answer.errors} <= {"invalid", "invalid_characters", "max_length"}
