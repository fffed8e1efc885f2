"""The /graphql/ endpoint: GraphQL over HTTP, DRF authentication, limits, cached validation, safe errors.

Media types and status codes follow the GraphQL-over-HTTP draft:

- the response is ``application/graphql-response+json`` when the client names it, else
  ``application/json`` (negotiation.py); an Accept header that allows neither is 406;
- a request that is not well formed (no JSON object, a parameter of the wrong type, a
  batch) is 400 under both;
- a document that does not parse or validate (limits included), an operation that cannot
  be chosen and variables that do not coerce are request errors: nothing is executed, and
  the status is 400 under ``application/graphql-response+json``, 200 under ``application/json``;
- an executed operation is 200, with field errors or without;
- refusals about the request rather than its document keep their status: 401, 403, 405
  (and a mutation over GET), 413, 415;
- a database outage, met anywhere, is not answered here: the driver's error goes on to
  config.middleware, which gives every surface the same 503.
"""

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers
from graphene_django.settings import graphene_settings
from graphene_django.views import GraphQLView
from graphql import GraphQLError, OperationType, execute, get_operation_ast
from graphql.language import DocumentNode
from rest_framework import exceptions as drf_exceptions
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.settings import api_settings

from catalog.errors import DATABASE_UNAVAILABLE, ErrorCode, Throttled

from . import persisted
from .charging import TooComplex, charge_document
from .documents import current_limits, parse_and_validate
from .errors import (
    INTERNAL_ERROR_MESSAGE,
    coded_error,
    database_error,
    format_errors,
    transport_error,
)
from .execution import CatalogExecutionContext
from .negotiation import GRAPHQL_RESPONSE_JSON, GRAPHQL_TYPES, JSON, content_type, graphql_response_type, prefers_html

logger = logging.getLogger(__name__)

_UTF8 = frozenset({"utf-8", "utf8"})
_QUERY_STRING_PARAMETERS = ("query", "operationName", "variables", "extensions")


