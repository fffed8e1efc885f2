import json
import logging
import socket
import time
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.db.backends.utils import CursorWrapper
from django.http import HttpResponse, JsonResponse
from django.test import Client
from django.urls import include, path
from rest_framework.authtoken.models import Token

DRIVER_TEXT = 'connection to server at "db" (10.0.0.7), port 5432 failed: Connection refused'
# One body for REST, GraphQL and the website's JSON clients: REST's item with GraphQL's extensions.code.
UNAVAILABLE = {
    "errors": [
        {
            "field": None,
            "code": "service_unavailable",
            "message": "The service is unavailable; try again shortly.",
            "extensions": {"code": "service_unavailable"},
        }
    ]
}
JSON = "application/json"
GRAPHQL_JSON = "application/json; charset=utf-8"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json; charset=utf-8"
HTML = "text/html; charset=utf-8"


def database_down_view(request):
    raise OperationalError(DRIVER_TEXT)


def interface_down_view(request):
    raise InterfaceError("connection already closed")


def other_error_view(request):
    raise ValueError("not a database problem")


def session_writing_view(request):
    request.session["seen"] = True
    return HttpResponse("ok")


def cors_view(request):
    return JsonResponse({"ok": True})


# The adapters' own URLs are not needed here: these stand in for any view under each prefix.
urlpatterns = [
    path("api/books/", database_down_view),
    path("api/closed/", interface_down_view),
    path("graphql/", database_down_view),
    path("page/", database_down_view),
    path("other/", other_error_view),
    path("session/", session_writing_view),
    path("", include("catalog.urls")),
]


def assert_json_503(response, content_type=JSON):
    assert response.status_code == 503
    assert response["Content-Type"] == content_type
    assert (response["Retry-After"], response["Cache-Control"]) == ("5", "no-store")
    assert json.loads(response.content) == UNAVAILABLE
    assert "10.0.0.7" not in response.content.decode()


def assert_html_503(response):
    assert response.status_code == 503
    assert response["Content-Type"] == HTML
    assert (response["Retry-After"], response["Cache-Control"]) == ("5", "no-store")
    html = response.content.decode()
    assert "Service unavailable" in html and "try again shortly" in html
    assert "10.0.0.7" not in html and "Traceback" not in html


@pytest.mark.django_db
def test_website_page_answers_html_503_when_the_database_fails(client, caplog):
    with (
        mock.patch("catalog.views.book_list", side_effect=OperationalError(DRIVER_TEXT)),
        caplog.at_level(logging.ERROR, logger="config.middleware"),
    ):
        response = client.get("/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert_html_503(response)
    assert "Database unavailable on GET /: OperationalError" in caplog.text


@pytest.mark.django_db
def test_website_page_answers_json_503_to_a_json_client(client):
    with mock.patch("catalog.views.book_list", side_effect=OperationalError(DRIVER_TEXT)):
        response = client.get("/", HTTP_ACCEPT="application/json")
    assert_json_503(response)


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("url", "content_type"), [("/api/books/", JSON), ("/api/closed/", JSON), ("/graphql/", GRAPHQL_JSON)]
)
def test_api_paths_answer_json_503_whatever_they_accept(client, url, content_type):
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert_json_503(response, content_type)


@pytest.mark.urls(__name__)
@pytest.mark.usefixtures("read_cache_off")  # the stand-in view is the subject here, not the read cache
@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, GRAPHQL_JSON),
        ("application/graphql-response+json, application/json", GRAPHQL_RESPONSE_JSON),
        ("image/png", GRAPHQL_JSON),  # accepts neither: an outage is still told, as JSON
    ],
)
def test_graphql_post_answers_json_503_in_the_negotiated_type(client, accept, content_type):
    headers = {"Accept": accept} if accept else {}
    query = {"query": "{ books { edges { node { title } } } }"}
    assert_json_503(client.post("/graphql/", query, "application/json", headers=headers), content_type)


# Every surface through its real views, with every database call failing.
SURFACES = {
    "rest": ("GET", "/api/books/", {"Accept": "application/json"}, JSON),
    "rest_browser": ("GET", "/api/books/", {"Accept": "text/html"}, JSON),
    "rest_token": ("GET", "/api/cart/", {"Authorization": "Token {token}"}, JSON),
    "rest_write": ("POST", "/api/auth/token/", {}, JSON),
    "graphql": ("POST", "/graphql/", {}, GRAPHQL_JSON),
    "graphql_response": ("POST", "/graphql/", {"Accept": "application/graphql-response+json"}, GRAPHQL_RESPONSE_JSON),
    "graphql_get": ("GET", "/graphql/?query={books{totalCount}}", {"Accept": "application/json"}, GRAPHQL_JSON),
    "graphql_token": ("POST", "/graphql/", {"Authorization": "Token {token}"}, GRAPHQL_JSON),
    "website_json": ("GET", "/", {"Accept": "application/json"}, JSON),
    "website": ("GET", "/", {"Accept": "text/html"}, HTML),
    "book_page": ("GET", "/books/1/", {"Accept": "text/html"}, HTML),
    "admin": ("GET", "/admin/catalog/book/", {"Accept": "text/html"}, HTML),
}
BODIES = {
    "/api/auth/token/": {"username": "alice", "password": "x"},
    "/graphql/": {"query": "{ books(first: 2) { edges { node { title } } } }"},
}


