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
