"""The one catalogue of error codes, shared by the REST and GraphQL adapters.

Domain code raises Django's ``ValidationError`` (with one of these codes), ``NotFound``
or ``PermissionDenied`` subclasses; each adapter translates them once.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError


class ErrorCode(StrEnum):
    """Every code a client can meet, in REST's JSON and GraphQL's alike, each with what it means.

    The GraphQL enum ``ErrorCode`` and the OpenAPI enum of the same name are made from this
    class, value for value, with these descriptions.
    """

    description: str

    def __new__(cls, value: str, description: str) -> "ErrorCode":
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    # Domain rules
    INVALID_ISBN = (
        "invalid_isbn",
        "Not an ISBN-13 or ISBN-10: the wrong length, a character that is no digit, or a wrong check digit.",
    )
    DUPLICATE_ISBN = "duplicate_isbn", "Another book has this ISBN already."
    INVALID_PRICE = (
        "invalid_price",
        "Not a price: a plain decimal from 0.00 to the maximum, with at most two decimal places.",
    )
    INVALID_STOCK = "invalid_stock", "Not a stock: a whole number from 0 to the maximum."
    INVALID_QUANTITY = (
        "invalid_quantity",
        "Not a quantity for a cart line: a whole number from 1 to 99, what the line holds already included.",
    )
    INSUFFICIENT_STOCK = (
        "insufficient_stock",
        "Fewer copies are in stock than a cart line or the checkout needs; nothing was changed.",
    )
    EMPTY_CART = "empty_cart", "Checkout of an empty cart."
    INVALID_ORDERING = (
        "invalid_ordering",
        "An unknown sort key, a field sorted on twice, or more keys than there are fields.",
    )
    INVALID_CREDENTIALS = "invalid_credentials", "No user with this username and password."
    # Access
    NOT_FOUND = "not_found", "No such object, or one the current user may not see."
    NOT_AUTHENTICATED = "not_authenticated", "Signing in is needed, or the token or session is not known."
    PERMISSION_DENIED = (
        "permission_denied",
        "Signed in but not allowed: staff only, a failed CSRF check, introspection turned off.",
    )
    # Generic shape errors
    REQUIRED = "required", "A value is missing, null or blank where one is needed."
    INVALID = "invalid", "A value of the wrong type, range or format, where no more precise code applies."
    MAX_LENGTH = "max_length", "A text longer than its field allows."
    INVALID_CHARACTERS = "invalid_characters", "A text with a NUL character or a lone surrogate."
    INVALID_FIELDS = (
        "invalid_fields",
        "A sparse fieldset (REST ?fields=) names a field the answer does not have.",
    )
    # Transport
    PARSE_ERROR = "parse_error", "The request body, a JSON parameter or the GraphQL document does not parse."
    METHOD_NOT_ALLOWED = (
        "method_not_allowed",
        "The HTTP method is not allowed here (a GraphQL mutation sent by GET, too).",
    )
    NOT_ACCEPTABLE = "not_acceptable", "The Accept header allows none of the media types the endpoint answers with."
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type", "The request body is of a media type the endpoint does not read."
    REQUEST_TOO_LARGE = (
        "request_too_large",
        "The request body is larger than the server accepts, or has too many fields.",
    )
    THROTTLED = (
        "throttled",
        "The client's request budget or a sign-in budget is spent; `Retry-After` says when to try again.",
    )
    QUERY_TOO_COMPLEX = (
        "query_too_complex",
        "A GraphQL document over a limit (depth, aliases, fields, tokens, directives, cost) or a batch; not run.",
    )
    SERVICE_UNAVAILABLE = (
        "service_unavailable",
        "The database is away or does not answer; `Retry-After` says when to try again.",
    )
    SERVER_ERROR = "server_error", "An unexpected error on the server; nothing internal is shown."
    # GraphQL persisted queries: Apollo's codes, spelt as Apollo clients expect them
    PERSISTED_QUERY_NOT_FOUND = (
        "PERSISTED_QUERY_NOT_FOUND",
        "No document is stored under this hash: send the query with its hash once.",
    )
    PERSISTED_QUERY_NOT_SUPPORTED = (
        "PERSISTED_QUERY_NOT_SUPPORTED",
        "`extensions.persistedQuery` is not of version 1 with a `sha256Hash`.",
    )
    PERSISTED_QUERY_NOT_IN_LIST = (
        "PERSISTED_QUERY_NOT_IN_LIST",
        "Only the documents of the operator's allow-list run on this server, and this one is not on it.",
    )


# The driver's errors that mean the database is away: config/middleware.py answers them, on every surface.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


class NotFound(ObjectDoesNotExist):
    """An object that does not exist or that the current user may not see."""

    code = ErrorCode.NOT_FOUND

    def __init__(self, message: str = "Not found.", *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAuthenticated(PermissionDenied):
    code = ErrorCode.NOT_AUTHENTICATED

    def __init__(self, message: str = "Authentication credentials were not provided.") -> None:
        super().__init__(message)
        self.message = message


class Forbidden(PermissionDenied):
    code = ErrorCode.PERMISSION_DENIED

    def __init__(self, message: str = "You do not have permission to perform this action.") -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ErrorItem:
    """One error, and the one place where it becomes an error of the JSON answers."""

    field: str | None
    code: str
    message: str

    def as_dict(self, *, graphql_extensions: bool = False) -> dict[str, Any]:
        """REST's ``{"field", "code", "message"}``, which GraphQL mutation payloads list too.

        ``graphql_extensions`` adds GraphQL's ``extensions.code``, for an answer that is the same
        whichever style was asked (the 503 of a database outage).
        """
        item: dict[str, Any] = {"field": self.field, "code": normalise_code(self.code), "message": self.message}
        if graphql_extensions:
            item["extensions"] = {"code": item["code"]}
        return item

    def as_graphql_error(self, **members: Any) -> dict[str, Any]:
        """An entry of a GraphQL response's ``errors``: the code, and the field if any, in ``extensions``.

        ``members`` are its ``locations`` and ``path`` where it has them, and ``extensions`` to keep.
        """
        extensions = {**(members.pop("extensions", None) or {}), "code": normalise_code(self.code)}
        if self.field is not None:
            extensions["field"] = self.field
        return {"message": self.message, **members, "extensions": extensions}


def error_body(items: Iterable[ErrorItem]) -> dict[str, list[dict[str, Any]]]:
    """The JSON body of a REST error answer: ``{"errors": [{"field", "code", "message"}, ...]}``."""
    return {"errors": [item.as_dict() for item in items]}


_CATALOGUE = frozenset(ErrorCode)
# Django's, django-filter's and DRF's own validator codes that mean one of ours; any other
# code outside the catalogue (min_value, max_digits, invalid_choice, ...) is `invalid`.
_CODE_ALIASES = {
    "blank": ErrorCode.REQUIRED,
    "null": ErrorCode.REQUIRED,
    "empty": ErrorCode.REQUIRED,
    "null_characters_not_allowed": ErrorCode.INVALID_CHARACTERS,
    "surrogate_characters_not_allowed": ErrorCode.INVALID_CHARACTERS,
}


def normalise_code(code: str | None) -> str:
    """The catalogue code for any code a validator may raise."""
    if code in _CATALOGUE:
        return str(code)
    return str(_CODE_ALIASES.get(code or "", ErrorCode.INVALID))


def validation_error_items(error: ValidationError) -> list[ErrorItem]:
    """Flatten a ValidationError into ``ErrorItem``s; ``field`` is None for non-field errors."""
    items: list[ErrorItem] = []
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            name = None if field == NON_FIELD_ERRORS else field
            for sub in errors:
                for leaf in sub.error_list:
                    items.append(ErrorItem(name, normalise_code(leaf.code), _message(leaf)))
    else:
        for leaf in error.error_list:
            items.append(ErrorItem(None, normalise_code(leaf.code), _message(leaf)))
    return items


def _message(error: ValidationError) -> str:
    message = error.message
    if error.params:
        message = message % error.params
    return str(message)


def error(field: str | None, message: str, code: ErrorCode) -> ValidationError:
    """A ValidationError for one field (or none), with a catalogue code."""
    leaf = ValidationError(message, code=code)
    return ValidationError({field or NON_FIELD_ERRORS: [leaf]})


class Throttled(Exception):
    """A budget is spent (too many requests, login attempts or GraphQL cost): try again later."""

    code = ErrorCode.THROTTLED

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = max(1, int(retry_after))
