"""Failures that any endpoint can meet: the transport, the parser, the database, the unexpected."""

import json

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import override_settings

from catalog.models import Book
from tests.api_rest.helpers import codes
from tests.config.test_database_outage import assert_json_503

pytestmark = pytest.mark.django_db


def post_raw(client, path, body: bytes | str, content_type="application/json"):
    return client.generic("POST", path, body, content_type=content_type)


def assert_error(response, status, expected):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert codes(response) == expected


@pytest.mark.parametrize(
    "body",
    [
        b'{"title": "unterminated',
        b"{'single': 'quotes'}",
        b'{"price": NaN}',
        b'{"price": Infinity}',
        b'{"price": -Infinity}',
        b'{"stock": 1' + b"0" * 5000 + b"}",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b'{"title": "\xff\xfe broken utf-8"}',
    ],
    ids=[
        "truncated",
        "single-quotes",
        "nan",
        "infinity",
        "minus-infinity",
        "huge-int",
        "deep-array",
        "deep-object",
        "bad-utf8",
    ],
)
def test_unparseable_json_is_400_parse_error(staff_api, body):
    assert_error(post_raw(staff_api, "/api/books/", body), 400, [(None, "parse_error")])
    assert not Book.objects.exists()


@pytest.mark.parametrize(
    ("body", "code"), [("[1, 2]", "invalid"), ('"a string"', "invalid"), ("42", "invalid"), ("null", "required")]
)
def test_json_that_is_not_an_object_is_400(staff_api, body, code):
    assert_error(post_raw(staff_api, "/api/books/", body), 400, [(None, code)])


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("title", "nul\u0000byte", "invalid_characters"),
        ("title", "lone \ud800 surrogate", "invalid_characters"),
        ("price", 1e308 * 10, None),
        ("price", "1" * 400, "invalid_price"),
        ("stock", 10**400, "invalid_stock"),
        ("stock", 1e300, "invalid"),
    ],
)
def test_hostile_values_get_a_4xx_with_a_code(staff_api, field, value, code):
    body = {"title": "T", "isbn": "9780306406157", "price": "1.00", field: value}
    try:
        raw = json.dumps(body, allow_nan=False)
    except ValueError:
        raw = json.dumps(body)  # inf: a body only a hostile client sends
    response = post_raw(staff_api, "/api/books/", raw)
    assert 400 <= response.status_code < 500
    expected = [(None, "parse_error")] if code is None else [(field, code)]
    assert codes(response) == expected


def test_empty_body_is_treated_as_no_fields(staff_api):
    assert_error(
        post_raw(staff_api, "/api/books/", b""),
        400,
        [("title", "required"), ("isbn", "required"), ("price", "required")],
    )


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/octet-stream"])
def test_unsupported_content_type_is_415(staff_api, content_type):
    response = post_raw(staff_api, "/api/books/", b"title=x", content_type=content_type)
    assert_error(response, 415, [(None, "unsupported_media_type")])


def test_wrong_method_is_405_with_allow(anon, book):
    response = anon.delete("/api/books/")
    assert_error(response, 405, [(None, "method_not_allowed")])
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert_error(anon.post(f"/api/orders/{book.id}/"), 405, [(None, "method_not_allowed")])


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1_000)
def test_body_over_the_limit_is_413(staff_api):
    body = json.dumps({"title": "T", "isbn": "9780306406157", "price": "1", "description": "x" * 2_000})
    assert_error(post_raw(staff_api, "/api/books/", body), 413, [(None, "request_too_large")])
    assert not Book.objects.exists()


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5)
def test_form_with_too_many_fields_is_413(staff_api):
    body = "&".join(f"f{i}=x" for i in range(20))
    response = post_raw(staff_api, "/api/books/", body, content_type="application/x-www-form-urlencoded")
    assert_error(response, 413, [(None, "request_too_large")])


def test_unknown_path_under_api_is_a_json_404(anon):
    for path in ("/api/nope/", "/api/books/1/extra/", "/api/v2/books/"):
        assert_error(anon.get(path), 404, [(None, "not_found")])
    assert_error(anon.post("/api/nope/", {}), 404, [(None, "not_found")])


def test_missing_trailing_slash_redirects_a_get_and_refuses_a_post(anon, staff_api):
    response = anon.get("/api/books?search=dune")
    assert response.status_code == 301
    assert response["Location"] == "/api/books/?search=dune"
    assert_error(staff_api.post("/api/books", {"title": "T"}), 404, [(None, "not_found")])


def test_a_bad_token_is_401_even_where_no_sign_in_is_needed(anon):
    response = anon.get("/api/books/", HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert_error(response, 401, [(None, "not_authenticated")])
    assert response["WWW-Authenticate"] == "Token"


def test_an_accept_header_we_cannot_meet_gets_json(anon, book):
    response = anon.get("/api/books/", HTTP_ACCEPT="application/xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["count"] == 1


def test_an_unknown_format_parameter_is_404(anon):
    assert_error(anon.get("/api/books/?format=xml"), 404, [(None, "not_found")])


def test_unexpected_error_is_a_json_500_without_details(anon, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("secret internals /srv/app/settings.py")

    monkeypatch.setattr("catalog.selectors.book_list", broken)
    response = anon.get("/api/books/")
    assert_error(response, 500, [(None, "server_error")])
    assert b"secret" not in response.content and b"Traceback" not in response.content
    assert "secret internals" in caplog.text  # for the operators, in the log


@override_settings(DEBUG=True)
def test_unexpected_error_shows_the_traceback_in_debug(anon, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("visible in debug")

    monkeypatch.setattr("catalog.selectors.book_list", broken)
    with pytest.raises(RuntimeError, match="visible in debug"):
        anon.get("/api/books/")


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize("client_name", ["anon", "alice_api"])
def test_database_outage_is_503_with_retry_after_and_no_driver_text(request, monkeypatch, error, client_name):
    client = request.getfixturevalue(client_name)

    def down(self, sql, params=None):
        raise error('could not connect to server: Connection refused\n\tIs the server running on host "db-7"?')

    monkeypatch.setattr(CursorWrapper, "execute", down)
    response = client.get("/api/books/")
    assert_json_503(response)  # the one 503 of every surface
    assert b"db-7" not in response.content and b"refused" not in response.content


def test_every_error_names_a_catalogue_code(anon, staff_api):
    from catalog.errors import ErrorCode

    responses = [
        anon.get("/api/books/?author=-1"),
        staff_api.post("/api/books/", {"author_ids": ["x"], "stock": "y", "published_date": "z"}),
        anon.get("/api/cart/"),
    ]
    for response in responses:
        for _, code in codes(response):
            assert code in set(ErrorCode), code
