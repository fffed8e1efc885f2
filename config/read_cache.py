"""Conditional requests and the shared read cache, for both API styles (catalog/read_cache.py).

Placed after the CORS and client-address middleware and before sessions and views. For a
catalog read (each adapter says which requests are, api_rest/caching.py and
api_graphql/caching.py), it reads the catalog version first, then:

- anonymous: charges the client's budget (the view will not charge again), answers a
  matching ``If-None-Match`` with 304, else a stored answer, else runs the view and
  stores its 200. ``Cache-Control: public, max-age=READ_CACHE_MAX_AGE, must-revalidate``.
- signed in: the view runs (it authenticates); a 200 gets the ETag, and a matching
  ``If-None-Match`` turns it into a 304. ``Cache-Control: private, no-cache``.

Every other answer under /api/ and /graphql/ that sets no Cache-Control of its own
(carts, orders, ``me``, mutations, errors) is ``private, no-store``.
"""

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from rest_framework import exceptions

from api_graphql.caching import catalog_read as graphql_read
from api_graphql.charging import budget_spent, cost_report
from api_graphql.negotiation import JSON, graphql_response_type
from api_graphql.views import throttled as graphql_throttled
from api_rest.caching import catalog_read as rest_read
from api_rest.errors import error_response as rest_error_response
from catalog import budget
from catalog.clients import client_address
from catalog.errors import DATABASE_UNAVAILABLE
from catalog.read_cache import (
    CatalogRead,
    StoredAnswer,
    etag,
    etag_matches,
    is_anonymous,
    store,
    stored,
)
from catalog.versioning import catalog_version

API_PREFIXES = ("/api/", "/graphql/")
# Shared with the replay layer in front of Django (config/repeated_reads.py).
REPLAYABLE = "hybrid.replayable"
CHARGED = "hybrid.budget_charge"
VARY = ("Accept", "Authorization", "Cookie")


def _catalog_read(request: HttpRequest) -> CatalogRead | None:
    if not settings.READ_CACHE:
        return None
    if request.path_info.startswith("/api/"):
        return rest_read(request)
    if request.path_info == "/graphql/":
        return graphql_read(request)
    return None


def _refused(request: HttpRequest, read: CatalogRead, charge: budget.Charge) -> HttpResponse:
    """The 429 the adapter gives when its own charge finds the budget spent."""
    if read.style == "rest":
        return rest_error_response(exceptions.Throttled(wait=charge.retry_after))
    refusal = budget_spent(charge, cost_extensions(read, charge))
    return graphql_throttled(refusal, graphql_response_type(request.headers.get("Accept")) or JSON)


def cost_extensions(read: CatalogRead, charge: budget.Charge) -> dict:
    """A GraphQL read's cost report for this request's charge (also used in front of Django)."""
    return cost_report(read.details["cost"], charge)


def _wants_fresh(request: HttpRequest) -> bool:
    directives = request.headers.get("Cache-Control", "").lower()
    return "no-cache" in directives or "no-store" in directives or "no-cache" in request.headers.get("Pragma", "")


def with_extensions(body: bytes, extensions: dict) -> bytes:
    """A stored GraphQL answer (no extensions) with this request's cost report added."""
    if not body.endswith(b"}"):
        return body
    return body[:-1] + b',"extensions":' + json.dumps(extensions, separators=(",", ":")).encode() + b"}"


_EXTENSIONS = b',"extensions":'


def _without_extensions(body: bytes) -> bytes:
    """A GraphQL answer without its top-level extensions (this request's cost report).

    The view writes compact JSON with ``extensions`` as the last member: it is cut off the end,
    and only that tail is parsed, which is valid JSON on its own only when it is the top-level
    member (a nested one is followed by more closing brackets; a string cannot hold ``,"``
    unescaped). Anything else is parsed and written again whole.
    """
    at = body.rfind(_EXTENSIONS)
    if at > 0 and body.endswith(b"}"):
        try:
            tail = json.loads(body[at + len(_EXTENSIONS) : -1])
        except ValueError:
            tail = None
        if isinstance(tail, dict):
            return body[:at] + b"}"
    payload = json.loads(body)
    payload.pop("extensions", None)
    return json.dumps(payload, separators=(",", ":")).encode()


class ReadCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        read = _catalog_read(request)
        if read is None:
            return self._private(request, self.get_response(request))
        try:
            version = catalog_version()
        except DATABASE_UNAVAILABLE:
            # The view meets the same outage and answers it (503, Retry-After).
            return self._private(request, self.get_response(request))
        tag = etag(version, read)
        if not is_anonymous(request):
            response = self.get_response(request)
            if response.status_code != 200:
                return self._private(request, response)
            if request.method in ("GET", "HEAD") and etag_matches(request, tag):
                response = HttpResponseNotModified()
            return self._headers(response, tag, "private, no-cache")

        # Charged already when the replay layer in front (config/repeated_reads.py) was refused.
        charge = request.META.get(CHARGED)
        if charge is None:
            charge = budget.charge(*budget.request_identity(None, client_address(request)), read.cost)
        if not charge.allowed:
            return self._private(request, _refused(request, read, charge))
        request.budget_charge = charge  # the view does not charge again
        public = f"public, max-age={settings.READ_CACHE_MAX_AGE}, must-revalidate"
        revalidates = request.method in ("GET", "HEAD")
        if revalidates and etag_matches(request, tag):
            request.META[REPLAYABLE] = (version, read, b"")
            return self._headers(HttpResponseNotModified(), tag, public, "revalidated")

        # A client asking for a fresh answer (Cache-Control: no-cache) gets one, which is stored.
        answer = None if _wants_fresh(request) else stored(version, read)
        if answer is not None:
            body = answer.body
            if request.method != "HEAD" and read.replayable:
                request.META[REPLAYABLE] = (version, read, body)
            if read.style == "graphql":
                body = with_extensions(body, cost_extensions(read, charge))
            response = HttpResponse(b"" if request.method == "HEAD" else body, content_type=answer.content_type)
            if request.method == "HEAD":
                response["Content-Length"] = str(len(body))
            return self._headers(response, tag if revalidates else None, public, "hit")

        response = self.get_response(request)
        if response.status_code != 200 or response.streaming or request.method == "HEAD":
            return self._private(request, response)
        body = response.content
        if read.style == "graphql":
            body = _without_extensions(body)
        store(version, read, StoredAnswer(response["Content-Type"], body))
        return self._headers(response, tag if revalidates else None, public, "miss")

    @staticmethod
    def _headers(response: HttpResponse, tag: str | None, cache_control: str, state: str | None = None):
        if tag is not None:
            response["ETag"] = tag
        response["Cache-Control"] = cache_control
        patch_vary_headers(response, VARY)
        if state is not None:
            response["X-Cache"] = state
        return response

    @staticmethod
    def _private(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if request.path_info.startswith(API_PREFIXES) and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response
