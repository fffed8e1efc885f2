"""What a GraphQL document costs, checked and charged to the client's API budget before it runs."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from graphql import GraphQLSchema
from graphql.language import DocumentNode, FragmentDefinitionNode, OperationDefinitionNode
from graphql.type import GraphQLEnumType, GraphQLList, GraphQLNonNull, get_named_type
from graphql.utilities import type_from_ast

from catalog import budget
from catalog.clients import client_address
from catalog.errors import ErrorCode, Throttled

from .cost import Cost, document_cost
from .errors import coded_error
from .filters import ORDERING_ENUMS


class TooComplex(Exception):
    """The document is refused before execution, with ``query_too_complex`` (or a more precise code)."""

    def __init__(
        self,
        message: str,
        extensions: dict[str, Any] | None = None,
        *,
        code: str = ErrorCode.QUERY_TOO_COMPLEX,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.error = coded_error(message, code, field=field)
        self.extensions = extensions or {}


class DocumentThrottled(Throttled):
    """The client's budget cannot pay for the document."""

    def __init__(self, message: str, *, retry_after: int, extensions: dict[str, Any]) -> None:
        super().__init__(message, retry_after=retry_after)
        self.extensions = extensions


def check_list_variables(
    schema: GraphQLSchema, operation: OperationDefinitionNode, variables: dict[str, Any] | None
) -> None:
    """Refuse a list variable longer than it can usefully be, before graphql-core coerces it."""
    if not variables:
        return
    for definition in operation.variable_definitions or ():
        value = variables.get(definition.variable.name.value)
        if not isinstance(value, list):
            continue
        type_ = type_from_ast(schema, definition.type)
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        if not isinstance(type_, GraphQLList):
            continue
        item = get_named_type(type_)
        limit = settings.GRAPHQL_MAX_LIST_VARIABLE
        if isinstance(item, GraphQLEnumType):
            limit = min(limit, len(item.values))
        if len(value) > limit:
            message = f"Variable ${definition.variable.name.value} holds {len(value)} items; the limit is {limit}."
            if item.name in ORDERING_ENUMS:
                # More sort keys than there are: the same refusal as REST's ?ordering= gives.
                raise TooComplex(message, code=ErrorCode.INVALID_ORDERING, field="orderBy")
            raise TooComplex(message)


def cost_report(cost: Cost, charge: budget.Charge | None) -> dict[str, Any]:
    """The response's ``extensions``: what the document costs and, once charged, what is left."""
    report: dict[str, Any] = {"requested": cost.requested, "maximum": settings.GRAPHQL_MAX_COST}
    if charge is not None:
        report.update(
            charged=charge.cost,
            limit=charge.limit,
            remaining=charge.remaining,
        )
    return {"cost": report}


def charge_document(
    request: HttpRequest,
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any] | None,
) -> dict[str, Any]:
    """Check the document's cost and charge the client's budget; the ``extensions`` to report.

    Raises TooComplex over GRAPHQL_MAX_COST and DocumentThrottled when the budget is spent.
    """
    check_list_variables(schema, operation, variables)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    cost = document_cost(schema, operation, fragments, variables)
    if cost.requested > settings.GRAPHQL_MAX_COST:
        raise TooComplex(
            f"The query costs {cost.requested}; the limit is {settings.GRAPHQL_MAX_COST}. "
            "Ask for smaller pages (first/last) or fewer nested lists.",
            cost_report(cost, None),
        )
    charge = getattr(request, "budget_charge", None)  # charged already on the way in (config/read_cache.py)
    if charge is None:
        scope, identity = budget.request_identity(request.user, client_address(request))
        charge = budget.charge(scope, identity, cost.requests(settings.GRAPHQL_COST_PER_REQUEST))
    extensions = cost_report(cost, charge)
    if not charge.allowed:
        raise budget_spent(charge, extensions)
    return extensions


def budget_spent(charge: budget.Charge, extensions: dict[str, Any]) -> DocumentThrottled:
    """The refusal of a document that the client's budget cannot pay for."""
    return DocumentThrottled(
        f"This query costs {charge.cost} request(s) of your budget of {charge.limit}, which is spent; try again later.",
        retry_after=charge.retry_after,
        extensions=extensions,
    )