class RequestRefused(Exception):
    """Ends a request with one error and an HTTP status."""

    def __init__(self, status: int, message: str, code: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers or {}


@dataclass(frozen=True)
class GraphQLParams:
    """The parameters of a GraphQL-over-HTTP request, each of the type the specification gives it."""

    query: str | None
    variables: dict[str, Any] | None = None
    operation_name: str | None = None
    extensions: dict[str, Any] | None = None


def _refusal_response(refusal: RequestRefused, media_type: str) -> JsonResponse:
    response = JsonResponse(
        {"errors": [transport_error(refusal.message, refusal.code)]},
        status=refusal.status,
        content_type=content_type(media_type),
    )
    for name, value in refusal.headers.items():
        response[name] = value
    return response


def throttled(refusal: Throttled, media_type: str = JSON) -> JsonResponse:
    """429 for a document the client's budget cannot pay for, or a spent login budget."""
    body: dict[str, Any] = {"errors": [transport_error(refusal.message, ErrorCode.THROTTLED)]}
    if extensions := getattr(refusal, "extensions", None):
        body["extensions"] = extensions
    response = JsonResponse(body, status=429, content_type=content_type(media_type))
    response["Retry-After"] = str(refusal.retry_after)
    return response


def authenticate(request: HttpRequest) -> None:
    """Run REST's authentication classes (token, session with CSRF) and set ``request.user``."""
    authenticators = [authenticator() for authenticator in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
    drf_request = Request(request, parsers=[JSONParser()], authenticators=authenticators)
    try:
        drf_request.user  # noqa: B018 (runs the authenticators; DRF sets request.user)
    except (drf_exceptions.AuthenticationFailed, drf_exceptions.NotAuthenticated) as exc:
        header = authenticators[0].authenticate_header(drf_request) if authenticators else None
        raise RequestRefused(
            401, str(exc.detail), ErrorCode.NOT_AUTHENTICATED, {"WWW-Authenticate": header} if header else None
        ) from None
    except drf_exceptions.PermissionDenied as exc:
        raise RequestRefused(403, str(exc.detail), ErrorCode.PERMISSION_DENIED) from None
    except drf_exceptions.ParseError as exc:
        raise RequestRefused(400, str(exc.detail), ErrorCode.PARSE_ERROR) from None
    except drf_exceptions.APIException as exc:
        raise RequestRefused(exc.status_code, str(exc.detail), ErrorCode.INVALID) from None


def read_params(data: Mapping[str, Any]) -> GraphQLParams:
    """The request parameters from a JSON object; null stands for a parameter left out."""
    query = data.get("query")
    if query is not None and not isinstance(query, str):
        raise RequestRefused(400, "`query` must be a string.", ErrorCode.INVALID)
    operation_name = data.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise RequestRefused(400, "`operationName` must be a string.", ErrorCode.INVALID)
    return GraphQLParams(
        query=query,
        variables=_json_object(data, "variables"),
        # An empty operation name is the same as none.
        operation_name=operation_name or None,
        extensions=_json_object(data, "extensions"),
    )


def _json_object(data: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    value = data.get(name)
    if value is not None and not isinstance(value, dict):
        raise RequestRefused(400, f"`{name}` must be a JSON object.", ErrorCode.INVALID)
    return value


def _json_text(name: str, text: str) -> Any:
    if not text.strip():
        return None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise RequestRefused(400, f"`{name}` is not valid JSON.", ErrorCode.PARSE_ERROR) from None


class CatalogGraphQLView(GraphQLView):
    """GraphQL over HTTP: GET for queries (and GraphiQL in a browser), POST application/json for all."""

    graphiql = True
    # The media type chosen for this request's response (a view instance serves one request).
    media_type = JSON

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = self.handle(request)
        except RequestRefused as refusal:
            response = _refusal_response(refusal, self.media_type)
        except Throttled as refusal:
            response = throttled(refusal, self.media_type)
        except DATABASE_UNAVAILABLE:
            raise
        except Exception as exc:
            logger.exception("Unexpected error while serving %s", request.path)
            message = f"{type(exc).__name__}: {exc}" if settings.DEBUG else INTERNAL_ERROR_MESSAGE
            response = JsonResponse(
                {"errors": [transport_error(message, ErrorCode.SERVER_ERROR)]},
                status=500,
                content_type=content_type(self.media_type),
            )
        patch_vary_headers(response, ("Accept",))
        return response

    def handle(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "POST"):
            raise RequestRefused(
                405,
                "Use GET for queries or POST with Content-Type application/json.",
                ErrorCode.METHOD_NOT_ALLOWED,
                {"Allow": "GET, POST"},
            )
        accept = request.headers.get("Accept")
        if request.method == "GET" and "raw" not in request.GET and prefers_html(accept):
            if self.graphiql and settings.GRAPHQL_GRAPHIQL:
                return self.render_graphiql(request, **self.graphiql_context())
            if "query" not in request.GET:
                raise RequestRefused(
                    404,
                    "GraphiQL is turned off on this server; send queries as POST application/json.",
                    ErrorCode.NOT_FOUND,
                )
        media_type = graphql_response_type(accept)
        if media_type is None:
            raise RequestRefused(
                406,
                f"The Accept header allows none of the media types this endpoint answers with: "
                f"{', '.join(GRAPHQL_TYPES)}.",
                ErrorCode.NOT_ACCEPTABLE,
            )
        self.media_type = media_type

        params = self.params_from_query_string(request) if request.method == "GET" else self.params_from_body(request)
        authenticate(request)
        body, status = self.run(request, params)
        return HttpResponse(self.json_encode(request, body), status=status, content_type=content_type(media_type))

    def graphiql_context(self) -> dict[str, Any]:
        """What graphene-django's GraphQLView gives its graphiql.html template."""
        return {
            "whatwg_fetch_version": self.whatwg_fetch_version,
            "whatwg_fetch_sri": self.whatwg_fetch_sri,
            "react_version": self.react_version,
            "react_sri": self.react_sri,
            "react_dom_sri": self.react_dom_sri,
            "graphiql_version": self.graphiql_version,
            "graphiql_sri": self.graphiql_sri,
            "graphiql_css_sri": self.graphiql_css_sri,
            "subscriptions_transport_ws_version": self.subscriptions_transport_ws_version,
            "subscriptions_transport_ws_sri": self.subscriptions_transport_ws_sri,
            "graphiql_plugin_explorer_version": self.graphiql_plugin_explorer_version,
            "graphiql_plugin_explorer_sri": self.graphiql_plugin_explorer_sri,
            "graphiql_plugin_explorer_css_sri": self.graphiql_plugin_explorer_css_sri,
            "subscription_path": self.subscription_path,
            "graphiql_header_editor_enabled": graphene_settings.GRAPHIQL_HEADER_EDITOR_ENABLED,
            "graphiql_should_persist_headers": graphene_settings.GRAPHIQL_SHOULD_PERSIST_HEADERS,
            "graphiql_input_value_deprecation": graphene_settings.GRAPHIQL_INPUT_VALUE_DEPRECATION,
        }

    @staticmethod
    def params_from_query_string(request: HttpRequest) -> GraphQLParams:
        """GET: the parameters URL-encoded; `variables` and `extensions` as JSON text."""
        data: dict[str, Any] = {}
        for name in _QUERY_STRING_PARAMETERS:
            values = request.GET.getlist(name)
            if len(values) > 1:
                raise RequestRefused(400, f"`{name}` is given more than once.", ErrorCode.INVALID)
            if values:
                data[name] = values[0]
        for name in ("variables", "extensions"):
            if name in data:
                data[name] = _json_text(name, data[name])
        return read_params(data)

    @staticmethod
    def params_from_body(request: HttpRequest) -> GraphQLParams:
        """POST: a JSON object in UTF-8, Content-Type application/json."""
        charset = request.content_params.get("charset")
        if request.content_type.lower() != JSON or (charset is not None and charset.strip('"').lower() not in _UTF8):
            raise RequestRefused(
                415,
                "Send GraphQL requests as POST with Content-Type application/json (UTF-8).",
                ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            )
        try:
            body = request.body
        except RequestDataTooBig:
            raise RequestRefused(413, "The request body is too large.", ErrorCode.REQUEST_TOO_LARGE) from None
        try:
            data = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            raise RequestRefused(400, "The request body is not valid JSON.", ErrorCode.PARSE_ERROR) from None
        if isinstance(data, list):
            raise RequestRefused(
                400,
                "Batched requests are not supported; send one operation per request.",
                ErrorCode.QUERY_TOO_COMPLEX,
            )
        if not isinstance(data, dict):
            raise RequestRefused(400, "The request body must be a JSON object with a `query`.", ErrorCode.PARSE_ERROR)
        return read_params(data)

    def load_document(
        self, request: HttpRequest, params: GraphQLParams
    ) -> tuple[DocumentNode | None, Sequence[GraphQLError]]:
        """The request's document, parsed and validated, or the errors that stop it (the whole request is seen)."""
        try:
            query, register_as = persisted.resolve_query(params.query, params.extensions)
        except persisted.PersistedQueryError as refusal:
            return None, (coded_error(refusal.message, refusal.code),)
        if query is None:
            raise RequestRefused(400, "Must provide a query string.", ErrorCode.REQUIRED)
        size = len(query.encode("utf-8", "surrogatepass"))
        if size > settings.GRAPHQL_MAX_DOCUMENT_BYTES:
            message = f"The query document is {size} bytes long; the limit is {settings.GRAPHQL_MAX_DOCUMENT_BYTES}."
            return None, (coded_error(message, ErrorCode.QUERY_TOO_COMPLEX),)
        document, errors = parse_and_validate(
            self.schema.graphql_schema, query, current_limits(), settings.GRAPHQL_MAX_TOKENS
        )
        if register_as and not errors:
            persisted.register(register_as, query)
        return document, errors

    def request_errors(self, errors: Sequence[GraphQLError]) -> tuple[dict[str, Any], int]:
        """Errors that stopped the request before execution: no `data`, and the status of the media type."""
        return {"errors": format_errors(errors)}, 400 if self.media_type == GRAPHQL_RESPONSE_JSON else 200

    def run(self, request: HttpRequest, params: GraphQLParams) -> tuple[dict[str, Any], int]:
        document, errors = self.load_document(request, params)
        if errors:
            return self.request_errors(errors)

        operation = get_operation_ast(document, params.operation_name)
        if request.method == "GET" and operation is not None and operation.operation != OperationType.QUERY:
            raise RequestRefused(
                405,
                f"A {operation.operation.value} must be sent as POST with Content-Type application/json.",
                ErrorCode.METHOD_NOT_ALLOWED,
                {"Allow": "POST"},
            )

        extensions: dict[str, Any] = {}
        if operation is not None:
            try:
                extensions = charge_document(request, self.schema.graphql_schema, document, operation, params.variables)
            except TooComplex as refusal:
                body, status = self.request_errors([refusal.error])
                return {**body, "extensions": refusal.extensions}, status

        result = execute(
            self.schema.graphql_schema,
            document,
            context_value=request,
            variable_values=params.variables,
            operation_name=params.operation_name,
            middleware=self.get_middleware(request) or None,
            # Every resolver is synchronous: skip graphql-core's check of each value.
            is_awaitable=_never_awaitable,
            execution_context_class=CatalogExecutionContext,
        )
        if result.errors and (outage := database_error(result.errors)):
            raise outage
        if result.errors and (refusal := _throttled(result.errors)):
            raise refusal
        if result.errors and any(error.path is None for error in result.errors):
            # The operation could not be chosen or its variables did not coerce: nothing was executed.
            return self.request_errors(result.errors)
        body: dict[str, Any] = {}
        if result.errors:
            body["errors"] = format_errors(result.errors)
        body["data"] = result.data
        if extensions:
            body["extensions"] = extensions
        return body, 200


def _throttled(errors: list) -> Throttled | None:
    """A spent login budget met while resolving (each aliased tokenCreate charges it)."""
    return next((e.original_error for e in errors if isinstance(e.original_error, Throttled)), None)


def _never_awaitable(value: Any) -> bool:
    return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")
