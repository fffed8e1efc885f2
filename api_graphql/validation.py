"""Validation rules added to graphql-core's specified rules: limits checked before execution.

Fragments are measured where they are spread (their depth adds to the spread's level and
their aliases count each time), iteratively and once per fragment, so fragment chains and
cycles (reported by the standard NoFragmentCyclesRule) never recurse or loop.
"""

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from graphql import GraphQLError
from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.validation import ValidationRule

from catalog.errors import ErrorCode

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
_DATA, _INTROSPECTION = "data", "introspection"


@dataclass(frozen=True)
class Limits:
    max_depth: int
    max_introspection_depth: int
    max_aliases: int
    max_root_fields: int
    introspection: bool


@dataclass
class Measure:
    depth: dict[str, int] = field(default_factory=lambda: {_DATA: 0, _INTROSPECTION: 0})
    aliases: int = 0


class _Measurer:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.known: dict[tuple[str, str], Measure] = {}

    def measure(self, selection_set: SelectionSetNode) -> Measure:
        result, missing = self._scan(selection_set, _DATA)
        if missing:
            self._resolve(missing)
            result, _ = self._scan(selection_set, _DATA)
        return result

    def _scan(self, selection_set: SelectionSetNode, mode: str) -> tuple[Measure, set[tuple[str, str]]]:
        """The measure of a selection set, counting only fragments already measured."""
        result = Measure()
        missing: set[tuple[str, str]] = set()
        stack = [(selection_set, 0, mode)]
        while stack:
            selections, level, current = stack.pop()
            for selection in selections.selections:
                if isinstance(selection, FieldNode):
                    inner = _INTROSPECTION if selection.name.value in INTROSPECTION_FIELDS else current
                    result.depth[inner] = max(result.depth[inner], level + 1)
                    if selection.alias:
                        result.aliases += 1
                    if selection.selection_set:
                        stack.append((selection.selection_set, level + 1, inner))
                elif isinstance(selection, InlineFragmentNode):
                    stack.append((selection.selection_set, level, current))
                elif isinstance(selection, FragmentSpreadNode):
                    key = (selection.name.value, current)
                    known = self.known.get(key)
                    if known is None:
                        missing.add(key)
                        continue
                    for kind, depth in known.depth.items():
                        if depth:
                            result.depth[kind] = max(result.depth[kind], level + depth)
                    result.aliases += known.aliases
        return result, missing

    def _resolve(self, keys: set[tuple[str, str]]) -> None:
        """Measure fragments depth-first with an explicit stack; a spread back into a cycle counts as empty."""
        in_progress: set[tuple[str, str]] = set()
        stack = list(keys)
        while stack:
            key = stack[-1]
            if key in self.known:
                stack.pop()
                continue
            fragment = self.fragments.get(key[0])
            if fragment is None:
                self.known[key] = Measure()
                stack.pop()
                continue
            in_progress.add(key)
            result, missing = self._scan(fragment.selection_set, key[1])
            pending = [k for k in missing if k not in self.known and k not in in_progress]
            if pending:
                stack.extend(pending)
                continue
            self.known[key] = result
            in_progress.discard(key)
            stack.pop()


def _root_field_count(operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]) -> int:
    keys: set[str] = set()
    seen: set[str] = set()
    stack = [operation.selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                if selection.name.value != "__typename":
                    keys.add((selection.alias or selection.name).value)
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in seen and name in fragments:
                    seen.add(name)
                    stack.append(fragments[name].selection_set)
    return len(keys)


def _too_complex(message: str, node: Any) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": str(ErrorCode.QUERY_TOO_COMPLEX)})


@cache
def query_limits_rule(limits: Limits) -> type[ValidationRule]:
    class QueryLimitsRule(ValidationRule):
        """Depth, aliases and root fields of every operation, fragments included."""

        def enter_document(self, node: DocumentNode, *_args: Any) -> Any:
            fragments = {d.name.value: d for d in node.definitions if isinstance(d, FragmentDefinitionNode)}
            measurer = _Measurer(fragments)
            for definition in node.definitions:
                if isinstance(definition, OperationDefinitionNode):
                    self.check(definition, measurer.measure(definition.selection_set), fragments)
            return self.SKIP

        def check(self, operation: OperationDefinitionNode, measure: Measure, fragments: dict) -> None:
            depth = measure.depth[_DATA]
            if depth > limits.max_depth:
                self.report_error(
                    _too_complex(f"The query is {depth} levels deep; the limit is {limits.max_depth}.", operation)
                )
            depth = measure.depth[_INTROSPECTION]
            if depth > limits.max_introspection_depth:
                self.report_error(
                    _too_complex(
                        f"The introspection query is {depth} levels deep; "
                        f"the limit is {limits.max_introspection_depth}.",
                        operation,
                    )
                )
            if measure.aliases > limits.max_aliases:
                self.report_error(
                    _too_complex(
                        f"The query uses {measure.aliases} aliases (fragments counted where they are spread); "
                        f"the limit is {limits.max_aliases}.",
                        operation,
                    )
                )
            root_fields = _root_field_count(operation, fragments)
            if root_fields > limits.max_root_fields:
                self.report_error(
                    _too_complex(
                        f"The query asks for {root_fields} root fields; the limit is {limits.max_root_fields}.",
                        operation,
                    )
                )

    return QueryLimitsRule


class NoIntrospectionRule(ValidationRule):
    """Refuses ``__schema`` and ``__type`` (``__typename`` stays allowed)."""

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        if node.name.value in INTROSPECTION_FIELDS:
            self.report_error(
                GraphQLError(
                    f"Introspection is turned off on this server ('{node.name.value}').",
                    node,
                    extensions={"code": str(ErrorCode.PERMISSION_DENIED)},
                )
            )


def rules_for(limits: Limits) -> list[type[ValidationRule]]:
    rules: list[type[ValidationRule]] = [query_limits_rule(limits)]
    if not limits.introspection:
        rules.append(NoIntrospectionRule)
    return rules
