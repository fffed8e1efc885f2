"""Two lessons as scenarios: error semantics (4xx and a code, or 200 with errors) and a deprecated field."""

import datetime
import re
from email.utils import parsedate_to_datetime

import pytest

from catalog.deprecations import field_deprecation
from catalog.models import CartItem
from workshop.registry import load_scenarios, parse_scenarios
from workshop.runner import HttpTransport, InProcessTransport, Runner

pytestmark = pytest.mark.django_db

GRAPHQL_RESPONSE = "application/graphql-response+json"


def run(slug):
    with InProcessTransport() as transport:
        return Runner(transport).run(load_scenarios()[slug])


def answers(run, style):
    """Each exchange as (step, status, media type, whether the body has `data`)."""
    return [
        (e.step, e.status, e.media_type, isinstance(e.response_body, dict) and "data" in e.response_body)
        for e in run.runs[style].exchanges
    ]


def test_rest_answers_each_mistake_with_a_4xx_and_a_code(demo):
    lesson = run("error-semantics")
    assert answers(lesson, "rest") == [
        ("unparsable", 400, "application/json", False),
        ("not_a_boolean", 400, "application/json", False),
        ("not_a_number", 400, "application/json", False),
        ("no_such_book", 404, "application/json", False),
        ("no_copies", 400, "application/json", False),
    ]
    unparsable = lesson.runs["rest"].exchanges[0]
    # The body went as written, not as JSON made from it.
    assert unparsable.request_body == '{"book_id": 1, "quantity": }'
    assert unparsable.request_headers["Content-Type"] == "application/json"
    fields = [e.response_body["errors"][0]["field"] for e in lesson.runs["rest"].exchanges]
    assert fields == [None, "in_stock", "max_price", None, "quantity"]


def test_graphql_tells_request_errors_from_field_errors_and_follows_the_accept_header(demo):
    lesson = run("error-semantics")
    assert answers(lesson, "graphql") == [
        # Refused before anything runs: no data, 400 under its own media type, 200 under plain JSON.
        ("unparsable", 400, GRAPHQL_RESPONSE, False),
        ("unparsable_as_json", 200, "application/json", False),
        ("not_a_boolean", 400, GRAPHQL_RESPONSE, False),
        # Ran: 200, data with the field null beside errors; a mutation's refusal is data.
        ("not_a_number", 200, GRAPHQL_RESPONSE, True),
        ("no_such_book", 200, GRAPHQL_RESPONSE, True),
        ("no_copies", 200, GRAPHQL_RESPONSE, True),
    ]
    exchanges = lesson.runs["graphql"].exchanges
    assert exchanges[1].request_headers["Accept"] == "application/json"
    assert exchanges[0].response_body == exchanges[1].response_body
    assert exchanges[3].response_body["data"] == {"books": None}
    assert exchanges[3].response_body["errors"][0]["path"] == ["books"]
    assert exchanges[4].response_body["data"] == {"book": None}
    assert "errors" not in exchanges[5].response_body
    assert exchanges[5].response_body["data"]["cartItemAdd"]["cartItem"] is None


def test_both_styles_return_the_same_catalogue_codes(demo):
    lesson = run("error-semantics")
    assert lesson.equal, (lesson.runs["rest"].result, lesson.runs["graphql"].result)
    assert lesson.runs["graphql"].result == {
        "unparsable": ["parse_error"],
        "not_a_boolean": ["invalid"],
        "not_a_number": ["invalid"],
        "no_such_book": ["not_found"],
        "no_copies": ["invalid_quantity"],
    }


