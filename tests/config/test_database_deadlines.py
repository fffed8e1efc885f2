"""Client-side deadlines against a real PostgreSQL server kept busy with pg_sleep.

Each test runs on a connection of its own (not the test's transaction), since a passed
deadline closes the connection it happened on.
"""

import logging
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.test import override_settings
from django.urls import path

from config.db.deadline import exceeded, request_scope

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]


def sleeping_view(request):
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_sleep(2)")
    return JsonResponse({"slept": True})


def sleeping_page(request):
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_sleep(2)")
    return HttpResponse("slept")


urlpatterns = [path("api/sleep/", sleeping_view), path("sleep/", sleeping_page)]


@pytest.fixture
def own_connection(django_db_setup, django_db_blocker):
    """A new connection to the test database, standing in as the default one."""
    original = connections[DEFAULT_DB_ALIAS]
    own = original.__class__({**original.settings_dict}, alias=DEFAULT_DB_ALIAS)
    with django_db_blocker.unblock():
        connections[DEFAULT_DB_ALIAS] = own
        try:
            yield own
        finally:
            own.close()
            connections[DEFAULT_DB_ALIAS] = original


@contextmanager
def timed():
    took = {}
    started = time.monotonic()
    try:
        yield took
    finally:
        took["seconds"] = time.monotonic() - started


def test_a_query_in_a_request_ends_at_the_deadline_and_the_next_request_reconnects(own_connection):
    with request_scope(0.3), timed() as took, pytest.raises(OperationalError) as caught, own_connection.cursor() as c:
        c.execute("SELECT pg_sleep(2)")
    assert 0.3 <= took["seconds"] < 1.0, took
    assert exceeded(caught.value)
    assert "No answer from the database within 300 ms" in str(caught.value)
    # The connection is gone: the rest of the request fails at once instead of waiting again.
    with request_scope(0.3), timed() as again, pytest.raises((InterfaceError, OperationalError)):
        own_connection.cursor().execute("SELECT 1")
    assert again["seconds"] < 0.1
    # What Django does between requests: the broken connection is dropped, the next one works.
    own_connection.close_if_unusable_or_obsolete()
    with request_scope(0.3), own_connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_outside_a_request_a_long_query_runs_to_its_end(own_connection):
    with override_settings(DB_WAIT_TIMEOUT_MS=100), timed() as took, own_connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.5)")
    assert took["seconds"] >= 0.5


def test_management_commands_are_not_cut_off_by_the_web_deadline(own_connection):
    settings = own_connection.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    )
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SELECT pg_sleep(0.8)')\n"
        "print('slept', connection.settings_dict['ENGINE'])\n"
    )
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        SECRET_KEY="deadline-test-secret-key-deadline-test-secret-key-0123456789",
        DATABASE_URL=url,
        DB_WAIT_TIMEOUT_MS="100",
        DB_HEALTH_CHECK_TIMEOUT_MS="100",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "slept config.db.postgresql"


def test_a_named_cursor_fetch_has_the_deadline_too(own_connection):
    # Inside a transaction DECLARE is lazy: the rows, and the wait, come with each FETCH.
    own_connection.set_autocommit(False)
    with request_scope(0.3):
        cursor = own_connection.chunked_cursor()
        with timed() as declared:
            cursor.execute("SELECT pg_sleep(1) FROM generate_series(1, 3)")
        with timed() as took, pytest.raises(OperationalError) as caught:
            cursor.fetchmany(3)
    assert declared["seconds"] < 0.2, declared
    assert exceeded(caught.value)
    assert 0.3 <= took["seconds"] < 1.0, took


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("url", "content_type"), [("/api/sleep/", "application/json"), ("/sleep/", "text/html; charset=utf-8")]
)
def test_a_request_that_waits_too_long_answers_503(client, own_connection, caplog, url, content_type):
    with override_settings(DB_WAIT_TIMEOUT_MS=300), caplog.at_level(logging.WARNING), timed() as took:
        response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 503
    assert response["Content-Type"] == content_type
    assert response["Retry-After"] == "5"
    assert took["seconds"] < 1.0, took
    if content_type == "application/json":
        assert response.json()["errors"][0]["code"] == "service_unavailable"
    assert "No answer from the database within 300 ms" in caplog.text
    assert "its connection was shut down" in caplog.text
