"""Pieces of the OpenAPI document that several operations share."""

from collections.abc import Iterator
from typing import Any

from django_filters import Filter, FilterSet
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.permissions import SAFE_METHODS

from catalog.filters import (
    BOOLEAN_VALUES,
    AuthorFilter,
    BookFilter,
    BooleanFilter,
    OrderingFilter,
    PlainDateFilter,
    PlainDecimalFilter,
    PlainIntegerFilter,
    TextFilter,
)
from catalog.text import DECIMAL_PATTERN

from .fields import FIELDS_PARAM
from .permissions import CatalogEditorOrReadOnly
from .serializers import ErrorOutput, UnavailableOutput


class AutoSchema(openapi.AutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        public_read = any(isinstance(p, CatalogEditorOrReadOnly) for p in self.view.get_permissions())
        if public_read and self.method in SAFE_METHODS and {} not in auths:
            auths.append({})  # no sign-in needed
        return auths


_ERRORS = {
    400: "The request is invalid",
    401: "Not signed in, or an unknown token (`not_authenticated`); `WWW-Authenticate: Token` says how to sign in.",
    403: "Signed in, but not allowed (`permission_denied`).",
    404: "No such object (`not_found`).",
    409: "Not enough copies in stock (`insufficient_stock`).",
    413: "The request body is larger than the server accepts (`request_too_large`).",
    415: "The body is not JSON or form data (`unsupported_media_type`).",
    429: "Too many requests (`throttled`); `Retry-After` says how many seconds to wait.",
    503: "The database is unavailable (`service_unavailable`); `Retry-After` says when to try again.",
}
_BODY_ERRORS = (413, 415)
_ALWAYS = (429, 503)
# Sent with these statuses, always.
_RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 1},
        "required": True,
        "description": "Seconds to wait before trying again.",
    }
}
_HEADERS = {"429": _RETRY_AFTER, "503": _RETRY_AFTER}
ERROR_CODE_INTRODUCTION = (
    "What went wrong, stable for clients to branch on: the error catalogue, with the same values "
    "as the GraphQL enum `ErrorCode`."
)


class DocumentedFieldExtension(OpenApiSerializerFieldExtension):
    """Input fields that state the domain's rules (``api_rest.serializers.Documented``) in their schema."""

    target_class = "api_rest.serializers.Documented"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: openapi.AutoSchema, direction: str) -> dict[str, Any]:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return {**schema, **self.target.openapi}


def errors(*statuses: int, codes: str = "", body: bool = False, signs_in: bool = True) -> dict[int, OpenApiResponse]:
    """Error responses of an operation; ``codes`` lists its 400 codes, ``body`` adds 413/415.

    Every operation that reads a token (all but ``token_create``) answers 401 to an unknown one.
    """
    wanted = sorted({*statuses, *_ALWAYS, *(_BODY_ERRORS if body else ()), *((401,) if signs_in else ())})
    responses = {}
    for status in wanted:
        description = _ERRORS[status]
        if status == 400:
            description += f" (`parse_error`, or per field: {codes})." if codes else " (`parse_error`)."
        body = UnavailableOutput if status == 503 else ErrorOutput
        responses[status] = OpenApiResponse(body, description=description)
    return responses


def _ordering(name: str, filter_: OrderingFilter) -> OpenApiParameter:
    names = ", ".join(f"`{field}`" for field in filter_.fields)
    # The enum lists single keys; "-price,title" (each field at most once) is accepted too.
    keys = [f"{sign}{field}" for field in filter_.fields for sign in ("", "-")]
    return OpenApiParameter(
        name,
        {"type": "string", "enum": keys},
        description=(
            f"Sort by {names}; `-` in front for descending. Several keys, each field at most once, "
            f"are joined by commas (`-price,title`). Anything else: `invalid_ordering`. {filter_.field.help_text}"
        ),
    )