def test_a_field_error_is_200_under_plain_json_too(demo):
    """What the lesson's notice claims for the media type it does not send."""
    scenario = load_scenarios()["error-semantics"]
    raw = {
        "slug": "field-error-as-json",
        "rest": [{"path": "/api/books/?max_price=cheap"}],
        "graphql": [
            {"query": step.query, "headers": {"Accept": "application/json"}}
            for step in scenario.graphql
            if step.name == "not_a_number"
        ],
        "result": {
            "rest": {"step": "step1", "path": "errors[].code"},
            "graphql": {"step": "step1", "path": "errors[].extensions.code"},
        },
    }
    with InProcessTransport() as transport:
        lesson = Runner(transport).run(parse_scenarios({"scenarios": [raw]})["field-error-as-json"])
    (exchange,) = lesson.runs["graphql"].exchanges
    assert (exchange.status, exchange.media_type, exchange.response_body["data"]) == (
        200,
        "application/json",
        {"books": None},
    )
    assert lesson.equal and lesson.runs["rest"].result == ["invalid"]


def test_rest_announces_the_deprecated_field_only_where_the_answer_carries_it(demo):
    lesson = run("deprecation")
    add, cart, contract = lesson.runs["rest"].exchanges
    assert "item_count" not in add.response_body and "item_count" in cart.response_body
    assert [e.status for e in (add, cart, contract)] == [201, 200, 200]
    assert [("deprecation" in e.response_headers) for e in (add, cart, contract)] == [False, True, False]
    declared = field_deprecation("Cart", "item_count")
    since = re.fullmatch(r"@(\d+)", cart.response_headers["deprecation"])
    assert datetime.datetime.fromtimestamp(int(since.group(1)), tz=datetime.UTC) == declared.deprecated_at
    assert parsedate_to_datetime(cart.response_headers["sunset"]) == declared.sunset_at
    assert re.fullmatch(
        r'<http://[^/>]+/api/docs/>; rel="deprecation"; type="text/html"', cart.response_headers["link"]
    )
    # The contract is the whole OpenAPI document, in one download.
    assert contract.response_body["openapi"].startswith("3.")
    assert contract.response_bytes > 50_000


def test_graphql_declares_it_in_the_schema_and_still_answers_the_old_name(demo):
    lesson = run("deprecation")
    contract, add = lesson.runs["graphql"].exchanges
    fields = {f["name"]: f for f in contract.response_body["data"]["__type"]["fields"]}
    assert fields["itemCount"]["isDeprecated"] is True and fields["copyCount"]["isDeprecated"] is False
    assert "`copyCount`" in fields["itemCount"]["deprecationReason"]
    assert add.response_body["data"]["cartItemAdd"]["cart"] == {
        "copyCount": 2,
        "itemCount": 2,
        "items": [{"quantity": 2}],
    }
    assert not any("deprecation" in e.response_headers for e in lesson.runs["graphql"].exchanges)


def test_the_deprecation_lesson_compares_equal_and_leaves_the_cart_alone(demo):
    carts = sorted(CartItem.objects.values_list("cart__user__username", "book_id", "quantity"))
    lesson = run("deprecation")
    assert lesson.equal, (lesson.runs["rest"].result, lesson.runs["graphql"].result)
    assert lesson.runs["rest"].result == {"deprecated": True, "copy_count": 2, "item_count": 2, "quantities": [2]}
    assert sorted(CartItem.objects.values_list("cart__user__username", "book_id", "quantity")) == carts


def test_a_server_without_the_deprecation_makes_the_lesson_differ(demo, settings):
    """The comparison can fail: with introspection off, GraphQL cannot say what is deprecated."""
    settings.GRAPHQL_INTROSPECTION = False
    lesson = run("deprecation")
    assert not lesson.equal
    assert lesson.runs["graphql"].result["deprecated"] is None


def test_over_http_the_lessons_tell_the_same_story(demo, metered_live_server):
    for slug in ("error-semantics", "deprecation"):
        in_process = run(slug)
        with HttpTransport(metered_live_server.url) as transport:
            over_http = Runner(transport).run(load_scenarios()[slug])
        assert over_http.equal and over_http.runs["rest"].result == in_process.runs["rest"].result
        for style in ("rest", "graphql"):
            assert answers(over_http, style) == answers(in_process, style)
            assert [e.response_headers.get("sunset") for e in over_http.runs[style].exchanges] == [
                e.response_headers.get("sunset") for e in in_process.runs[style].exchanges
            ]