@pytest.fixture
def signed_in(staff):
    """A client with the staff user's session (the admin) and token (both APIs)."""
    client = Client()
    client.force_login(staff)
    return client, Token.objects.create(user=staff).key


def database_down(self, sql, params=None):
    raise OperationalError(DRIVER_TEXT)


def request_surface(client, name: str, token: str):
    method, url, headers, _ = SURFACES[name]
    headers = {key: value.format(token=token) for key, value in headers.items()}
    if method == "POST":
        return client.post(url, BODIES[url], "application/json", headers=headers)
    return client.get(url, headers=headers)


def test_every_surface_answers_one_and_the_same_503(signed_in):
    client, token = signed_in
    with mock.patch.object(CursorWrapper, "execute", database_down):
        answers = {name: request_surface(client, name, token) for name in SURFACES}
    for name, answer in answers.items():
        assert answer.status_code == 503, (name, answer.status_code, answer.content[:200])
        assert answer["Content-Type"] == SURFACES[name][3], name
    # One body per kind, byte for byte, and the same headers, whatever the style and the path.
    json_bodies = {answer.content for answer in answers.values() if answer["Content-Type"] != HTML}
    html_bodies = {answer.content for answer in answers.values() if answer["Content-Type"] == HTML}
    assert len(json_bodies) == 1 and json.loads(json_bodies.pop()) == UNAVAILABLE
    assert len(html_bodies) == 1
    assert_html_503(answers["admin"])
    headers = {(a["Retry-After"], a["Cache-Control"], a["Vary"].split(", ")[0]) for a in answers.values()}
    assert headers == {("5", "no-store", "Accept")}


@pytest.mark.urls(__name__)
def test_other_pages_answer_html_503_by_default(client):
    assert_html_503(client.get("/page/"))


@pytest.mark.urls(__name__)
def test_other_errors_are_left_alone():
    client = Client(raise_request_exception=False)
    response = client.get("/other/")
    assert response.status_code == 500
    assert "Retry-After" not in response  # not mistaken for an outage


@pytest.mark.urls(__name__)
def test_a_failed_session_save_answers_503_not_500(db, caplog):
    client = Client(raise_request_exception=False)
    with (
        mock.patch("django.contrib.sessions.backends.db.SessionStore.save", side_effect=OperationalError(DRIVER_TEXT)),
        caplog.at_level(logging.ERROR, logger="config.middleware"),
    ):
        response = client.get("/session/", HTTP_ACCEPT="text/html")
    assert_html_503(response)
    assert "Database unavailable on GET /session/" in caplog.text


@contextmanager
def default_database_at(port: int):
    """Point the default connection at 127.0.0.1:port for the duration."""
    original = connections[DEFAULT_DB_ALIAS]
    settings = {**original.settings_dict, "HOST": "127.0.0.1", "PORT": str(port)}
    unreachable = original.__class__(settings, alias=DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = unreachable
    try:
        yield
    finally:
        unreachable.close()
        connections[DEFAULT_DB_ALIAS] = original


@pytest.fixture
def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_port():
    """A port that completes the TCP handshake and then never answers, like a hung server."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


@pytest.mark.postgres
@pytest.mark.parametrize("port_fixture", ["closed_port", "silent_port"])
def test_unreachable_postgres_answers_503_within_the_connect_timeout(request, django_db_blocker, port_fixture):
    port = request.getfixturevalue(port_fixture)
    timeout = connections[DEFAULT_DB_ALIAS].settings_dict["OPTIONS"]["connect_timeout"]
    client = Client()
    timings = {}

    def timed_get(url, **extra):
        started = time.monotonic()
        response = client.get(url, **extra)
        timings[url] = time.monotonic() - started
        return response

    with django_db_blocker.unblock(), default_database_at(port):
        page = timed_get("/", HTTP_ACCEPT="text/html")
        readyz = timed_get("/readyz")
        healthz = timed_get("/healthz")
    assert_html_503(page)
    assert readyz.status_code == 503
    assert healthz.status_code == 200
    # Each request waits at most connect_timeout (libpq's floor is 2 s), never the worker timeout.
    assert max(timings.values()) < max(timeout, 2) + 1.5, timings
