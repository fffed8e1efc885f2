"""The one catalogue of error codes, shared by the REST and GraphQL adapters.

Domain code raises Django's ``ValidationError`` (with one of these codes), ``NotFound``
or ``PermissionDenied`` subclasses; each adapter translates them once.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied, ValidationError


class ErrorCode(StrEnum):
    # Domain rules
    INVALID_ISBN = "invalid_isbn"
    DUPLICATE_ISBN = "duplicate_isbn"
    INVALID_PRICE = "invalid_price"
    INVALID_STOCK = "invalid_stock"
    INVALID_QUANTITY = "invalid_quantity"
    INSUFFICIENT_STOCK = "insufficient_stock"
    EMPTY_CART = "empty_cart"
    INVALID_ORDERING = "invalid_ordering"
    INVALID_CREDENTIALS = "invalid_credentials"
    # Access
    NOT_FOUND = "not_found"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    # Generic shape errors
    REQUIRED = "required"
    INVALID = "invalid"
    MAX_LENGTH = "max_length"
    INVALID_CHARACTERS = "invalid_characters"
    INVALID_FIELDS = "invalid_fields"  # a sparse fieldset (REST ?fields=) naming no field of the answer
    # Transport
    PARSE_ERROR = "parse_error"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    REQUEST_TOO_LARGE = "request_too_large"
    THROTTLED = "throttled"
    QUERY_TOO_COMPLEX = "query_too_complex"
    SERVICE_UNAVAILABLE = "service_unavailable"
    SERVER_ERROR = "server_error"
    # GraphQL persisted queries: Apollo's codes, spelt as Apollo clients expect them
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    PERSISTED_QUERY_NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"


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
    field: str | None
    code: str
    message: str

    def as_dict(self) -> dict[str, str | None]:
        return {"field": self.field, "code": self.code, "message": self.message}


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
