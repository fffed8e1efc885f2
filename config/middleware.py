"""The net under every view: a database outage answers 503, never a 500 or a hang.

It is the one place where an outage is answered, on every surface: the REST and GraphQL
adapters let the driver's error through, the website and the admin have no handler of their
own. So every 503 of an outage is the same: one body, ``Retry-After`` and ``Cache-Control:
no-store``, in the content type the surface speaks (docs/deadlines.md).
"""

import json
import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.core.signals import got_request_exception
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from api_graphql.negotiation import content_type, graphql_response_type
from catalog.error_pages import error_page
from catalog.errors import DATABASE_UNAVAILABLE, ErrorCode, ErrorItem

from .db.deadline import UNREACHABLE, request_scope, seconds

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
UNAVAILABLE_TITLE = "Service unavailable"
UNAVAILABLE_MESSAGE = "The service is unavailable; try again shortly."
JSON = "application/json"
HTML = "text/html; charset=utf-8"
_FLAG = "_database_unavailable"


def unavailable_json() -> bytes:
    """REST's error item with GraphQL's ``extensions.code`` beside it: one body for both styles."""
    item = ErrorItem(None, ErrorCode.SERVICE_UNAVAILABLE, UNAVAILABLE_MESSAGE)
    return json.dumps({"errors": [item.as_dict(graphql_extensions=True)]}, separators=(",", ":")).encode()


def unavailable_page() -> bytes:
    return error_page(UNAVAILABLE_TITLE, UNAVAILABLE_MESSAGE).encode()


def unavailable_content_type(request: HttpRequest) -> str:
    """JSON under /api/, GraphQL's negotiated type under /graphql/, elsewhere what the client prefers."""
    if request.path.startswith("/graphql/"):
        return content_type(graphql_response_type(request.headers.get("Accept")) or JSON)
    if request.path.startswith("/api/"):
        return JSON
    return JSON if request.get_preferred_type(["text/html", JSON]) == JSON else HTML


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 of a database outage, for any request."""
    media_type = unavailable_content_type(request)
    body = unavailable_page() if media_type == HTML else unavailable_json()
    response = HttpResponse(body, status=503, content_type=media_type)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    patch_vary_headers(response, ("Accept",))
    return response


def _log(request: HttpRequest, exc: BaseException) -> None:
    # The driver's text goes to the log only, never to the client.
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    logger.error("Database unavailable on %s %s: %s %s", request.method, request.path, type(exc).__name__, detail)


def _mark_database_failure(sender, request: HttpRequest | None = None, **kwargs) -> None:
    # Django sends this signal from inside its exception handler, so the error is still current.
    exc = sys.exc_info()[1]
    if request is not None and isinstance(exc, DATABASE_UNAVAILABLE):
        setattr(request, _FLAG, True)
        _log(request, exc)


class DatabaseUnavailableMiddleware:
    """Bound every database wait of a request, and turn OperationalError/InterfaceError into a 503.

    Inside this middleware each database round trip waits at most DB_WAIT_TIMEOUT_MS
    (config.db.deadline), so a database that stops answering ends in the 503 below.
    A view's error is caught by ``process_exception``. An error raised by a middleware
    inside this one (saving the session, say) has already become a 500 by the time it
    gets here; the ``got_request_exception`` signal marks such a request and the 500
    is replaced. Place it after SecurityMiddleware and before SessionMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        got_request_exception.connect(_mark_database_failure, dispatch_uid="config.middleware.database_failure")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        unreachable = bool(request.META.get(UNREACHABLE))
        with request_scope(seconds(settings.DB_WAIT_TIMEOUT_MS), unreachable=unreachable):
            response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _FLAG, False):
            replacement = database_unavailable_response(request)
            for header, value in response.items():
                if header.lower().startswith("access-control-"):
                    replacement[header] = value
            return replacement
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        _log(request, exception)
        return database_unavailable_response(request)
