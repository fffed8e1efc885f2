import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def compare(*args) -> str:
    out = StringIO()
    call_command("compare", *args, stdout=out)
    return out.getvalue()


def test_table_output(demo):
    output = compare("books-first-page")
    assert "books-first-page: The first page of books with their authors (optimised)" in output
    assert "HTTP round trips" in output and "SQL queries" in output
    assert "The normalised results are equal." in output


def test_json_output_has_the_figures_per_style(demo):
    runs = json.loads(compare("out-of-stock", "--format", "json"))
    assert [r["slug"] for r in runs] == ["out-of-stock"]
    assert runs[0]["equal"] is True
    for style in ("rest", "graphql"):
        totals = runs[0]["styles"][style]["totals"]
        assert totals["round_trips"] == 1 and totals["sql_queries"] > 0


def test_markdown_output_and_the_n_plus_one_switch(demo):
    output = compare("books-first-page", "--format", "markdown", "--no-optimize")
    assert output.startswith("### The first page of books with their authors (query optimisation off)")
    assert "| SQL queries |" in output
    optimised = json.loads(compare("books-first-page", "--format", "json"))[0]
    plain = json.loads(compare("books-first-page", "--format", "json", "--no-optimize"))[0]
    for style in ("rest", "graphql"):
        assert (
            plain["styles"][style]["totals"]["sql_queries"] > optimised["styles"][style]["totals"]["sql_queries"] + 10
        )


def test_list_names_every_scenario(db):
    output = compare("--list")
    assert "cart-round-trip" in output and "checkout" in output


def test_unknown_scenario_is_a_clear_error(db):
    with pytest.raises(CommandError, match="Unknown scenario"):
        compare("no-such-thing")


def test_bad_base_url_is_a_clear_error(db):
    with pytest.raises(CommandError, match="must start with http"):
        compare("--base-url", "ftp://example")
    with pytest.raises(CommandError, match="cannot reach"):
        compare("books-first-page", "--base-url", "http://127.0.0.1:9")


def test_cart_scenarios_need_the_demo_users(db):
    with pytest.raises(CommandError, match="seed_demo"):
        compare("cart-round-trip")


@pytest.mark.django_db(transaction=True)
def test_base_url_runs_against_a_live_server_and_cleans_the_cart(live_server):
    from catalog.models import CartItem

    call_command("seed_demo", verbosity=0)
    carts_before = sorted(CartItem.objects.values_list("cart__user__username", "book_id", "quantity"))
    runs = json.loads(compare("author-page", "cart-round-trip", "--format", "json", "--base-url", live_server.url))
    assert [run["equal"] for run in runs] == [True, True]
    assert runs[1]["styles"]["rest"]["totals"]["round_trips"] == 4
    # This server runs without request metrics: the runner says so instead of inventing figures.
    assert runs[0]["styles"]["rest"]["totals"]["sql_queries"] is None
    assert "n/a" in compare("author-page", "--base-url", live_server.url)
    # A fresh cart before each style and an empty one after: alice's demo cart is gone, nothing else.
    assert sorted(CartItem.objects.values_list("cart__user__username", "book_id", "quantity")) == [
        row for row in carts_before if row[0] != "alice"
    ]


def step_table(output: str, title: str) -> list[list[str]]:
    """The rows of one style's step-by-step table, cells split where the columns are."""
    lines = output.splitlines()
    start = lines.index(f"  {title}, step by step:") + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("    "):
            break
        rows.append(re.split(r"\s{2,}", line.strip()))
    return rows


