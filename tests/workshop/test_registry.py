import pytest

from workshop.registry import ScenarioError, extract, load_scenarios, parse_scenarios

MINIMAL = {
    "slug": "one",
    "rest": [{"method": "GET", "path": "/api/books/"}],
    "graphql": [{"query": "{ books { totalCount } }"}],
    "result": {"rest": {"step": "step1", "path": "count"}, "graphql": {"step": "step1", "path": "data"}},
}


def test_the_registry_declares_at_least_the_seven_workshop_scenarios():
    scenarios = load_scenarios()
    assert len(scenarios) >= 7
    assert {
        "books-first-page",
        "book-with-authors-books",
        "author-page",
        "search-second-page",
        "cart-round-trip",
        "checkout",
        "out-of-stock",
    } <= set(scenarios)
    for scenario in scenarios.values():
        assert scenario.title and scenario.notice
        assert scenario.rest and scenario.graphql


def test_adding_a_scenario_is_adding_an_entry():
    scenarios = parse_scenarios({"scenarios": [MINIMAL, dict(MINIMAL, slug="two")]})
    assert list(scenarios) == ["one", "two"]
    assert scenarios["two"].rest[0].name == "step1"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slug": "Bad Slug"}, "malformed"),
        ({"rest": []}, "no rest steps"),
        ({"graphql": [{"query": "  "}]}, "needs a query"),
        ({"rest": [{"method": "BREW", "path": "/api/"}]}, "unknown method"),
        ({"rest": [{"path": "api/books/"}]}, "starting with '/'"),
        ({"result": {"rest": {"step": "step1"}}}, "no result for graphql"),
        ({"rest": [{"name": "a", "path": "/x"}, {"name": "a", "path": "/y"}]}, "step names repeat"),
    ],
)
def test_malformed_scenarios_are_refused_with_a_reason(change, message):
    with pytest.raises(ScenarioError, match=message):
        parse_scenarios({"scenarios": [dict(MINIMAL, **change)]})


def test_repeated_slugs_are_refused():
    with pytest.raises(ScenarioError, match="repeated"):
        parse_scenarios({"scenarios": [MINIMAL, MINIMAL]})


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("count", 2),
        ("results[0].title", "A"),
        ("results[].title", ["A", "B"]),
        ("results[].authors[].name", [["X", "Y"], []]),
        ("results[5].title", None),
        ("missing.deeper", None),
        ("", {"count": 2}),
        ("results[title=B].authors", []),
        ("results[title=A].authors[name=Y].name", "Y"),
        ("results[title=C].authors", None),
        ("count[title=A]", None),
    ],
)
def test_extract_follows_paths(path, expected):
    body = {
        "count": 2,
        "results": [{"title": "A", "authors": [{"name": "X"}, {"name": "Y"}]}, {"title": "B", "authors": []}],
    }
    if expected == {"count": 2}:
        assert extract(body, path) is body
    else:
        assert extract(body, path) == expected


def test_extract_maps_over_a_top_level_list():
    assert extract([{"results": [{"t": 1}]}, {"results": [{"t": 2}, {"t": 3}]}], "[].results[].t") == [[1], [2, 3]]


def test_steps_may_set_headers_save_headers_and_be_persisted_get_queries():
    scenario = parse_scenarios(
        {
            "scenarios": [
                dict(
                    MINIMAL,
                    rest=[
                        {"name": "first", "path": "/api/books/", "save_headers": {"etag": "ETag"}},
                        {"name": "again", "path": "/api/books/", "headers": {"If-None-Match": "${etag}"}},
                    ],
                    graphql=[
                        {"query": "{ books { totalCount } }", "method": "get", "persisted": True},
                        {"query": "{ books { totalCount } }", "headers": {"Cache-Control": None}},
                    ],
                    result={"rest": {"step": "first"}, "graphql": {"step": "step1"}},
                )
            ]
        }
    )["one"]
    assert scenario.rest[0].save_headers == {"etag": "ETag"}
    assert scenario.rest[1].headers == {"If-None-Match": "${etag}"}
    assert (scenario.graphql[0].method, scenario.graphql[0].persisted) == ("GET", True)
    assert (scenario.graphql[1].method, scenario.graphql[1].headers) == ("POST", {"Cache-Control": None})


