import logging
import socket
import time
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.test import Client
from django.urls import include, path

DRIVER_TEXT = 'connection to server at "db" (10.0.0.7), port 5432 failed: Connection refused'
UNAVAILABLE = {
    "errors": [
        {"field": None, "code": "service_unavailable", "message": "The database is unavailable; try again shortly."}
    ]
}


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


def assert_json_503(response):
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "5"
    assert response.json() == UNAVAILABLE
    assert "10.0.0.7" not in response.content.decode()


def assert_html_503(response):
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "5"
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
@pytest.mark.parametrize("url", ["/api/books/", "/api/closed/", "/graphql/"])
def test_api_paths_answer_json_503_whatever_they_accept(client, url):
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert_json_503(response)


@pytest.mark.urls(__name__)
@pytest.mark.usefixtures("read_cache_off")  # the stand-in view is the subject here, not the read cache
def test_graphql_post_answers_json_503(client):
    response = client.post("/graphql/", {"query": "{ books { edges { node { title } } } }"}, "application/json")
    assert_json_503(response)


@pytest.mark.urls(__name__)
def test_other_pages_answer_html_503_by_default(client):
    assert_html_503(client.get("/page/"))


@pytest.mark.urls(__name__)
def test_other_errors_are_left_alone():
    client = Client(raise_request_exception=False)
    assert client.get("/other/").status_code == 500


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
