"""The one place where domain errors become GraphQL errors, and where error output is made safe."""

import logging
import re
from collections.abc import Iterable, Mapping
from enum import Enum as PyEnum
from typing import Any

import graphene
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from graphene.utils.str_converters import to_camel_case
from graphql import GraphQLError, GraphQLSyntaxError

from catalog.errors import DATABASE_UNAVAILABLE, ErrorCode, ErrorItem, NotFound, normalise_code, validation_error_items

logger = logging.getLogger(__name__)

DOMAIN_ERRORS = (ValidationError, ObjectDoesNotExist, PermissionDenied)
INTERNAL_ERROR_MESSAGE = "Internal server error."
_SUGGESTION = re.compile(r"\s*Did you mean .*\?\s*$", re.DOTALL)


def _describe(member: PyEnum | None) -> str:
    if member is None:
        return "The error catalogue: every code either API answers with, spelt the same in both."
    return ErrorCode(member.value).description


# The catalogue's codes as they are (valid GraphQL names all), so a value serialises to REST's string.
ErrorCodeEnum = graphene.Enum.from_enum(
    PyEnum("ErrorCode", [(code.value, code.value) for code in ErrorCode]), description=_describe
)


class Error(graphene.ObjectType):
    """Why a mutation did not happen. The same codes as the REST API."""

    field = graphene.String(description="The argument at fault (camelCase), or null when it is no single one.")
    code = ErrorCodeEnum(required=True, description="What went wrong, stable for clients to branch on.")
    message = graphene.String(required=True, description="A sentence for people; may change, unlike the code.")

    @staticmethod
    def resolve_code(item: ErrorItem, info: Any) -> str:
        return normalise_code(item.code)


class QueryError(Exception):
    """Raised by a query resolver: errors already named after GraphQL arguments."""

    def __init__(self, items: list[ErrorItem]) -> None:
        super().__init__(items[0].message)
        self.items = items


def coded_error(message: str, code: str, nodes: Any = None, *, field: str | None = None, **kwargs: Any) -> GraphQLError:
    """A GraphQLError that carries its catalogue code (and the argument at fault) into ``extensions``."""
    extensions = {"code": str(code)}
    if field is not None:
        extensions["field"] = field
    return GraphQLError(message, nodes, extensions=extensions, **kwargs)


def argument_error(argument: str | None, message: str, code: str = ErrorCode.INVALID) -> QueryError:
    return QueryError([ErrorItem(argument, code, message)])


def graphql_field_name(name: str | None, renames: Mapping[str, str] | None = None) -> str | None:
    """A domain field name (``author_ids``) as the GraphQL argument it came from (``authorIds``)."""
    if name is None:
        return None
    if renames and name in renames:
        return renames[name]
    return to_camel_case(name)


def error_items(exc: BaseException, renames: Mapping[str, str] | None = None) -> list[ErrorItem] | None:
    """A domain exception as error items with GraphQL field names; None when it is no domain error."""
    if isinstance(exc, ValidationError):
        items = validation_error_items(exc)
    elif isinstance(exc, NotFound):
        items = [ErrorItem(exc.field, ErrorCode.NOT_FOUND, exc.message)]
    elif isinstance(exc, ObjectDoesNotExist):
        items = [ErrorItem(None, ErrorCode.NOT_FOUND, "Not found.")]
    elif isinstance(exc, PermissionDenied):
        code = str(getattr(exc, "code", ErrorCode.PERMISSION_DENIED))
        message = getattr(exc, "message", None) or str(exc) or "You do not have permission to perform this action."
        items = [ErrorItem(None, code, message)]
    else:
        return None
    return [ErrorItem(graphql_field_name(item.field, renames), str(item.code), item.message) for item in items]


def database_error(errors: Iterable[GraphQLError]) -> BaseException | None:
    """The driver's error behind a field error, if the database failed while resolving."""
    return next((e.original_error for e in errors if isinstance(e.original_error, DATABASE_UNAVAILABLE)), None)


def transport_error(message: str, code: str) -> dict[str, Any]:
    """An error about the request itself, outside execution."""
    return ErrorItem(None, code, message).as_graphql_error()


def format_errors(errors: Iterable[GraphQLError]) -> list[dict[str, Any]]:
    suggestions = settings.GRAPHQL_FIELD_SUGGESTIONS
    formatted: list[dict[str, Any]] = []
    for error in errors:
        for entry in _format(error):
            if not suggestions:
                entry["message"] = _SUGGESTION.sub("", entry["message"]) or entry["message"]
            formatted.append(entry)
    return formatted


def _format(error: GraphQLError) -> list[dict[str, Any]]:
    members: dict[str, Any] = {}
    if error.locations:
        members["locations"] = [location.formatted for location in error.locations]
    if error.path is not None:
        members["path"] = error.path
    original = error.original_error

    if original is None or isinstance(original, GraphQLError):
        code = error.extensions.get("code") if error.extensions else None
        if not code:
            code = ErrorCode.PARSE_ERROR if isinstance(error, GraphQLSyntaxError) else ErrorCode.INVALID
        return [ErrorItem(None, code, error.message).as_graphql_error(**members, extensions=error.extensions)]

    items = original.items if isinstance(original, QueryError) else error_items(original)
    if items is None:
        logger.error("Unexpected error while resolving %s", error.path, exc_info=original)
        message = f"{type(original).__name__}: {original}" if settings.DEBUG else INTERNAL_ERROR_MESSAGE
        items = [ErrorItem(None, ErrorCode.SERVER_ERROR, message)]
    return [item.as_graphql_error(**members) for item in items]
