"""`manage.py compare --screens`: seven screens three ways, their reductions and medians, in each format."""

import json
import statistics
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from workshop.screens import load_screens

pytestmark = pytest.mark.django_db

SLUGS = list(load_screens())
REDUCTIONS = {"graphql": ("rest", "graphql"), "sparse": ("rest", "sparse"), "sparse_to_graphql": ("sparse", "graphql")}


def compare(*args) -> str:
    out = StringIO()
    call_command("compare", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def measured(demo) -> dict:
    return json.loads(compare("--screens", "--format", "json"))


def test_json_has_seven_screens_three_ways_and_medians_of_their_reductions(measured):
    assert [screen["slug"] for screen in measured["screens"]] == SLUGS  # the seven of test_screens.py
    assert measured["same_data"] is True
    assert measured["paper_medians"] == {"fields": 94, "bytes": 99}
    for screen in measured["screens"]:
        ways = screen["ways"]
        assert screen["same_data"] is True, screen["difference"]
        assert ways["graphql"]["round_trips"] == 1
        assert ways["rest"]["round_trips"] == ways["sparse"]["round_trips"] == len(ways["sparse"]["requests"])
        assert all("fields=" in request for request in ways["sparse"]["requests"])
        assert not any("fields=" in request for request in ways["rest"]["requests"])
        # Sparse REST never sends more than REST; GraphQL's fields are sparse REST's without the page envelope.
        for measure in ("fields", "bytes"):
            assert ways["sparse"][measure] < ways["rest"][measure], (screen["slug"], measure)
        assert ways["graphql"]["fields"] <= ways["sparse"]["fields"]
        for name, (before, after) in REDUCTIONS.items():
            for measure in ("fields", "bytes", "gzip_bytes"):
                expected = round(100 * (1 - ways[after][measure] / ways[before][measure]), 1)
                assert screen["reductions"][name][measure] == expected
    for name in REDUCTIONS:
        for measure in ("fields", "bytes", "gzip_bytes"):
            values = [screen["reductions"][name][measure] for screen in measured["screens"]]
            assert measured["medians"][name][measure] == round(statistics.median(values), 1)
    assert measured["round_trips"] == {"rest": 8, "sparse": 8, "graphql": 7}


def test_the_screens_show_what_they_declare(measured):
    by_slug = {screen["slug"]: screen["ways"] for screen in measured["screens"]}
    assert by_slug["cart-badge"]["sparse"]["fields"] == 1  # {"copy_count": 3}
    assert by_slug["cart-badge"]["sparse"]["bytes"] == len(b'{"copy_count":3}')
    assert by_slug["author-page"]["rest"]["round_trips"] == 2
    # The page of 20 cards: 7 fields a book (two or more for several authors' names) and the page's 4.
    assert by_slug["book-card"]["sparse"]["fields"] == by_slug["book-card"]["graphql"]["fields"] + 4
    # Two orders, four fields each, no page envelope in GraphQL.
    assert by_slug["order-history"]["graphql"]["fields"] == 8


def test_the_table_has_seven_rows_the_medians_the_paper_and_the_lesson(demo):
    output = compare("--screens")
    lines = output.splitlines()
    assert lines[0] == "Seven screens, three ways: REST, REST with ?fields=, GraphQL"
    assert "Fields are the leaf values of the JSON documents a screen receives" in output
    figures = [line for line in lines if line.split(" ", 1)[0] in SLUGS]
    assert len(figures) == 14  # seven in the figures, seven in the reductions
    assert all(line.rstrip().endswith("yes") for line in figures[:7])
    median = next(line for line in lines if line.startswith("median "))
    assert median.count("%") == 9
    paper = next(line for line in lines if line.startswith("paper (median of 7 GitHub clients)"))
    assert "94% / - / -" in paper and "99% / - / -" in paper
    assert lines[-1].startswith("With sparse fieldsets alone, REST's answers shrink by a median")


def test_markdown_pastes_into_notes_with_both_tables(demo):
    output = compare("--screens", "--format", "markdown")
    assert output.startswith("### Seven screens, three ways")
    rows = [line for line in output.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == SLUGS + SLUGS
    assert all(row.endswith("| yes |") for row in rows[:7])
    median = next(line for line in output.splitlines() if line.startswith("| **median** |"))
    assert median.count("**") == 2 + 9 * 2
    assert "| *paper (median of 7 GitHub clients)* | 94% | 99% | - |" in output
    assert "**What the third column teaches.** With sparse fieldsets alone" in output


def test_screens_list_and_refusals(db):
    listing = compare("--screens", "--list")
    assert [line.split()[0] for line in listing.splitlines()] == SLUGS
    with pytest.raises(CommandError, match="takes no scenario names"):
        compare("--screens", "checkout")
    with pytest.raises(CommandError, match="must start with http"):
        compare("--screens", "--base-url", "ftp://example")
    with pytest.raises(CommandError, match="cannot reach"):
        compare("--screens", "--base-url", "http://127.0.0.1:9")


def test_screens_need_the_demo_data_and_say_which_screen_stopped(db):
    with pytest.raises(
        CommandError, match=r"^book-page: no value saved for \$\{book\} .*has `manage.py seed_demo` run\?"
    ):
        compare("--screens")


def test_a_malformed_screens_file_is_a_clear_error(db, monkeypatch):
    from workshop.registry import ScenarioError

    def broken():
        raise ScenarioError("book-card: `title` must be a non-empty text")

    monkeypatch.setattr("workshop.management.commands.compare.load_screens", broken)
    with pytest.raises(CommandError, match=r"workshop/screens\.yaml: book-card: `title` must be a non-empty text"):
        compare("--screens")


def test_the_screens_run_on_a_server_that_runs_only_its_manifest(demo, settings):
    settings.GRAPHQL_PERSISTED_ONLY = True
    assert json.loads(compare("--screens", "--format", "json"))["same_data"] is True


@pytest.mark.django_db(transaction=True)
def test_base_url_measures_the_screens_on_a_running_server(live_server):
    call_command("seed_demo", verbosity=0)
    measured = json.loads(compare("--screens", "--format", "json", "--base-url", live_server.url))
    assert measured["same_data"] is True
    assert len(measured["screens"]) == 7
    by_slug = {screen["slug"]: screen["ways"] for screen in measured["screens"]}
    assert by_slug["cart-badge"]["sparse"]["bytes"] == len(b'{"copy_count":3}')
