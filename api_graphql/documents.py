"""Parse and validate each distinct document once per process (an LRU cache).

The key is the document text plus every setting that changes validation, so switching a
limit or introspection off never serves a document validated under the old rules.

The cheap checks come first, so that a hostile document costs little CPU to refuse: the
parser stops after ``max_tokens`` tokens, and the limits (depth, aliases, root fields,
fields and directives, fragments counted where spread) are measured in one linear pass
before graphql-core's specified rules, some of which (overlapping fields) grow with the
square of the number of fields.
"""

from functools import lru_cache

from django.conf import settings
from graphql import GraphQLError, GraphQLSchema, parse, specified_rules, validate
from graphql.language import DocumentNode

from catalog.errors import ErrorCode

from .errors import coded_error
from .validation import Limits, limit_errors, rules_for


def current_limits() -> Limits:
    return Limits(
        max_depth=settings.GRAPHQL_MAX_DEPTH,
        max_introspection_depth=settings.GRAPHQL_MAX_INTROSPECTION_DEPTH,
        max_aliases=settings.GRAPHQL_MAX_ALIASES,
        max_root_fields=settings.GRAPHQL_MAX_ROOT_FIELDS,
        max_fields=settings.GRAPHQL_MAX_FIELDS,
        max_directives=settings.GRAPHQL_MAX_DIRECTIVES,
        introspection=settings.GRAPHQL_INTROSPECTION,
    )


@lru_cache(maxsize=settings.GRAPHQL_DOCUMENT_CACHE_SIZE)
def parse_and_validate(
    schema: GraphQLSchema, query: str, limits: Limits, max_tokens: int | None = None
) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    """The document and its validation errors (parse errors included); cached."""
    try:
        document = parse(query, max_tokens=max_tokens)
    except GraphQLError as error:
        if "nested too deeply" in error.message or "Document contains more than" in error.message:
            error = coded_error(
                error.message, ErrorCode.QUERY_TOO_COMPLEX, source=error.source, positions=error.positions
            )
        return None, (error,)
    try:
        errors = limit_errors(document, limits) or validate(schema, document, [*specified_rules, *rules_for(limits)])
    except RecursionError:
        return None, (coded_error("The query is nested too deeply to be checked.", ErrorCode.QUERY_TOO_COMPLEX),)
    return document, tuple(errors)
