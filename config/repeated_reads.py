"""Repeated catalog reads answered in front of Django, at the WSGI layer (config/wsgi.py).

The read cache (config/read_cache.py) answers a cached catalog read with no query and no
rendering, but still through Django's handler and middleware, which cost more than the
answer itself. This layer goes one step further for the commonest request of all: the same
anonymous read, sent again, byte for byte.

When the read-cache middleware answers an anonymous catalog read from the cache (a 304
revalidation, or a stored 200), it marks the request as replayable, and this layer keeps the
answer exactly as Django sent it (status, every header, the body) under the request's
fingerprint: method, path, query string, scheme, body and every request header but a few
that no answer depends on (``IGNORED``). An unknown header is part of the fingerprint, so it
can only cause a miss, never a wrong answer. A request with the same fingerprint is then
answered here, after three checks that keep it as exact as the middleware:

- the catalog version is read first (the same single-row query): an answer kept under an
  older version is never replayed, so a write is visible to the very next read, in every
  worker;
- the client's budget is charged as the middleware charges it; a refusal goes to Django,
  which answers it (without charging again);
- a GraphQL answer gets this request's cost report, as the middleware adds it.

Anything else goes to Django unchanged: requests with credentials (``Authorization``, any
cookie), misses, writes, and whenever the database cannot be asked. Answers are kept per
process, bounded by ``READ_CACHE_REPLAY_BYTES`` (0 turns this layer off).
"""

import io
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, InterfaceError, connections, router

from catalog import budget
from catalog.clients import resolve_client_address
from catalog.models import CatalogVersion
from catalog.read_cache import CatalogRead, RecentEntries
from catalog.versioning import catalog_version

# REPLAYABLE: set by the read-cache middleware on a replayable answer, (version, read, body),
# a GraphQL body without this request's cost report. CHARGED: set here when the budget
# refused a repeat, so that the middleware does not charge it again.
from .db.deadline import UNREACHABLE, request_scope, seconds
from .db.deadline import state as deadline_state
from .read_cache import CHARGED, REPLAYABLE, cost_extensions, with_extensions

# Request headers that no answer depends on. Every other one is part of the fingerprint.
IGNORED = frozenset(
    {
        "HTTP_ACCEPT_ENCODING",  # Django compresses nothing (the proxy does)
        "HTTP_CONNECTION",
        "HTTP_KEEP_ALIVE",
        "HTTP_USER_AGENT",
        "HTTP_REFERER",
        "HTTP_X_FORWARDED_FOR",  # the client address: charged below, never in an answer
        "HTTP_X_REAL_IP",
    }
)
CREDENTIALS = ("HTTP_AUTHORIZATION", "HTTP_COOKIE")
# Headers recomputed on every replay, or never kept.
NOT_KEPT = frozenset({"content-length", "date", "server"})


@dataclass(frozen=True)
class Kept:
    version: int
    read: CatalogRead
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes  # a GraphQL body without its cost report


