"""Anonymous repeats of cached catalog reads, answered in front of Django (config/repeated_reads.py).

The application is called as gunicorn calls it (WSGI), so that what Django would have sent
and what the layer in front sends can be compared byte for byte.
"""

import hashlib
import json
from urllib.parse import urlencode

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, close_old_connections
from django.test import RequestFactory, override_settings

from catalog import budget
from config.repeated_reads import RepeatedReads
from tests.api_graphql.conftest import token_for

BOOKS = "/api/books/?page_size=2"
QUERY = "query Page { books(first: 2) { totalCount edges { node { title authors { name } } } } }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()


class Answer:
    def __init__(self, status: str, headers: list, body: bytes) -> None:
        self.status, self.headers, self.body = status, dict(headers), body
        self.code = int(status.split()[0])

    def json(self) -> dict:
        return json.loads(self.body)


@pytest.fixture
def app(db):
    """The production WSGI stack, counting the requests that reach Django's handler."""
    # As Django's test client does: the test's transaction must outlive each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    entered = []

    def count(sender, **kwargs):
        if sender is WSGIHandler:
            entered.append(1)

    signals.request_started.connect(count)
    application = RepeatedReads(WSGIHandler())
    application.entered = entered
    yield application
    signals.request_started.disconnect(count)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def call(app, method: str, path: str, body: bytes = b"", **headers) -> Answer:
    factory = RequestFactory()
    if method == "GET":
        environ = factory.get(path, **headers).environ
    else:
        environ = factory.generic(method, path, body, content_type="application/json", **headers).environ
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen.update(status=status, headers=response_headers)

    chunks = app(environ, start_response)
    body = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return Answer(seen["status"], seen["headers"], body)


def without_length(answer: Answer) -> dict:
    return {name: value for name, value in answer.headers.items() if name != "Content-Length"}


def test_a_repeated_rest_read_is_the_same_answer_without_entering_django(app, shelf):
    miss, hit, repeat = (call(app, "GET", BOOKS, HTTP_ACCEPT="application/json") for _ in range(3))
    assert (miss.headers["X-Cache"], hit.headers["X-Cache"]) == ("miss", "hit")
    assert len(app.entered) == 2  # the miss and the hit; the repeat never reached Django
    assert repeat.status == hit.status == "200 OK"
    assert without_length(repeat) == without_length(hit)
    assert repeat.body == hit.body == miss.body
    assert repeat.headers["Content-Length"] == str(len(repeat.body))
    assert repeat.json()["count"] == 3


def test_a_repeated_revalidation_is_a_304_with_the_same_headers(app, shelf):
    tag = call(app, "GET", BOOKS).headers["ETag"]
    first, repeat = (call(app, "GET", BOOKS, HTTP_IF_NONE_MATCH=tag) for _ in range(2))
    assert first.code == repeat.code == 304
    assert len(app.entered) == 2
    assert repeat.headers == first.headers
    assert repeat.headers["ETag"] == tag and repeat.headers["X-Cache"] == "revalidated"
    assert "public" in repeat.headers["Cache-Control"] and "Content-Length" not in repeat.headers
    assert repeat.body == b""


def test_a_write_is_seen_by_the_very_next_repeat(app, shelf):
    path = f"/api/books/{shelf['hobbit'].pk}/"
    for _ in range(3):
        call(app, "GET", path)
    tag = call(app, "GET", path).headers["ETag"]
    call(app, "GET", path, HTTP_IF_NONE_MATCH=tag)
    assert call(app, "GET", path, HTTP_IF_NONE_MATCH=tag).code == 304
    entered = len(app.entered)
    book = shelf["hobbit"]
    book.title = "There and Back Again"
    book.save()  # every write bumps the catalog version (catalog/versioning.py)
    after = call(app, "GET", path)
    revalidated = call(app, "GET", path, HTTP_IF_NONE_MATCH=tag)
    assert len(app.entered) == entered + 2
    assert after.json()["title"] == "There and Back Again" and after.headers["X-Cache"] == "miss"
    assert revalidated.code == 200 and revalidated.headers["ETag"] != tag


def graphql_post(app, accept: str = "application/json") -> Answer:
    return call(app, "POST", "/graphql/", json.dumps({"query": QUERY}).encode(), HTTP_ACCEPT=accept)


def test_a_repeated_graphql_post_gets_the_same_data_and_its_own_cost_report(app, shelf):
    miss, hit, repeat = (graphql_post(app) for _ in range(3))
    assert (miss.headers["X-Cache"], hit.headers["X-Cache"], len(app.entered)) == ("miss", "hit", 2)
    assert repeat.json() == hit.json()
    assert repeat.json()["data"]["books"]["totalCount"] == 3
    assert repeat.json()["extensions"]["cost"]["charged"] == hit.json()["extensions"]["cost"]["charged"] == 1
    assert without_length(repeat) == without_length(hit)


def test_the_cost_report_of_a_repeat_is_this_requests_budget(app, shelf):
    with override_settings(THROTTLE_RATES={"anon": "5/minute", "user": None, "login": None, "login_address": None}):
        answers = [graphql_post(app) for _ in range(4)]
    assert [a.json()["extensions"]["cost"]["remaining"] for a in answers] == [4, 3, 2, 1]
    assert len(app.entered) == 2


def test_a_refused_repeat_is_answered_by_django_and_charged_once(app, shelf):
    with override_settings(THROTTLE_RATES={"anon": "3/minute", "user": None, "login": None, "login_address": None}):
        answers = [call(app, "GET", BOOKS) for _ in range(4)]
        used = budget.peek(*budget.request_identity(None, "127.0.0.1")).used
    assert [a.code for a in answers] == [200, 200, 200, 429]
    assert answers[3].json()["errors"][0]["code"] == "throttled" and answers[3].headers["Retry-After"]
    assert len(app.entered) == 3  # the refusal is Django's own 429
    assert used == 4


