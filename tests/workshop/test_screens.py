"""The screens file (validation), the fields measure, the data check and the lesson written from the figures."""

import copy

import pytest

from workshop.registry import ScenarioError
from workshop.screens import (
    PAGE_ENVELOPE,
    WAYS,
    difference,
    graphql_leaf_names,
    leaf_count,
    lesson,
    load_screens,
    parse_screens,
    reduction,
    rest_name,
)

SCREEN = {
    "slug": "one",
    "title": "A screen",
    "shows": "The titles.",
    "setup": [{"path": "/api/books/?search=x", "save": {"book": "results[0].id"}}],
    "rest": [{"name": "book", "path": "/api/books/${book}/", "fields": ["title", "authors.name"]}],
    "graphql": {
        "query": "query One($book: ID!) { book(id: $book) { title authors { name } } }",
        "variables": {"book": "${book}"},
    },
}


def screens_with(**change) -> dict:
    screen = copy.deepcopy(SCREEN)
    for key, value in change.items():
        if value is None:
            screen.pop(key)
        else:
            screen[key] = value
    return {"screens": [screen]}


def test_the_file_declares_the_seven_screens_of_the_paper_with_what_each_shows():
    screens = load_screens()
    assert list(screens) == [
        "book-card",
        "book-page",
        "author-page",
        "cart-badge",
        "order-history",
        "search-results",
        "checkout-summary",
    ]
    for screen in screens.values():
        assert screen.title and screen.shows
        assert all(call.fields for call in screen.calls)
        for call in screen.calls:
            assert call.sparse.path.endswith("fields=" + ",".join(call.fields))
            assert call.sparse.path.count("?") == 1
    assert screens["author-page"].steps("sparse")[1].path == (
        "/api/books/?author=${author}&page_size=100&ordering=title&fields=id,title,published_date,price"
    )
    assert screens["cart-badge"].user == "alice" and screens["cart-badge"].fresh_cart


