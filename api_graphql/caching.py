"""Which GraphQL requests are catalog reads (catalog.read_cache).

A query operation whose root fields are all catalog fields (books, book, authors, author,
or introspection), by GET or POST, sent in full or as a persisted hash. Anything else, or
anything the view would refuse, is left to the view: it is no catalog read.
The key is the document's hash, its variables, the operation's name and the media type of
the answer; the cost is the one the budget charges for the document.
"""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from graphql import OperationType, get_operation_ast
from graphql.language import FragmentDefinitionNode

from catalog.read_cache import CatalogRead

from .charging import TooComplex, check_list_variables
from .cost import document_cost, root_field_nodes
from .documents import current_limits, parse_and_validate
from .negotiation import graphql_response_type, prefers_html
from .persisted import PersistedQueryError, document_hash, register, resolve_query
from .schema import schema
from .views import CatalogGraphQLView, GraphQLParams, RequestRefused

CATALOG_ROOT_FIELDS = frozenset({"books", "book", "authors", "author", "__typename", "__schema", "__type"})


def _params(request: HttpRequest) -> GraphQLParams | None:
    """The request's parameters read exactly as the view reads them; None where the view would refuse."""
    if request.method == "GET":
        reader = CatalogGraphQLView.params_from_query_string
    elif request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        # A catalog read is a small document and its variables; the view answers anything larger.
        if not 0 < length <= min(settings.GRAPHQL_MAX_DOCUMENT_BYTES * 8, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0):
            return None
        reader = CatalogGraphQLView.params_from_body
    else:
        return None
    try:
        return reader(request)
    except (RequestRefused, RequestDataTooBig):
        return None


def catalog_read(request: HttpRequest) -> CatalogRead | None:
    """The request as a catalog read, or None when it is none."""
    if request.path_info != "/graphql/":
        return None
    accept = request.headers.get("Accept")
    if request.method == "GET" and "raw" not in request.GET and prefers_html(accept):
        return None  # GraphiQL
    if graphql_response_type(accept) is None:
        return None  # the view answers 406
    params = _params(request)
    if params is None:
        return None
    variables, operation_name = params.variables, params.operation_name
    try:
        query, register_as = resolve_query(params.query, params.extensions)
    except (ValueError, UnicodeError, PersistedQueryError):
        return None
    if (
        not isinstance(query, str)
        or not query
        or len(query.encode("utf-8", "surrogatepass")) > (settings.GRAPHQL_MAX_DOCUMENT_BYTES)
    ):
        return None
    graphql_schema = schema.graphql_schema
    document, errors = parse_and_validate(graphql_schema, query, current_limits(), settings.GRAPHQL_MAX_TOKENS)
    if errors or document is None:
        return None
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation != OperationType.QUERY:
        return None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    if not {node.name.value for node in root_field_nodes(operation.selection_set, fragments)} <= CATALOG_ROOT_FIELDS:
        return None
    try:
        check_list_variables(graphql_schema, operation, variables)
    except TooComplex:
        return None
    cost = document_cost(graphql_schema, operation, fragments, variables)
    if cost.requested > settings.GRAPHQL_MAX_COST:
        return None
    if register_as:
        # The answer may come from the read cache without the view, which would have registered it.
        register(register_as, query)
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
        # A registration must reach the view or this hook each time: it is what registers.
        replayable=not register_as,
    )