QUERY = "{ books { totalCount } }"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rest": [{"path": "/api/", "headers": ["If-None-Match"]}]}, "`headers` must be a mapping"),
        ({"rest": [{"path": "/api/", "headers": {"Bad Header": "x"}}]}, "is not a header name"),
        ({"rest": [{"path": "/api/", "headers": {"Max-Forwards": 3}}]}, "must be text, or null"),
        ({"rest": [{"path": "/api/", "headers": {"Authorization": "Token x"}}]}, "use the scenario's `user`"),
        ({"graphql": [{"query": QUERY, "headers": {"content-type": "text/plain"}}]}, "cannot set content-type"),
        ({"rest": [{"path": "/api/", "save_headers": {"my etag": "ETag"}}]}, "cannot be a variable name"),
        ({"rest": [{"path": "/api/", "save_headers": {"etag": 1}}]}, "must name a response header"),
        ({"rest": [{"path": "/api/", "save_headers": "ETag"}]}, "`save_headers` must be a mapping"),
        ({"rest": [{"path": "/api/", "header": {"If-None-Match": "*"}}]}, r"unknown key\(s\) header"),
        ({"graphql": [{"query": QUERY, "method": "PUT"}]}, "by GET or POST, not PUT"),
        ({"graphql": [{"query": QUERY, "persisted": "yes please"}]}, "persisted must be true or false"),
        ({"graphql": [{"query": QUERY, "refused": "yes"}]}, "refused must be true or false"),
        ({"graphql": [{"query": "{ books(", "refused": True, "persisted": True}]}, "cannot be registered"),
        ({"graphql": [{"query": "{ books(", "refused": True, "variables": ["x"]}]}, "`variables` must be a mapping"),
        ({"rest": [{"path": "/api/", "raw_body": {"a": 1}}]}, "raw_body is text sent as it is"),
        ({"rest": [{"path": "/api/", "raw_body": "{", "body": {"a": 1}}]}, "instead of a JSON `body`"),
        ({"show_headers": "Deprecation"}, "show_headers must list response header names"),
        ({"show_headers": ["Deprecation", "Sun set"]}, "show_headers must list response header names"),
        ({"graphql": [{"query": "mutation { checkout { errors { code } } }", "method": "GET"}]}, "not a mutation"),
        ({"graphql": [{"query": "{ books { "}]}, "does not parse"),
        ({"graphql": [{"query": "query A { books { totalCount } } query B { books { totalCount } }"}]}, "exactly one"),
        ({"graphql": ["{ books { totalCount } }"]}, "a step must be a mapping"),
        ({"rest": [{"path": "/api/", "headers": {"If-None-Match": "${etag}"}}]}, r"\$\{etag\} is saved by no"),
        ({"rest": [{"path": "/api/books/${book}/"}]}, r"rest.step1: \$\{book\} is saved by no earlier step"),
        ({"result": {"rest": {"step": "nope"}, "graphql": {"step": "step1"}}}, "rest result names no step called nope"),
    ],
)
def test_malformed_steps_of_the_extended_format_are_refused_with_a_reason(change, message):
    with pytest.raises(ScenarioError, match=message):
        parse_scenarios({"scenarios": [dict(MINIMAL, **change)]})


def test_a_saved_value_is_usable_only_after_the_step_that_saves_it():
    steps = [
        {"name": "uses", "path": "/api/", "headers": {"If-None-Match": "${etag}"}},
        {"name": "saves", "path": "/api/", "save_headers": {"etag": "ETag"}},
    ]
    with pytest.raises(ScenarioError, match="uses: \\$\\{etag\\} is saved by no earlier step"):
        result = {"rest": {"step": "uses"}, "graphql": {"step": "step1"}}
        parse_scenarios({"scenarios": [dict(MINIMAL, rest=steps, result=result)]})
    # A setup step's saves are known to both styles; a style's saves only to itself.
    setup = [{"path": "/api/books/", "save": {"book": "results[0].id"}}]
    parsed = parse_scenarios({"scenarios": [dict(MINIMAL, setup=setup, rest=[{"path": "/api/books/${book}/"}])]})
    assert parsed["one"].rest[0].path == "/api/books/${book}/"


def test_a_refused_document_need_not_parse_and_a_raw_body_is_kept_as_text():
    scenario = parse_scenarios(
        {
            "scenarios": [
                dict(
                    MINIMAL,
                    rest=[{"method": "POST", "path": "/api/cart/items/", "raw_body": '{"book_id": '}],
                    graphql=[{"query": "{ books(first: 1 { totalCount } }", "refused": True, "method": "GET"}],
                    show_headers=["Content-Type", "Deprecation"],
                )
            ]
        }
    )["one"]
    assert (scenario.rest[0].raw_body, scenario.rest[0].body) == ('{"book_id": ', None)
    assert (scenario.graphql[0].refused, scenario.graphql[0].method) == (True, "GET")
    assert scenario.show_headers == ("Content-Type", "Deprecation")
    # Without `refused`, the same document is a mistake in the scenario file.
    with pytest.raises(ScenarioError, match="does not parse"):
        parse_scenarios({"scenarios": [dict(MINIMAL, graphql=[{"query": "{ books(first: 1 { totalCount } }"}])]})
