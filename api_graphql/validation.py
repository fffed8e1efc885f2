"""Validation rules added to graphql-core's specified rules: limits checked before execution.

Fragments are measured where they are spread (their depth adds to the spread's level and
their aliases count each time), iteratively and once per fragment, so fragment chains and
cycles (reported by the standard NoFragmentCyclesRule) never recurse or loop.
"""

from dataclasses import dataclass, field
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

from .cost import root_field_count
from .errors import coded_error

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
_DATA, _INTROSPECTION = "data", "introspection"


@dataclass(frozen=True)
class Limits:
    max_depth: int
    max_introspection_depth: int
    max_aliases: int
    max_root_fields: int
    max_fields: int
    max_directives: int
    introspection: bool


@dataclass
class Measure:
    depth: dict[str, int] = field(default_factory=lambda: {_DATA: 0, _INTROSPECTION: 0})
    aliases: int = 0
    # Field selections and directives, fragments counted each time they are spread.
    fields: int = 0
    directives: int = 0


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
                result.directives += len(selection.directives or ())
                if isinstance(selection, FieldNode):
                    inner = _INTROSPECTION if selection.name.value in INTROSPECTION_FIELDS else current
                    result.depth[inner] = max(result.depth[inner], level + 1)
                    result.fields += 1
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
                    result.fields += known.fields
                    result.directives += known.directives
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


def _too_complex(message: str, node: Any) -> GraphQLError:
    return coded_error(message, ErrorCode.QUERY_TOO_COMPLEX, node)


def limit_errors(document: DocumentNode, limits: Limits) -> list[GraphQLError]:
    """Depth, aliases, root fields, fields and directives of every operation, fragments included.

    One linear pass over the document, without the schema: it runs before graphql-core's rules.
    """
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    measurer = _Measurer(fragments)
    errors: list[GraphQLError] = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            errors.extend(_check(definition, measurer.measure(definition.selection_set), fragments, limits))
    return errors


def _check(operation: OperationDefinitionNode, measure: Measure, fragments: dict, limits: Limits) -> list[GraphQLError]:
    errors = []
    directives = measure.directives + len(operation.directives or ())
    directives += sum(len(v.directives or ()) for v in operation.variable_definitions or ())
    if measure.fields > limits.max_fields:
        errors.append(
            f"The query selects {measure.fields} fields (fragments counted where they are spread, "
            f"repeated fields included); the limit is {limits.max_fields}."
        )
    if directives > limits.max_directives:
        errors.append(f"The query uses {directives} directives; the limit is {limits.max_directives}.")
    depth = measure.depth[_DATA]
    if depth > limits.max_depth:
        errors.append(f"The query is {depth} levels deep; the limit is {limits.max_depth}.")
    depth = measure.depth[_INTROSPECTION]
    if depth > limits.max_introspection_depth:
        errors.append(f"The introspection query is {depth} levels deep; the limit is {limits.max_introspection_depth}.")
    if measure.aliases > limits.max_aliases:
        errors.append(
            f"The query uses {measure.aliases} aliases (fragments counted where they are spread); "
            f"the limit is {limits.max_aliases}."
        )
    root_fields = root_field_count(operation.selection_set, fragments)
    if root_fields > limits.max_root_fields:
        errors.append(f"The query asks for {root_fields} root fields; the limit is {limits.max_root_fields}.")
    return [_too_complex(message, operation) for message in errors]


class NoIntrospectionRule(ValidationRule):
    """Refuses ``__schema`` and ``__type`` (``__typename`` stays allowed)."""

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        if node.name.value in INTROSPECTION_FIELDS:
            self.report_error(
                coded_error(
                    f"Introspection is turned off on this server ('{node.name.value}').",
                    ErrorCode.PERMISSION_DENIED,
                    node,
                )
            )


def rules_for(limits: Limits) -> list[type[ValidationRule]]:
    """The rules run after the limits (and graphql-core's own rules) have passed."""
    return [] if limits.introspection else [NoIntrospectionRule]
