"""The net under every view: a database outage answers 503, never a 500 or a hang."""

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

from catalog.error_pages import error_page
from catalog.errors import ErrorCode, ErrorItem, error_body

from .db.deadline import request_scope, seconds

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
JSON_PATH_PREFIXES = ("/api/", "/graphql/")
UNAVAILABLE_MESSAGE = "The database is unavailable; try again shortly."
UNAVAILABLE_HTML = error_page("Service unavailable", UNAVAILABLE_MESSAGE)
_FLAG = "_database_unavailable"


def wants_json(request: HttpRequest) -> bool:
    if request.path.startswith(JSON_PATH_PREFIXES):
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    if wants_json(request):
        body = error_body([ErrorItem(None, ErrorCode.SERVICE_UNAVAILABLE, UNAVAILABLE_MESSAGE)])
        response: HttpResponse = JsonResponse(body, status=503)
    else:
        response = HttpResponse(UNAVAILABLE_HTML, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _log(request: HttpRequest, exc: BaseException) -> None:
    # The driver's text goes to the log only, never to the client.
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    logger.error("Database unavailable on %s %s: %s %s", request.method, request.path, type(exc).__name__, detail)


def _mark_database_failure(sender, request: HttpRequest | None = None, **kwargs) -> None:
    # Django sends this signal from inside its exception handler, so the error is still current.
    exc = sys.exc_info()[1]
    if request is not None and isinstance(exc, DATABASE_ERRORS):
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
        with request_scope(seconds(settings.DB_WAIT_TIMEOUT_MS)):
            response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _FLAG, False):
            replacement = database_unavailable_response(request)
            for header, value in response.items():
                if header.lower().startswith("access-control-"):
                    replacement[header] = value
            return replacement
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        _log(request, exception)
        return database_unavailable_response(request)
