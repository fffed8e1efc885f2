"""The REST adapter's one error exit: every exception becomes ``{"errors": [...]}``.

All but a database outage, which config.middleware answers, the same way on every surface.

Codes come from the catalogue in ``catalog.errors``; DRF's and Django's own codes are
folded into it here, so a client only ever sees catalogue codes.
"""

import logging
import math
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from catalog.errors import (
    DATABASE_UNAVAILABLE,
    ErrorCode,
    ErrorItem,
    NotAuthenticated,
    NotFound,
    Throttled,
    error_body,
    validation_error_items,
)

logger = logging.getLogger(__name__)

_API_EXCEPTION_CODES: list[tuple[type[exceptions.APIException], ErrorCode]] = [
    (exceptions.ParseError, ErrorCode.PARSE_ERROR),
    (exceptions.AuthenticationFailed, ErrorCode.NOT_AUTHENTICATED),
    (exceptions.NotAuthenticated, ErrorCode.NOT_AUTHENTICATED),
    (exceptions.PermissionDenied, ErrorCode.PERMISSION_DENIED),
    (exceptions.NotFound, ErrorCode.NOT_FOUND),
    (exceptions.MethodNotAllowed, ErrorCode.METHOD_NOT_ALLOWED),
    (exceptions.UnsupportedMediaType, ErrorCode.UNSUPPORTED_MEDIA_TYPE),
    (exceptions.Throttled, ErrorCode.THROTTLED),
]

_STATUS_CODES = {
    400: ErrorCode.INVALID,
    401: ErrorCode.NOT_AUTHENTICATED,
    403: ErrorCode.PERMISSION_DENIED,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.REQUEST_TOO_LARGE,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    429: ErrorCode.THROTTLED,
    503: ErrorCode.SERVICE_UNAVAILABLE,
}


def _drf_items(detail: Any, field: str | None = None) -> Iterator[ErrorItem]:
    """Flatten a DRF error detail; nested fields are dotted (``author_ids.2``)."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in (api_settings.NON_FIELD_ERRORS_KEY, NON_FIELD_ERRORS):
                name = field
            else:
                name = f"{field}.{key}" if field else str(key)
            yield from _drf_items(value, name)
    elif isinstance(detail, list):
        for value in detail:
            yield from _drf_items(value, field)
    else:
        yield ErrorItem(field, getattr(detail, "code", None) or ErrorCode.INVALID, str(detail))


def _api_exception_code(exc: exceptions.APIException) -> str:
    for exception_class, code in _API_EXCEPTION_CODES:
        if isinstance(exc, exception_class):
            return code
    return _STATUS_CODES.get(exc.status_code, ErrorCode.SERVER_ERROR)


def _authenticate_header(context: dict[str, Any]) -> str | None:
    view, request = context.get("view"), context.get("request")
    if view is None or request is None:
        return None
    return view.get_authenticate_header(request)


def _forget_request_body(request) -> None:
    # The browsable API reads request.data again to redraw its forms.
    if request is not None:
        request._data = request._full_data = QueryDict("")
        request._files = MultiValueDict()


def translate(exc: Exception, context: dict[str, Any]) -> tuple[int, list[ErrorItem], dict[str, str]] | None:
    """Status, error items and headers for an exception; None for one we know nothing of."""
    headers: dict[str, str] = {}
    if isinstance(exc, ValidationError):
        items = validation_error_items(exc)
        conflict = any(item.code == ErrorCode.INSUFFICIENT_STOCK for item in items)
        return (status.HTTP_409_CONFLICT if conflict else status.HTTP_400_BAD_REQUEST), items, headers
    if isinstance(exc, NotFound):
        return status.HTTP_404_NOT_FOUND, [ErrorItem(exc.field, ErrorCode.NOT_FOUND, exc.message)], headers
    if isinstance(exc, ObjectDoesNotExist | Http404):
        return status.HTTP_404_NOT_FOUND, [ErrorItem(None, ErrorCode.NOT_FOUND, "Not found.")], headers
    if isinstance(exc, NotAuthenticated):
        if header := _authenticate_header(context):
            headers["WWW-Authenticate"] = header
        return status.HTTP_401_UNAUTHORIZED, [ErrorItem(None, ErrorCode.NOT_AUTHENTICATED, exc.message)], headers
    if isinstance(exc, PermissionDenied):
        message = getattr(exc, "message", None) or str(exc) or "You do not have permission to perform this action."
        return status.HTTP_403_FORBIDDEN, [ErrorItem(None, ErrorCode.PERMISSION_DENIED, message)], headers
    if isinstance(exc, Throttled):
        headers["Retry-After"] = str(exc.retry_after)
        return status.HTTP_429_TOO_MANY_REQUESTS, [ErrorItem(None, ErrorCode.THROTTLED, exc.message)], headers
    if isinstance(exc, exceptions.ValidationError):
        return exc.status_code, list(_drf_items(exc.detail)), headers
    if isinstance(exc, exceptions.APIException):
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if isinstance(exc, exceptions.Throttled):
            # Always sent (the OpenAPI document says so): at least a second when DRF knows no wait.
            headers["Retry-After"] = str(max(1, math.ceil(exc.wait or 0)))
        return exc.status_code, [ErrorItem(None, _api_exception_code(exc), str(exc.detail))], headers
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        _forget_request_body(context.get("request"))
        message = f"The request body is too large (at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes)."
        if not isinstance(exc, RequestDataTooBig):
            message = "The request body has too many fields."
        return status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, [ErrorItem(None, ErrorCode.REQUEST_TOO_LARGE, message)], {}
    if isinstance(exc, SuspiciousOperation):
        return status.HTTP_400_BAD_REQUEST, [ErrorItem(None, ErrorCode.INVALID, "The request was refused.")], {}
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: the same JSON error shape for every failure of every view.

    A database outage goes on to config.middleware, which answers it the same way on every surface.
    """
    if isinstance(exc, DATABASE_UNAVAILABLE):
        return None
    translated = translate(exc, context)
    if translated is None:
        if settings.DEBUG:
            return None  # Django's debug page, with the traceback.
        logger.error("Unexpected error in %s", type(context.get("view")).__name__, exc_info=exc)
        status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
        items = [ErrorItem(None, ErrorCode.SERVER_ERROR, "Something went wrong on our side.")]
        headers: dict[str, str] = {}
    else:
        status_code, items, headers = translated
    set_rollback()
    return Response(error_body(items), status=status_code, headers=headers)


def error_response(exc: Exception) -> JsonResponse:
    """The answer a REST view gives to ``exc`` (one ``translate`` knows), for a request no view serves."""
    translated = translate(exc, {})
    if translated is None:
        raise TypeError(f"No REST answer for {type(exc).__name__}")
    status_code, items, headers = translated
    return _json_response(status_code, items, headers)


def _json_response(status_code: int, items: list[ErrorItem], headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse(error_body(items), status=status_code, json_dumps_params={"separators": (",", ":")})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@csrf_exempt
def unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Every path under /api/ that names no endpoint: a JSON 404 (GET/HEAD get the slash added)."""
    if not request.path.endswith("/") and request.method in ("GET", "HEAD"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not unknown_path:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
    item = ErrorItem(None, ErrorCode.NOT_FOUND, f"No endpoint at {request.path}; see /api/ for the list.")
    return _json_response(status.HTTP_404_NOT_FOUND, [item])