def test_each_media_type_and_host_keeps_its_own_answer(app, shelf):
    for accept in ("application/json", "application/graphql-response+json") * 3:
        answer = graphql_post(app, accept)
        assert answer.headers["Content-Type"].startswith(accept)
    with override_settings(ALLOWED_HOSTS=["testserver", "books.example"]):
        for host in ("testserver", "books.example") * 3:
            answer = call(app, "GET", "/api/books/?page_size=1", HTTP_HOST=host)
            assert answer.json()["next"].startswith(f"http://{host}/")
    assert len(app.entered) == 8  # a miss and a hit for each of the four


def test_requests_with_credentials_are_never_answered_in_front(app, shelf, staff):
    token = f"Token {token_for(staff)}"
    for _ in range(3):
        assert call(app, "GET", BOOKS, HTTP_AUTHORIZATION=token).headers["Cache-Control"] == "private, no-cache"
    for _ in range(3):
        call(app, "GET", BOOKS, HTTP_COOKIE="csrftoken=abc")
    assert len(app.entered) == 6


def test_a_registration_always_reaches_the_read_cache_and_a_hash_alone_is_repeated(app, shelf):
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": HASH}})
    registering = "/graphql/?" + urlencode({"query": QUERY, "extensions": extensions})
    for _ in range(3):
        assert call(app, "GET", registering).json()["data"]["books"]["totalCount"] == 3
    assert len(app.entered) == 3
    by_hash = "/graphql/?" + urlencode({"extensions": extensions})
    answers = [call(app, "GET", by_hash) for _ in range(3)]
    assert {json.dumps(a.json()["data"]) for a in answers} == {json.dumps(answers[0].json()["data"])}
    assert len(app.entered) == 4  # the first hash-only GET was a hit; then repeats


def test_with_the_database_unreachable_a_repeat_goes_to_django(app, shelf, monkeypatch):
    call(app, "GET", BOOKS)
    hit = call(app, "GET", BOOKS)

    def unreachable(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("config.repeated_reads.catalog_version", unreachable)
    again = call(app, "GET", BOOKS)
    assert len(app.entered) == 3  # Django answered (its own version read still works here)
    assert again.body == hit.body


def test_a_mutation_and_other_posts_still_reach_the_view_with_their_body(app, shelf):
    mutation = json.dumps({"query": 'mutation { tokenCreate(username: "nobody", password: "wrong") { token } }'})
    for _ in range(2):
        answer = call(app, "POST", "/graphql/", mutation.encode())
        assert answer.json()["data"]["tokenCreate"]["token"] is None
        assert answer.headers["Cache-Control"] == "private, no-store"
    # Larger than any document the layer keeps: handed on whole, answered by Django every time.
    large = json.dumps({"query": QUERY, "variables": {"pad": "x" * 200_000}}).encode()
    for _ in range(3):
        assert call(app, "POST", "/graphql/", large).json()["data"]["books"]["totalCount"] == 3
    assert len(app.entered) == 5


@pytest.mark.parametrize(
    "overrides",
    [{"READ_CACHE_REPLAY_BYTES": 0}, {"READ_CACHE_REPLAY_BYTES": 100}, {"REQUEST_METRICS": True}],
    ids=["off", "answer-larger-than-the-room", "request-metrics-on"],
)
def test_the_layer_keeps_nothing_when_it_may_not(app, shelf, overrides):
    with override_settings(**overrides):
        answers = [call(app, "GET", BOOKS) for _ in range(3)]
    assert len(app.entered) == 3
    assert answers[2].headers["X-Cache"] == "hit"


def test_a_connection_past_its_age_is_closed_after_a_repeat_as_django_would(app, shelf, monkeypatch):
    """CONN_MAX_AGE holds for repeats too (0 behind a transaction pooler: closed every time)."""
    from django.db import connections

    connection = connections["default"]
    call(app, "GET", BOOKS)
    call(app, "GET", BOOKS)
    closed = []
    monkeypatch.setattr(connection, "close", lambda: closed.append(1))
    monkeypatch.setattr(connection, "close_at", None, raising=False)
    assert call(app, "GET", BOOKS).headers["X-Cache"] == "hit" and closed == []
    monkeypatch.setattr(connection, "close_at", 0.0)
    assert call(app, "GET", BOOKS).headers["X-Cache"] == "hit" and closed == [1]
    assert len(app.entered) == 2


def test_a_database_that_did_not_answer_a_repeat_is_not_asked_again_by_django(app, shelf, monkeypatch):
    """The repeat's version query waits no longer than a request's; when it got no answer at
    all, Django is told, so its 503 comes without a second wait (connect, then query)."""
    from contextlib import contextmanager

    from config import middleware
    from config.db import deadline

    call(app, "GET", BOOKS)
    call(app, "GET", BOOKS)
    scopes = []

    def no_answer(*args, **kwargs):
        scopes.append(("repeat", deadline.state.timeout))
        deadline.state.unreachable = True  # what the guard sets when a deadline passes
        raise OperationalError("No answer from the database within 3000 ms; the connection was closed.")

    real_scope = middleware.request_scope

    @contextmanager
    def recorded_scope(timeout, *, unreachable=False):
        scopes.append(("django", unreachable))
        with real_scope(timeout, unreachable=unreachable):
            yield

    monkeypatch.setattr("config.repeated_reads.catalog_version", no_answer)
    monkeypatch.setattr(middleware, "request_scope", recorded_scope)
    call(app, "GET", BOOKS)
    assert scopes == [("repeat", 3.0), ("django", True)]
    assert deadline.state.unreachable is False and deadline.state.timeout is None  # nothing leaks to the thread
