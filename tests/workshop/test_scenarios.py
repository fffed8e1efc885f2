import pytest

from catalog.models import Book, CartItem, Order
from workshop.registry import load_scenarios
from workshop.runner import InProcessTransport, Runner

pytestmark = pytest.mark.django_db

SCENARIOS = list(load_scenarios())


def snapshot():
    return (
        sorted(Book.objects.values_list("id", "stock")),
        sorted(CartItem.objects.values_list("cart__user__username", "book_id", "quantity")),
        Order.objects.count(),
    )


@pytest.mark.parametrize("slug", SCENARIOS)
def test_every_scenario_runs_both_ways_with_equal_results_and_leaves_data_alone(demo, slug):
    before = snapshot()
    with InProcessTransport() as transport:
        run = Runner(transport).run(load_scenarios()[slug])
    assert run.equal, (run.runs["rest"].result, run.runs["graphql"].result)
    assert run.runs["rest"].result not in (None, [], {})
    for style in ("rest", "graphql"):
        totals = run.runs[style].totals()
        assert totals["round_trips"] == len(run.runs[style].exchanges) >= 1
        assert totals["sql_queries"] >= 1 and totals["server_ms"] > 0 and totals["response_bytes"] > 0
    assert snapshot() == before


def test_round_trips_show_what_each_style_needs(demo):
    with InProcessTransport() as transport:
        runner = Runner(transport)
        fan_out = runner.run(load_scenarios()["book-with-authors-books"])
        paging = runner.run(load_scenarios()["search-second-page"])
    # Good Omens has two authors: one call for the book, one per author, against one document.
    assert (fan_out.runs["rest"].totals()["round_trips"], fan_out.runs["graphql"].totals()["round_trips"]) == (3, 1)
    # Page numbers against cursors: GraphQL needs the first page's cursor first.
    assert (paging.runs["rest"].totals()["round_trips"], paging.runs["graphql"].totals()["round_trips"]) == (1, 2)


def test_the_error_scenario_gives_the_same_code_both_ways(demo):
    with InProcessTransport() as transport:
        run = Runner(transport).run(load_scenarios()["out-of-stock"])
    assert run.runs["rest"].result == run.runs["graphql"].result == ["insufficient_stock"]
    assert run.runs["rest"].exchanges[0].status == 409
    assert run.runs["graphql"].exchanges[0].status == 200


def test_each_style_answers_in_its_own_media_type(demo):
    with InProcessTransport() as transport:
        run = Runner(transport).run(load_scenarios()["search-second-page"])
    assert {e.media_type for e in run.runs["rest"].exchanges} == {"application/json"}
    assert {e.media_type for e in run.runs["graphql"].exchanges} == {"application/graphql-response+json"}


def test_graphql_bytes_do_not_count_the_metrics_themselves(demo):
    with InProcessTransport() as transport:
        run = Runner(transport).run(load_scenarios()["books-first-page"])
    exchange = run.runs["graphql"].exchanges[0]
    assert "extensions" not in exchange.response_body
    assert exchange.response_bytes < 2500
