"""Pieces of the OpenAPI document that several operations share."""

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.permissions import SAFE_METHODS

from catalog.filters import (
    AUTHOR_ORDERING_FIELDS,
    BOOK_ORDERING_FIELDS,
    MAX_AMOUNT_LENGTH,
    MAX_ID,
    MAX_ISBN_FILTER_LENGTH,
    MAX_SEARCH_LENGTH,
)
from catalog.isbn import ISBN_PATTERN
from catalog.text import DECIMAL_PATTERN, TEXT_PATTERN

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


def _ordering(fields: tuple[str, ...]) -> OpenApiParameter:
    names = ", ".join(f"`{name}`" for name in fields)
    # The enum lists single keys; "-price,title" (each field at most once) is accepted too.
    keys = [f"{sign}{name}" for name in fields for sign in ("", "-")]
    return OpenApiParameter(
        "ordering",
        {"type": "string", "enum": keys},
        description=(
            f"Sort by {names}; `-` in front for descending. Several keys, each field at most once, "
            "are joined by commas (`-price,title`). Anything else: `invalid_ordering`."
        ),
    )


def _text(max_length: int, **schema: Any) -> dict[str, Any]:
    return {"type": "string", "pattern": TEXT_PATTERN, "maxLength": max_length, **schema}


def _search(what: str) -> OpenApiParameter:
    return OpenApiParameter(
        "search", _text(MAX_SEARCH_LENGTH), description=f"{what} (at most {MAX_SEARCH_LENGTH} characters)."
    )


_AMOUNT = {"type": "string", "pattern": DECIMAL_PATTERN, "maxLength": MAX_AMOUNT_LENGTH, "example": "12.50"}

BOOK_FILTERS = [
    _search("Words in the title, subtitle or an author's name, or ISBN digits"),
    OpenApiParameter(
        "author", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, description="Only books by this author id."
    ),
    OpenApiParameter(
        "isbn",
        _text(MAX_ISBN_FILTER_LENGTH, pattern=ISBN_PATTERN),
        description="Exactly this ISBN: ISBN-13 or ISBN-10, hyphens allowed (else `invalid_isbn`).",
    ),
    OpenApiParameter("min_price", _AMOUNT, description='Lowest price, inclusive, as a plain decimal ("12.50").'),
    OpenApiParameter("max_price", _AMOUNT, description='Highest price, inclusive, as a plain decimal ("12.50").'),
    OpenApiParameter(
        "in_stock",
        str,
        enum=["true", "false", "1", "0", "yes", "no"],
        description="Only books in stock (true) or sold out (false).",
    ),
    OpenApiParameter("published_after", OpenApiTypes.DATE, description="Published on or after this date."),
    OpenApiParameter("published_before", OpenApiTypes.DATE, description="Published on or before this date."),
    _ordering(BOOK_ORDERING_FIELDS),
]

AUTHOR_FILTERS = [_search("Words in the author's name"), _ordering(AUTHOR_ORDERING_FIELDS)]


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
    if "ErrorCode" in schemas:
        schemas["ErrorCode"]["description"] = f"{ERROR_CODE_INTRODUCTION}\n\n{schemas['ErrorCode']['description']}"
    patched = schemas.get("PatchedCartItemUpdateInput")
    if patched is not None:
        patched["required"] = ["quantity"]
        result["paths"]["/api/cart/items/{item_id}/"]["patch"]["requestBody"]["required"] = True
    return result


BOOK_CODES = (
    "`required`, `invalid`, `invalid_characters`, `max_length`, `invalid_isbn`, `duplicate_isbn`, `invalid_price`, "
    "`invalid_stock`, "
    "`not_found` (author_ids)"
)
AUTHOR_CODES = "`required`, `invalid`, `invalid_characters`, `max_length`"
FILTER_CODES = "`invalid`, `invalid_characters`, `max_length`, `invalid_ordering`; `cursor`, `page_size`: `invalid`"
BOOK_FILTER_CODES = f"{FILTER_CODES}, `invalid_isbn`"