def test_a_screen_is_an_entry():
    screens = parse_screens({"screens": [SCREEN, dict(SCREEN, slug="two")]})
    assert list(screens) == ["one", "two"]
    assert [step.path for step in screens["two"].steps("sparse")] == ["/api/books/${book}/?fields=title,authors.name"]
    assert screens["two"].steps("graphql")[0].variables == {"book": "${book}"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "non-empty list under `screens`"),
        ({"screens": []}, "non-empty list under `screens`"),
        ({"screens": "book-card"}, "non-empty list under `screens`"),
        ({"screens": ["book-card"]}, r"screens\[0\]: a screen must be a mapping"),
    ],
)
def test_a_file_without_screens_is_refused(data, message):
    with pytest.raises(ScenarioError, match=message):
        parse_screens(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slug": "Book Card"}, "slug 'Book Card' is missing, malformed or repeated"),
        ({"slug": None}, "slug None is missing"),
        ({"colour": "red"}, "unknown key.s. colour .a screen may have fresh_cart, graphql, rest, setup, shows"),
        ({"title": " "}, "one: `title` must be a non-empty text"),
        ({"shows": None}, "one: `shows` must be a non-empty text"),
        ({"user": "mallory"}, "one: unknown demo user 'mallory' .the demo users are alice, bob, admin."),
        ({"fresh_cart": "yes"}, "fresh_cart must be true or false"),
        ({"rest": []}, "one: no REST calls"),
        ({"rest": {"path": "/api/"}}, "`rest` must be a list of REST steps"),
        ({"graphql": None}, "one: no GraphQL query"),
        (
            {"rest": [{"name": "a", "path": "/api/books/", "fields": ["title"], "method": "POST"}]},
            "unknown key.s. method",
        ),
        ({"rest": [{"name": "a", "path": "/api/books/"}]}, r"one.rest\[0\]: `fields` must list the fields"),
        ({"rest": [{"name": "a", "path": "/api/books/", "fields": []}]}, "`fields` must list"),
        ({"rest": [{"name": "a", "path": "/api/books/", "fields": "title"}]}, "`fields` must list"),
        ({"rest": [{"name": "a", "path": "/api/books/", "fields": ["Title"]}]}, "'Title' is not a field name"),
        ({"rest": [{"name": "a", "path": "/api/books/", "fields": ["authors..name"]}]}, "'authors..name' is not a"),
        ({"rest": [{"name": "a", "path": "/api/books/", "fields": [3]}]}, "3 is not a field name"),
        ({"rest": [{"name": "a", "path": "/api/books/", "fields": ["title", "title"]}]}, "names title more than once"),
        ({"rest": [{"name": "a", "path": "/api/books/?fields=id", "fields": ["title"]}]}, "carries no `fields=`"),
        ({"rest": [{"name": "a", "path": "api/books/", "fields": ["title"]}]}, "starting with '/'"),
        (
            {
                "rest": [
                    {"name": "a", "path": "/api/b/", "fields": ["title"]},
                    {"name": "a", "path": "/x/", "fields": ["name"]},
                ]
            },
            "one.rest: call names repeat",
        ),
        (
            {"rest": [{"name": "a", "path": "/api/authors/${author}/", "fields": ["title"]}]},
            r"\$\{author\} is saved by no",
        ),
        ({"graphql": {"query": "{ books { totalCount } }", "method": "GET"}}, "unknown key.s. method"),
        ({"graphql": {"query": "query { book(id: 1) { title "}}, "the query does not parse"),
        (
            {"graphql": {"query": "mutation { cartClear { errors { code } } }"}},
            "its document is a query, not a mutation",
        ),
        ({"graphql": {"query": "query A { cart { total } } query B { me { username } }"}}, "exactly one operation"),
        (
            {"graphql": {"query": "query ($x: ID!) { book(id: $x) { title } }", "variables": {"x": "${x}"}}},
            r"\$\{x\} is saved",
        ),
        (
            {"graphql": {"query": "query { book(id: 1) { title publishedDate authors { name } } }"}},
            "the GraphQL query asks for published_date, which no REST `fields` name",
        ),
        (
            {"graphql": {"query": "query { book(id: 1) { title } }"}},
            "the REST `fields` name name, which the GraphQL query does not ask for",
        ),
    ],
)
def test_a_malformed_screen_is_refused_naming_the_screen_and_the_fault(change, message):
    with pytest.raises(ScenarioError, match=message):
        parse_screens(screens_with(**change))


def test_repeated_slugs_are_refused():
    with pytest.raises(ScenarioError, match="slug 'one' is missing, malformed or repeated"):
        parse_screens({"screens": [SCREEN, SCREEN]})


def test_fragments_count_for_the_fields_a_document_asks_for():
    query = (
        "query One($book: ID!) { book(id: $book) { ...Card } } "
        "fragment Card on Book { title ... on Book { authors { name } } }"
    )
    assert graphql_leaf_names(query) == {"title", "name"}
    assert parse_screens(screens_with(graphql={"query": query, "variables": {"book": "${book}"}}))["one"].calls
    without_name = query.replace("authors { name }", "authors { databaseId }")
    with pytest.raises(ScenarioError, match="asks for id, which no REST `fields` name"):
        parse_screens(screens_with(graphql={"query": without_name, "variables": {"book": "${book}"}}))


def test_an_unreadable_file_is_refused_with_its_name(tmp_path):
    broken = tmp_path / "screens.yaml"
    broken.write_text("screens: [unclosed\n")
    with pytest.raises(ScenarioError, match=r"screens\.yaml is not valid YAML"):
        load_screens(broken)


