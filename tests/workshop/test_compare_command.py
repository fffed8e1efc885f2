import json
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
