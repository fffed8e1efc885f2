"""Choosing the response media type from an Accept header."""

import pytest

from api_graphql.negotiation import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    MediaRange,
    graphql_response_type,
    parse_accept,
    prefers_html,
)


def test_parse_accept_reads_types_charsets_and_qualities():
    ranges = parse_accept('Application/JSON; Charset="UTF-8"; q=0.5; ext=1, text/*;q=0, */*')
    assert ranges == [
        MediaRange("application", "json", "utf-8", 0.5),
        MediaRange("text", "*", None, 0.0),
        MediaRange("*", "*", None, 1.0),
    ]


@pytest.mark.parametrize(
    "header",
    ["json", "*/json", "application/json;q=2", "application/json;q=abc", "application/json;q=-1", ",,", "a/b/c"],
)
def test_malformed_members_are_left_out(header):
    assert parse_accept(header) == []


def test_commas_inside_quoted_parameters_do_not_split_members():
    assert parse_accept('application/json; profile="a,b", text/html') == [
        MediaRange("application", "json", None, 1.0),
        MediaRange("text", "html", None, 1.0),
    ]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("  ", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"{JSON}, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0.9, {JSON}", JSON),
        # The most specific range decides: application/json is refused though */* allows all.
        (f"{JSON};q=0, */*;q=0.3", GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0, */*", JSON),
        ("application/*;q=0.2, */*;q=0.9", JSON),
        ("text/html", None),
        (f"{JSON};charset=iso-8859-1", None),
        (f"{GRAPHQL_RESPONSE_JSON};charset=utf8", GRAPHQL_RESPONSE_JSON),
        ("garbage", None),
    ],
)
def test_graphql_response_type(accept, expected):
    assert graphql_response_type(accept) == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, False),
        ("*/*", False),
        ("text/html", True),
        ("text/*", True),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
        ("application/json, text/html", False),
        ("text/html;q=0.5, application/json", False),
        ("text/html;q=0, */*", False),
    ],
)
def test_prefers_html(accept, expected):
    assert prefers_html(accept) is expected