def _filter_schema(name: str, filter_: Filter) -> dict[str, Any]:
    """The JSON schema of one FilterSet filter's query parameter, from its form field."""
    field = filter_.field
    if isinstance(filter_, TextFilter):
        return {"type": "string", "pattern": filter_.pattern, "maxLength": field.max_length}
    if isinstance(filter_, PlainDecimalFilter):
        return {"type": "string", "pattern": DECIMAL_PATTERN, "maxLength": field.max_length, "example": "12.50"}
    if isinstance(filter_, PlainIntegerFilter):
        bounds = {"minimum": field.min_value, "maximum": field.max_value}
        return {"type": "integer", **{key: value for key, value in bounds.items() if value is not None}}
    if isinstance(filter_, BooleanFilter):
        return {"type": "string", "enum": list(BOOLEAN_VALUES)}
    if isinstance(filter_, PlainDateFilter):
        return {"type": "string", "format": "date"}
    raise TypeError(f"No OpenAPI schema for the filter {name!r} ({type(filter_).__name__}).")


def filter_parameters(filterset_class: type[FilterSet]) -> list[OpenApiParameter]:
    """The query parameters of a FilterSet: each filter's name, schema and help text."""
    parameters = []
    for name, filter_ in filterset_class.base_filters.items():
        if isinstance(filter_, OrderingFilter):
            parameters.append(_ordering(name, filter_))
        else:
            parameters.append(
                OpenApiParameter(name, _filter_schema(name, filter_), description=str(filter_.field.help_text))
            )
    return parameters


BOOK_FILTERS = filter_parameters(BookFilter)
AUTHOR_FILTERS = filter_parameters(AuthorFilter)


def postprocess(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """What the annotations cannot say: the Retry-After header of 429 and 503; that an empty
    query parameter (``?author=``, as an HTML form sends it) is the same as none; that the
    cart-line PATCH requires its one field (drf-spectacular makes every PATCH body partial);
    and what the error catalogue is, above the list of its codes."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for status, response in operation.get("responses", {}).items():
                if status in _HEADERS:
                    response["headers"] = _HEADERS[status]
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    schemas = result.get("components", {}).get("schemas", {})
    _sparse_outputs(result, schemas)
    if "ErrorCode" in schemas:
        schemas["ErrorCode"]["description"] = f"{ERROR_CODE_INTRODUCTION}\n\n{schemas['ErrorCode']['description']}"
    patched = schemas.get("PatchedCartItemUpdateInput")
    if patched is not None:
        patched["required"] = ["quantity"]
        result["paths"]["/api/cart/items/{item_id}/"]["patch"]["requestBody"]["required"] = True
    return result


SPARSE_NOTE = "Every field is there unless the read's `fields` parameter leaves it out."


def _refs(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        if "$ref" in schema:
            yield schema["$ref"].rsplit("/", 1)[-1]
        for value in schema.values():
            yield from _refs(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _refs(value)


def _sparse_outputs(result: dict[str, Any], schemas: dict[str, Any]) -> None:
    """What a read with ``?fields=`` may leave out is not required: the objects its answer
    holds (a page's envelope keeps its own fields), and every object inside them."""
    pending = []
    for item in result.get("paths", {}).values():
        read = item.get("get")
        if read and any(p["name"] == FIELDS_PARAM for p in read.get("parameters", [])):
            answer = read["responses"]["200"]["content"]["application/json"]["schema"]
            for name in _refs(answer):
                if name.startswith("Paginated"):
                    pending.extend(_refs(schemas[name]["properties"]["results"]))
                else:
                    pending.append(name)
    done: set[str] = set()
    while pending:
        name = pending.pop()
        if name in done or name not in schemas:
            continue
        done.add(name)
        schema = schemas[name]
        if schema.pop("required", None) is not None:
            schema["description"] = f"{schema.get('description', '').rstrip()}\n\n{SPARSE_NOTE}".strip()
        pending.extend(_refs(schema.get("properties", {})))


BOOK_CODES = (
    "`required`, `invalid`, `invalid_characters`, `max_length`, `invalid_isbn`, `duplicate_isbn`, `invalid_price`, "
    "`invalid_stock`, "
    "`not_found` (author_ids)"
)
AUTHOR_CODES = "`required`, `invalid`, `invalid_characters`, `max_length`"
FILTER_CODES = "`invalid`, `invalid_characters`, `max_length`, `invalid_ordering`; `cursor`, `page_size`: `invalid`"
BOOK_FILTER_CODES = f"{FILTER_CODES}, `invalid_isbn`"
