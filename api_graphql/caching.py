"""Which GraphQL requests are catalog reads (catalog.read_cache).

A query operation whose root fields are all catalog fields (books, book, authors, author,
or introspection), by GET or POST, sent in full or as a persisted hash. Anything else, or
anything the view would refuse, is left to the view: it is no catalog read.
The key is the document's hash, its variables, the operation's name and the media type of
the answer; the cost is the one the budget charges for the document.
"""

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from graphene_django.views import GraphQLView
from graphql import OperationType, get_operation_ast
from graphql.language import FieldNode, FragmentDefinitionNode, FragmentSpreadNode, InlineFragmentNode

from catalog.read_cache import CatalogRead

from .charging import TooComplex, check_list_variables
from .cost import document_cost
from .documents import current_limits, parse_and_validate
from .persisted import PersistedQueryError, document_hash, register, resolve_query
from .schema import schema

CATALOG_ROOT_FIELDS = frozenset({"books", "book", "authors", "author", "__typename", "__schema", "__type"})
JSON = "application/json"


def _params(request: HttpRequest) -> dict[str, Any] | None:
    if request.method == "GET":
        return dict(request.GET.items())
    if request.method != "POST":
        return None
    if request.META.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower() != JSON:
        return None
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    # A catalog read is a small document and its variables; the view answers anything larger.
    limit = min(settings.GRAPHQL_MAX_DOCUMENT_BYTES * 8, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
    if not 0 < length <= limit:
        return None
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeError, RequestDataTooBig):
        return None
    return data if isinstance(data, dict) else None


def _json_param(value: Any) -> Any:
    if isinstance(value, str):
        return json.loads(value) if value.strip() else None
    return value


def _root_fields(selection_set, fragments: dict[str, FragmentDefinitionNode]) -> set[str]:
    names: set[str] = set()
    seen: set[str] = set()
    stack = [selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                if selection.name.value in fragments:
                    stack.append(fragments[selection.name.value].selection_set)
    return names


def catalog_read(request: HttpRequest) -> CatalogRead | None:
    """The request as a catalog read, or None when it is none."""
    if request.path_info != "/graphql/":
        return None
    if request.method == "GET" and GraphQLView.request_wants_html(request) and "raw" not in request.GET:
        return None  # GraphiQL
    params = _params(request)
    if not params:
        return None
    try:
        variables = _json_param(params.get("variables"))
        extensions = _json_param(params.get("extensions"))
        query, register_as = resolve_query(params.get("query"), extensions)
    except (ValueError, UnicodeError, PersistedQueryError):
        return None
    operation_name = params.get("operationName") or None
    if (
        not isinstance(query, str)
        or not query
        or len(query.encode("utf-8", "surrogatepass")) > (settings.GRAPHQL_MAX_DOCUMENT_BYTES)
    ):
        return None
    if (variables is not None and not isinstance(variables, dict)) or not isinstance(operation_name, str | None):
        return None
    graphql_schema = schema.graphql_schema
    document, errors = parse_and_validate(graphql_schema, query, current_limits(), settings.GRAPHQL_MAX_TOKENS)
    if errors or document is None:
        return None
    if register_as:
        # As the view does once a document validates: the answer may come from the cache, and
        # the view then never runs.
        register(register_as, query)
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation != OperationType.QUERY:
        return None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    if not _root_fields(operation.selection_set, fragments) <= CATALOG_ROOT_FIELDS:
        return None
    try:
        check_list_variables(graphql_schema, operation, variables)
    except TooComplex:
        return None
    cost = document_cost(graphql_schema, operation, fragments, variables)
    if cost.requested > settings.GRAPHQL_MAX_COST:
        return None
    key = "|".join(
        (
            "graphql",
            document_hash(query),
            json.dumps(variables or {}, sort_keys=True, separators=(",", ":")),
            operation_name or "",
            # The answer's media type (and with it its status codes) follows Accept.
            request.META.get("HTTP_ACCEPT", ""),
        )
    )
    return CatalogRead(
        key=key,
        style="graphql",
        cost=cost.requests(settings.GRAPHQL_COST_PER_REQUEST),
        details={"cost": cost},
    )