def test_the_cache_lesson_step_by_step(demo):
    output = compare("cached-reads")
    rest = step_table(output, "REST")
    assert [row[:5] + row[6:7] for row in rest] == [
        ["cold", "GET /api/books/?page_size=20", "no-cache", "200", "miss", "4"],
        ["warm", "GET /api/books/?page_size=20", "-", "200", "hit", "1"],
        ["revalidated", "GET /api/books/?page_size=20", "no-cache, If-None-Match", "304", "revalidated", "1"],
    ]
    assert rest[2][5] == "0"  # the 304's body
    graphql = step_table(output, "GraphQL")
    assert [(row[0], row[1], row[3], row[4]) for row in graphql] == [
        ("get_cold", "GET /graphql/ (document in the URL)", "200", "miss"),
        ("get_warm", "GET /graphql/ (document in the URL)", "200", "hit"),
        ("get_revalidated", "GET /graphql/ (document in the URL)", "304", "revalidated"),
        ("post_cold", "POST /graphql/ (document)", "200", "miss"),
        ("post_warm", "POST /graphql/ (document)", "200", "hit"),
        ("post_revalidated", "POST /graphql/ (document)", "200", "hit"),
        ("persisted_cold", "GET /graphql/ (hash only)", "400 PERSISTED_QUERY_NOT_FOUND", "-"),
        ("persisted_cold", "POST /graphql/ (document + hash)", "200", "miss"),
        ("persisted_warm", "GET /graphql/ (hash only)", "200", "hit"),
        ("persisted_revalidated", "GET /graphql/ (hash only)", "304", "revalidated"),
    ]
    assert "The normalised results are equal." in output


def test_the_cache_lesson_in_markdown_and_json(demo):
    markdown = compare("cached-reads", "--format", "markdown")
    assert "| step | request | sends | status | X-Cache | bytes | SQL | ms |" in markdown
    assert (
        "| revalidated | GET /api/books/?page_size=20 | no-cache, If-None-Match | 304 | revalidated | 0 | 1 |"
        in markdown
    )
    (run,) = json.loads(compare("cached-reads", "--format", "json"))
    exchanges = run["styles"]["graphql"]["exchanges"]
    assert [e["cache"] for e in exchanges][:3] == ["miss", "hit", "revalidated"]
    assert exchanges[2]["request_headers"]["If-None-Match"] == exchanges[0]["response_headers"]["etag"]
    assert "Authorization" not in exchanges[0]["request_headers"]


def test_the_error_lesson_shows_status_content_type_and_the_accept_sent(demo):
    output = compare("error-semantics")
    assert re.search(r"^    step +request +sends +status +X-Cache +bytes +SQL +ms +Content-Type$", output, re.M)
    rest = step_table(output, "REST")
    assert [(row[0], row[3], row[-1]) for row in rest] == [
        ("unparsable", "400 parse_error", "application/json"),
        ("not_a_boolean", "400 invalid", "application/json"),
        ("not_a_number", "400 invalid", "application/json"),
        ("no_such_book", "404 not_found", "application/json"),
        ("no_copies", "400 invalid_quantity", "application/json"),
    ]
    graphql = step_table(output, "GraphQL")
    own, plain = "application/graphql-response+json; charset=utf-8", "application/json; charset=utf-8"
    assert [(row[0], row[2], row[3], row[-1]) for row in graphql] == [
        ("unparsable", "no-cache", "400 parse_error", own),
        ("unparsable_as_json", "Accept: application/json, no-cache", "200 parse_error", plain),
        ("not_a_boolean", "no-cache", "400 invalid", own),
        ("not_a_number", "no-cache", "200 invalid", own),
        ("no_such_book", "no-cache", "200 not_found", own),
        # A mutation's refusal is in its payload, not among the response's errors.
        ("no_copies", "no-cache", "200", own),
    ]
    assert "The normalised results are equal." in output


def test_the_deprecation_lesson_shows_the_headers_in_columns_of_their_own(demo):
    output = compare("deprecation")
    assert re.search(r" +ms +Deprecation +Sunset +Link$", output, re.M)
    rest = step_table(output, "REST")
    assert [row[0] for row in rest] == ["add", "cart", "contract"]
    assert rest[0][-3:] == rest[2][-3:] == ["-", "-", "-"]
    assert rest[1][-3:-1] == ["@1796083200", "Tue, 01 Jun 2027 00:00:00 GMT"]
    assert rest[1][-1].endswith('/api/docs/>; rel="deprecation"; type="text/html"')
    assert [row[-3:] for row in step_table(output, "GraphQL")] == [["-", "-", "-"]] * 2
    markdown = compare("deprecation", "--format", "markdown")
    assert "| step | request | sends | status | X-Cache | bytes | SQL | ms | Deprecation | Sunset | Link |" in markdown
    assert "|---|---|---|---|---|---:|---:|---:|---|---|---|" in markdown
