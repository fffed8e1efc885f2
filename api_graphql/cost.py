"""The static cost of a GraphQL document, computed before it runs.

cost = the sum, over every field the operation selects, of the number of times it can be
resolved:

- a field at the root counts 1;
- a field inside a connection's ``edges`` counts once per row of the page: ``first`` or
  ``last`` (literal or variable), else the default page size, capped at the maximum page size;
- a field inside any other list (a book's ``authors``, a cart's ``items``) counts
  ``LIST_SIZE`` times;
- multipliers multiply down the tree; fragments count where they are spread;
- introspection (``__schema``, ``__type``) counts 1 per field, ``__typename`` nothing.

So ``{ books(first: 50) { edges { node { title authors { name } } } } }`` costs
1 (books) + 1 (edges) + 50 x (node + title + authors) + 50 x 10 x name = 652.

A document above ``GRAPHQL_MAX_COST`` is refused before execution. The API budget, shared
with REST where a request costs 1, charges a document one request per root field (an alias
is a root field of its own) or ``cost / GRAPHQL_COST_PER_REQUEST`` requests, whichever is more.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLSchema
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from graphql.type import (
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    get_named_type,
)

from catalog.selectors import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

LIST_SIZE = 10
INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


@dataclass(frozen=True)
class Cost:
    requested: int
    root_fields: int

    def requests(self, cost_per_request: int) -> int:
        """What the document costs in the budget's unit, a REST request."""
        return max(1, self.root_fields, math.ceil(self.requested / max(cost_per_request, 1)))


def _is_connection(named: GraphQLNamedType) -> bool:
    return isinstance(named, GraphQLObjectType) and named.name.endswith("Connection") and "edges" in named.fields


def _is_list(type_: GraphQLOutputType) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


class _Calculator:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any] | None,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables or {}
        # A fragment's cost per unit of multiplier (costs are linear in it); None while being measured.
        self.known: dict[tuple[str, int], int | None] = {}

    def page_size(self, field: FieldNode) -> int:
        size = None
        for argument in field.arguments or ():
            if argument.name.value not in ("first", "last"):
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                size = int(value.value)
            elif isinstance(value, VariableNode):
                raw = self.variables.get(value.name.value)
                size = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        if size is None or size < 1:
            return DEFAULT_PAGE_SIZE
        return min(size, MAX_PAGE_SIZE)

    def selection_set(self, selections: SelectionSetNode, parent: GraphQLNamedType, edges: int) -> int:
        """The cost of ``selections`` on ``parent`` per unit of multiplier; ``edges`` is the page size
        when ``parent`` is a connection."""
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, edges)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection_set(selection.selection_set, target or parent, edges)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, parent, edges)
        return total

    def fragment(self, name: str, parent: GraphQLNamedType, edges: int) -> int:
        key = (name, edges)
        if key in self.known:
            return self.known[key] or 0  # a cycle (refused by validation anyway) adds nothing
        definition = self.fragments.get(name)
        if definition is None:
            return 0
        self.known[key] = None
        target = self.schema.get_type(definition.type_condition.name.value) or parent
        cost = self.selection_set(definition.selection_set, target, edges)
        self.known[key] = cost
        return cost

    def field(self, node: FieldNode, parent: GraphQLNamedType, edges: int) -> int:
        name = node.name.value
        if name == "__typename":
            return 0
        if name in INTROSPECTION_FIELDS:
            return _flat(node, self.fragments)
        fields = parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
        definition = fields.get(name)
        if definition is None or node.selection_set is None:
            return 1
        named = get_named_type(definition.type)
        if _is_connection(named):
            return 1 + self.selection_set(node.selection_set, named, self.page_size(node))
        if _is_list(definition.type):
            multiplier = edges if (name == "edges" and _is_connection(parent)) else LIST_SIZE
            return 1 + multiplier * self.selection_set(node.selection_set, named, edges)
        return 1 + self.selection_set(node.selection_set, named, edges)


def _flat(node: FieldNode, fragments: Mapping[str, FragmentDefinitionNode]) -> int:
    """Fields under an introspection field, counted once each (fragments once per spread)."""
    memo: dict[str, int] = {}
    stack: list[tuple[SelectionSetNode | None, int]] = [(node.selection_set, 1)]
    total = 1
    while stack:
        selections, weight = stack.pop()
        if selections is None:
            continue
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += weight
                stack.append((selection.selection_set, weight))
            elif isinstance(selection, InlineFragmentNode):
                stack.append((selection.selection_set, weight))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                memo[name] = memo.get(name, 0) + 1
                fragment = fragments.get(name)
                # Validation refuses cycles; the bound keeps an unvalidated one finite.
                if fragment is not None and memo[name] <= 64:
                    stack.append((fragment.selection_set, weight))
    return total


def root_field_nodes(selections: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode]) -> list[FieldNode]:
    """The fields an operation selects at its root, through fragments (each fragment once)."""
    nodes: list[FieldNode] = []
    seen: set[str] = set()
    stack = [selections]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                nodes.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in seen and name in fragments:
                    seen.add(name)
                    stack.append(fragments[name].selection_set)
    return nodes


def root_field_count(selections: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode]) -> int:
    """Root fields by response key (an alias is a field of its own); ``__typename`` does not count."""
    nodes = root_field_nodes(selections, fragments)
    return len({(node.alias or node.name).value for node in nodes if node.name.value != "__typename"})


def document_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any] | None = None,
) -> Cost:
    """The cost of running ``operation`` (a validated document's) with ``variables``."""
    root = schema.get_root_type(operation.operation)
    calculator = _Calculator(schema, fragments, variables)
    requested = calculator.selection_set(operation.selection_set, root, DEFAULT_PAGE_SIZE) if root else 0
    return Cost(requested=requested, root_fields=root_field_count(operation.selection_set, fragments))