@pytest.mark.parametrize(
    ("document", "fields"),
    [
        ({"data": {"cart": {"copyCount": 3}}}, 1),
        ({"title": "A", "subtitle": "", "published_date": None, "stock": 0, "in": False}, 5),
        ({"results": [{"id": 1, "authors": [{"name": "X"}, {"name": "Y"}]}, {"id": 2, "authors": []}]}, 4),
        ({"count": 2, "next": None, "previous": None, "results": []}, 3),
        ({"ids": [1, 2, 3]}, 3),
        ({}, 0),
    ],
)
def test_fields_are_the_leaf_values_nested_ones_and_list_elements_included(document, fields):
    assert leaf_count(document) == fields


def test_graphql_names_are_read_in_their_rest_spelling():
    assert [rest_name(n) for n in ("databaseId", "publishedDate", "totalCount", "totalCountIsExact", "title")] == [
        "id",
        "published_date",
        "count",
        "count_exact",
        "title",
    ]


def test_the_data_check_allows_only_the_page_envelope_beside_the_same_values():
    sparse = [{"count": 2, "count_exact": True, "next": None, "previous": None, "results": [{"id": 1, "title": "A"}]}]
    graphql = {"books": {"edges": [{"node": {"databaseId": 1, "title": "A"}}]}}
    assert difference(sparse, graphql) is None
    assert set(PAGE_ENVELOPE) == {"count", "count_exact", "next", "previous"}
    assert (
        difference(sparse, {"books": {"totalCount": 2, "edges": [{"node": {"databaseId": 1, "title": "A"}}]}}) is None
    )
    assert difference(sparse, {"books": {"totalCount": 3, "edges": []}}) == (
        "GraphQL answers count=3, which no REST ?fields= answer holds"
    )
    assert difference(sparse, {"books": {"edges": [{"node": {"databaseId": 1}}]}}) == (
        'the REST ?fields= answers hold title="A", which the GraphQL answer does not'
    )
    assert difference([{"title": "A"}, {"title": "A"}], {"a": {"title": "A"}}) == (
        'the REST ?fields= answers hold title="A", which the GraphQL answer does not'
    )


def test_a_reduction_is_in_percent_and_negative_when_larger():
    assert reduction(200, 50) == 75.0
    assert reduction(16, 33) == -106.2
    assert reduction(0, 5) is None


MEDIANS = {
    "graphql": {"fields": 94.0, "bytes": 99.0, "gzip_bytes": 97.0},
    "sparse": {"fields": 90.0, "bytes": 98.5, "gzip_bytes": 96.0},
    "sparse_to_graphql": {"fields": 10.0, "bytes": 20.0, "gzip_bytes": -2.5},
}


def test_the_lesson_is_written_from_the_figures():
    text = lesson(MEDIANS, {"rest": 9, "sparse": 9, "graphql": 7}, {"rest": 90, "sparse": 200, "graphql": 900}, 7)
    assert "REST's answers shrink by a median 90.0% in fields and 98.5% in bytes (96.0% gzipped)" in text
    assert "GraphQL's by 94.0%, 99.0% and 97.0%: sparse fieldsets get REST most of GraphQL's saving in bytes" in text
    assert "GraphQL's answers are a median 20.0% smaller in bytes and 2.5% larger gzipped" in text
    assert "round trips (9 REST requests for the 7 screens, 7 in GraphQL)" in text
    assert "It pays in requests: 900 bytes sent for the 7 screens against 200 with ?fields=" in text


def test_the_lesson_says_so_when_sparse_rest_saves_little_or_the_round_trips_are_equal():
    medians = copy.deepcopy(MEDIANS)
    medians["sparse"]["bytes"] = 33.0
    text = lesson(medians, {way: 7 for way in WAYS}, {way: 100 for way in WAYS}, 7)
    assert "sparse fieldsets get REST 33% of GraphQL's saving in bytes" in text
    assert "the round trips are the same (7 for the 7 screens)" in text
    assert "pays in requests" not in text
    medians["sparse"]["bytes"] = 99.5
    assert "all of GraphQL's saving in bytes, or more" in lesson(medians, {w: 7 for w in WAYS}, {w: 1 for w in WAYS}, 7)