def _body(environ: dict) -> bytes | None:
    """A GraphQL POST's body, read once and handed on to Django; None when it cannot be kept."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= settings.GRAPHQL_MAX_DOCUMENT_BYTES * 8:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def fingerprint(environ: dict) -> tuple | None:
    """What a repeat must share with the request it repeats; None for requests never replayed."""
    method = environ.get("REQUEST_METHOD")
    path = environ.get("PATH_INFO", "")
    if any(environ.get(name) for name in CREDENTIALS):
        return None
    if method == "GET":
        if not path.startswith(("/api/", "/graphql/")):
            return None
        body = b""
    elif method == "POST" and path == "/graphql/":
        body = _body(environ)
        if body is None:
            return None
    else:
        return None
    headers = tuple(
        sorted(
            (name, value)
            for name, value in environ.items()
            if name.startswith("HTTP_") and name not in IGNORED and isinstance(value, str)
        )
    )
    return (
        method,
        path,
        environ.get("QUERY_STRING", ""),
        environ.get("wsgi.url_scheme", ""),
        environ.get("SERVER_NAME", ""),
        environ.get("SERVER_PORT", ""),
        environ.get("CONTENT_TYPE", ""),
        body,
        headers,
    )


def _version(environ: dict) -> int | None:
    """The catalog version, on this thread's connection; None when the database cannot say.

    The query waits no longer than any of a request's (DB_WAIT_TIMEOUT_MS, docs/deadlines.md).
    Django's request boundaries are not signalled here: they would health-check the connection
    with a query of its own on every repeat. A failed query sends the request to Django, whose
    boundaries then close the broken connection and open a new one, unless the database did
    not answer at all: then Django is told so and answers its 503 without waiting again. A
    connection past its age (CONN_MAX_AGE, 0 behind a transaction pooler) is closed here as
    they would close it.
    """
    connection = connections[router.db_for_read(CatalogVersion)]
    with request_scope(seconds(settings.DB_WAIT_TIMEOUT_MS)):
        try:
            version = catalog_version()
        except (DatabaseError, InterfaceError):
            # Django meets the same outage and answers it (503, Retry-After).
            if deadline_state.unreachable:
                environ[UNREACHABLE] = True
            return None
    close_at = getattr(connection, "close_at", None)  # set once a connection was opened
    if close_at is not None and time.monotonic() >= close_at:
        connection.close()
    return version


def _client_address(environ: dict) -> str:
    return resolve_client_address(
        environ.get("REMOTE_ADDR", ""), environ.get("HTTP_X_FORWARDED_FOR"), tuple(settings.TRUSTED_PROXIES)
    )


class RepeatedReads:
    """WSGI middleware around Django's handler (config/wsgi.py)."""

    def __init__(self, app: Callable) -> None:
        self.app = app
        self.kept = RecentEntries("READ_CACHE_REPLAY_BYTES")

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        # With request metrics on, every answer carries its own figures: never replayed.
        metrics = getattr(settings, "REQUEST_METRICS", False)
        if metrics or not (settings.READ_CACHE and settings.READ_CACHE_REPLAY_BYTES):
            return self.app(environ, start_response)
        key = fingerprint(environ)
        if key is None:
            return self.app(environ, start_response)
        kept = self.kept.get(key)
        if kept is not None:
            answer = self._replay(environ, kept)
            if answer is not None:
                status, headers, body = answer
                start_response(status, headers)
                return [body]
        return self._through_django(environ, start_response, key)

    def _replay(self, environ: dict, kept: Kept) -> tuple[str, list, bytes] | None:
        version = _version(environ)
        if version != kept.version:
            return None
        charge = budget.charge(*budget.request_identity(None, _client_address(environ)), kept.read.cost)
        if not charge.allowed:
            environ[CHARGED] = charge
            return None
        if kept.status.startswith("304"):
            return kept.status, list(kept.headers), b""  # no Content-Length: it would be the 200's
        body = kept.body
        if kept.read.style == "graphql":
            body = with_extensions(body, cost_extensions(kept.read, charge))
        return kept.status, [*kept.headers, ("Content-Length", str(len(body)))], body

    def _through_django(self, environ: dict, start_response: Callable, key: tuple) -> Iterable[bytes]:
        answer: dict = {}

        def keep_start_response(status, headers, exc_info=None):
            answer.update(status=status, headers=headers)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        response = self.app(environ, keep_start_response)
        replayable = environ.get(REPLAYABLE)
        if replayable is None or "status" not in answer or getattr(response, "streaming", True):
            return response
        version, read, body = replayable
        headers = tuple((name, value) for name, value in answer["headers"] if name.lower() not in NOT_KEPT)
        if any(name.lower() == "set-cookie" for name, _ in headers):
            return response
        self.kept.put(key, Kept(version, read, answer["status"], headers, body), len(body) + 512)
        return response
