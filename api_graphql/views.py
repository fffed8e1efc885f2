"""The /graphql/ endpoint: transport rules, DRF authentication, limits, cached validation, safe errors."""

import json
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from graphene_django.settings import graphene_settings
from graphene_django.views import GraphQLView
from graphql import OperationType, execute, get_operation_ast
from rest_framework import exceptions as drf_exceptions
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.settings import api_settings

from catalog.errors import ErrorCode, Throttled

from .charging import TooComplex, charge_document
from .documents import current_limits, parse_and_validate
from .errors import (
    DATABASE_UNAVAILABLE,
    INTERNAL_ERROR_MESSAGE,
    format_errors,
    is_database_unavailable,
    transport_error,
)
from .execution import CatalogExecutionContext

logger = logging.getLogger(__name__)

JSON = "application/json"


class RequestRefused(Exception):
    """Ends a request with one error and an HTTP status."""

    def __init__(self, status: int, message: str, code: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers or {}


class DatabaseUnavailable(Exception):
    pass


def _refusal_response(refusal: RequestRefused) -> JsonResponse:
    response = JsonResponse({"errors": [transport_error(refusal.message, refusal.code)]}, status=refusal.status)
    for name, value in refusal.headers.items():
        response[name] = value
    return response


def service_unavailable() -> JsonResponse:
    response = JsonResponse(
        {
            "errors": [
                transport_error(
                    "The service is temporarily unavailable; please try again shortly.",
                    ErrorCode.SERVICE_UNAVAILABLE,
                )
            ]
        },
        status=503,
    )
    response["Retry-After"] = str(settings.GRAPHQL_RETRY_AFTER_SECONDS)
    return response


def throttled(refusal: Throttled) -> JsonResponse:
    """429 for a document the client's budget cannot pay for, or a spent login budget."""
    body: dict[str, Any] = {"errors": [transport_error(refusal.message, ErrorCode.THROTTLED)]}
    if extensions := getattr(refusal, "extensions", None):
        body["extensions"] = extensions
    response = JsonResponse(body, status=429)
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


class CatalogGraphQLView(GraphQLView):
    """GraphQL over HTTP: GET for queries (and GraphiQL in a browser), POST application/json for all."""

    graphiql = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return self.handle(request)
        except RequestRefused as refusal:
            return _refusal_response(refusal)
        except Throttled as refusal:
            return throttled(refusal)
        except (DatabaseUnavailable, *DATABASE_UNAVAILABLE):
            logger.warning("Database unavailable while serving %s", request.path, exc_info=True)
            return service_unavailable()
        except Exception as exc:
            logger.exception("Unexpected error while serving %s", request.path)
            message = f"{type(exc).__name__}: {exc}" if settings.DEBUG else INTERNAL_ERROR_MESSAGE
            return JsonResponse({"errors": [transport_error(message, ErrorCode.SERVER_ERROR)]}, status=500)

    def handle(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET":
            if self.request_wants_html(request) and "raw" not in request.GET:
                if self.graphiql and settings.GRAPHQL_GRAPHIQL:
                    return self.render_graphiql(request, **self.graphiql_context())
                if not request.GET.get("query"):
                    raise RequestRefused(
                        404,
                        "GraphiQL is turned off on this server; send queries as POST application/json.",
                        ErrorCode.NOT_FOUND,
                    )
            data: dict[str, Any] = dict(request.GET.items())
        elif request.method == "POST":
            data = self.read_json(request)
        else:
            raise RequestRefused(
                405,
                "Use GET for queries or POST with Content-Type application/json.",
                ErrorCode.METHOD_NOT_ALLOWED,
                {"Allow": "GET, POST"},
            )

        authenticate(request)
        query, variables, operation_name = self.graphql_params(data)
        body, status = self.run(request, query, variables, operation_name)
        return HttpResponse(self.json_encode(request, body), status=status, content_type=JSON)

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
    def read_json(request: HttpRequest) -> dict[str, Any]:
        content_type = request.META.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
        if content_type != JSON:
            raise RequestRefused(
                415,
                "Send GraphQL requests as POST with Content-Type application/json.",
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
        return data

    @staticmethod
    def graphql_params(data: dict[str, Any]) -> tuple[str, dict[str, Any] | None, str | None]:
        query = data.get("query")
        if not query:
            raise RequestRefused(400, "Must provide a query string.", ErrorCode.REQUIRED)
        if not isinstance(query, str):
            raise RequestRefused(400, "`query` must be a string.", ErrorCode.INVALID)
        variables = data.get("variables")
        if isinstance(variables, str):
            try:
                variables = json.loads(variables, parse_constant=_refuse_constant) if variables.strip() else None
            except (ValueError, RecursionError):
                raise RequestRefused(400, "`variables` is not valid JSON.", ErrorCode.PARSE_ERROR) from None
        if variables is not None and not isinstance(variables, dict):
            raise RequestRefused(400, "`variables` must be a JSON object.", ErrorCode.INVALID)
        operation_name = data.get("operationName") or None
        if operation_name is not None and not isinstance(operation_name, str):
            raise RequestRefused(400, "`operationName` must be a string.", ErrorCode.INVALID)
        return query, variables, operation_name

    def run(
        self, request: HttpRequest, query: str, variables: dict[str, Any] | None, operation_name: str | None
    ) -> tuple[dict[str, Any], int]:
        size = len(query.encode("utf-8"))
        if size > settings.GRAPHQL_MAX_DOCUMENT_BYTES:
            raise RequestRefused(
                400,
                f"The query document is {size} bytes long; the limit is {settings.GRAPHQL_MAX_DOCUMENT_BYTES}.",
                ErrorCode.QUERY_TOO_COMPLEX,
            )
        schema = self.schema.graphql_schema
        document, errors = parse_and_validate(schema, query, current_limits(), settings.GRAPHQL_MAX_TOKENS)
        if errors:
            return {"errors": format_errors(errors)}, 400

        operation = get_operation_ast(document, operation_name)
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
                extensions = charge_document(request, schema, document, operation, variables)
            except TooComplex as refusal:
                return {"errors": format_errors([refusal.error]), "extensions": refusal.extensions}, 400

        result = execute(
            schema,
            document,
            context_value=request,
            variable_values=variables,
            operation_name=operation_name,
            middleware=self.get_middleware(request) or None,
            # Every resolver is synchronous: skip graphql-core's check of each value.
            is_awaitable=_never_awaitable,
            execution_context_class=CatalogExecutionContext,
        )
        if result.errors and is_database_unavailable(result.errors):
            raise DatabaseUnavailable()
        if result.errors and (refusal := _throttled(result.errors)):
            raise refusal
        if result.errors and any(error.path is None for error in result.errors):
            # The request itself is wrong (variables, operation name): nothing was executed.
            return {"errors": format_errors(result.errors)}, 400
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
