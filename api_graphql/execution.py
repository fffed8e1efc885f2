"""graphql-core's executor, made cheaper per field for a synchronous schema.

graphql-core spends more on each field than reading it costs: looking up the field
definition, building the resolve info, coercing arguments, and walking ``complete_value``
through its generic checks. For a page of 100 books that is thousands of calls.

This context plans each selection once per request (field definition, whether graphene's
default attribute resolver applies, how to complete the type) and then:

- reads plain attributes directly, building the resolve info only when a resolver or a
  type check needs it;
- completes non-null, list, scalar and object values without the generic dispatch.

Errors are located and propagated exactly as graphql-core does (same messages, paths and
null bubbling). Abstract types (``node``) and mutations take graphql-core's own path.
All resolvers are synchronous, so nothing here awaits.

A field without a resolve function uses the execution's field resolver, as in graphql-core.
An object type's ``is_type_of`` gets the field's resolve info unless it is marked with
``ignores_resolve_info`` (it then costs no resolve info per object).
tests/api_graphql/test_execution_differential.py checks that both executors answer alike.
"""

from functools import partial
from typing import Any

from graphene.types.resolver import dict_or_attr_resolver
from graphql import ExecutionContext, GraphQLError, GraphQLObjectType, located_error
from graphql.execution.execute import get_field_def, invalid_return_type_error
from graphql.execution.values import get_argument_values
from graphql.language import FieldNode
from graphql.pyutils import Path, Undefined, is_iterable
from graphql.type import (
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLOutputType,
    is_leaf_type,
)

_LIST, _LEAF, _OBJECT, _OTHER = range(4)


def ignores_resolve_info(is_type_of: Any) -> Any:
    """Mark an ``is_type_of`` that reads only the value, so that no resolve info is built for it."""
    is_type_of.ignores_resolve_info = True
    return is_type_of


def _needs_info(object_type: GraphQLObjectType) -> bool:
    return bool(object_type.is_type_of) and not getattr(object_type.is_type_of, "ignores_resolve_info", False)


class _FieldPlan:
    __slots__ = (
        "attribute",
        "default",
        "field_def",
        "field_nodes",
        "has_args",
        "name",
        "resolve",
        "return_type",
        "serialize",
    )

    def __init__(self, field_def: GraphQLField, field_nodes: list[FieldNode], field_resolver: Any) -> None:
        self.field_def = field_def
        self.field_nodes = field_nodes
        self.name = field_nodes[0].name.value
        self.return_type = field_def.type
        self.has_args = bool(field_def.args)
        self.resolve = field_def.resolve or field_resolver
        self.attribute: str | None = None
        self.default: Any = None
        # A scalar read from an attribute: read and serialised in place.
        self.serialize: Any = None
        resolve = field_def.resolve
        if (
            not self.has_args
            and isinstance(resolve, partial)
            and resolve.func is dict_or_attr_resolver
            and len(resolve.args) == 2
            and not resolve.keywords
        ):
            self.attribute, self.default = resolve.args
            leaf = self.return_type.of_type if isinstance(self.return_type, GraphQLNonNull) else self.return_type
            if is_leaf_type(leaf):
                self.serialize = leaf.serialize


class CatalogExecutionContext(ExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[int, int], tuple[Any, dict[str, _FieldPlan | None]]] = {}
        self._kinds: dict[int, tuple[bool, int, Any]] = {}
        self._needs_info: dict[int, bool] = {}

    def _plan(self, parent_type: GraphQLObjectType, fields: dict[str, list[FieldNode]]) -> dict:
        key = (id(parent_type), id(fields))
        cached = self._plans.get(key)
        if cached is None:
            plans: dict[str, _FieldPlan | None] = {}
            for response_name, field_nodes in fields.items():
                field_def = get_field_def(self.schema, parent_type, field_nodes[0])
                plans[response_name] = _FieldPlan(field_def, field_nodes, self.field_resolver) if field_def else None
            # `fields` is kept alongside so that its id cannot be reused by another dict meanwhile.
            cached = (fields, plans)
            self._plans[key] = cached
        return cached[1]

    def _kind(self, return_type: GraphQLOutputType) -> tuple[bool, int, Any]:
        """(non-null?, kind, detail) with the non-null wrapper taken off."""
        kind = self._kinds.get(id(return_type))
        if kind is None:
            non_null = isinstance(return_type, GraphQLNonNull)
            inner = return_type.of_type if non_null else return_type
            if isinstance(inner, GraphQLList):
                kind = (non_null, _LIST, inner.of_type)
            elif is_leaf_type(inner):
                kind = (non_null, _LEAF, inner)
            elif isinstance(inner, GraphQLObjectType):
                kind = (non_null, _OBJECT, inner)
            else:
                kind = (non_null, _OTHER, inner)
            self._kinds[id(return_type)] = kind
        return kind

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        fields: dict[str, list[FieldNode]],
    ) -> dict[str, Any]:
        if self.middleware_manager is not None:
            return super().execute_fields(parent_type, source_value, path, fields)
        results: dict[str, Any] = {}
        is_dict = isinstance(source_value, dict)
        for response_name, plan in self._plan(parent_type, fields).items():
            if plan is None:
                continue
            if plan.serialize is not None and not is_dict:
                try:
                    value = getattr(source_value, plan.attribute, plan.default)
                    completed = None if value is None else plan.serialize(value)
                except Exception:
                    completed = None  # the standard path below reads it again and reports the error
                if completed is not None and completed is not Undefined:
                    results[response_name] = completed
                    continue
            field_path = Path(path, response_name, parent_type.name)
            info = None
            try:
                if plan.attribute is not None:
                    if is_dict:
                        result = source_value.get(plan.attribute, plan.default)
                    else:
                        result = getattr(source_value, plan.attribute, plan.default)
                else:
                    info = self.build_resolve_info(plan.field_def, plan.field_nodes, parent_type, field_path)
                    if plan.has_args:
                        arguments = get_argument_values(plan.field_def, plan.field_nodes[0], self.variable_values)
                        result = plan.resolve(source_value, info, **arguments)
                    else:
                        result = plan.resolve(source_value, info)
                results[response_name] = self._complete(
                    plan.return_type, plan, parent_type, field_path, field_path, info, result
                )
            except Exception as raw_error:
                error = located_error(raw_error, plan.field_nodes, field_path.as_list())
                self.handle_field_error(error, plan.return_type, field_path)
                results[response_name] = None
        return results

    def _complete(
        self,
        return_type: GraphQLOutputType,
        plan: _FieldPlan,
        parent_type: GraphQLObjectType,
        field_path: Path,
        path: Path,
        info: Any,
        result: Any,
    ) -> Any:
        """Complete ``result`` at ``path`` (an item's path inside a list field at ``field_path``)."""
        if isinstance(result, Exception):
            raise result
        non_null, kind, inner = self._kind(return_type)
        if result is None or result is Undefined:
            if non_null:
                raise TypeError(f"Cannot return null for non-nullable field {parent_type.name}.{plan.name}.")
            return None
        if kind == _LEAF:
            completed = inner.serialize(result)
            if completed is None or completed is Undefined:
                completed = self.complete_leaf_value(inner, result)  # raises graphql-core's error
            return completed
        if kind == _OBJECT:
            if inner.is_type_of:
                if info is None and self._type_needs_info(inner):
                    info = self.build_resolve_info(plan.field_def, plan.field_nodes, parent_type, field_path)
                if not inner.is_type_of(result, info):
                    raise invalid_return_type_error(inner, result, plan.field_nodes)
            return self.execute_fields(inner, result, path, self.collect_subfields(inner, plan.field_nodes))
        if kind == _LIST:
            if not is_iterable(result):
                raise GraphQLError(
                    f"Expected Iterable, but did not find one for field '{parent_type.name}.{plan.name}'."
                )
            completed_items = []
            append = completed_items.append
            for index, item in enumerate(result):
                item_path = path.add_key(index, None)
                try:
                    append(self._complete(inner, plan, parent_type, field_path, item_path, info, item))
                except Exception as raw_error:
                    error = located_error(raw_error, plan.field_nodes, item_path.as_list())
                    self.handle_field_error(error, inner, item_path)
                    append(None)
            return completed_items
        if info is None:
            info = self.build_resolve_info(plan.field_def, plan.field_nodes, parent_type, field_path)
        completed = self.complete_value(inner, plan.field_nodes, info, path, result)
        if non_null and completed is None:
            raise TypeError(f"Cannot return null for non-nullable field {parent_type.name}.{plan.name}.")
        return completed

    def _type_needs_info(self, object_type: GraphQLObjectType) -> bool:
        needs = self._needs_info.get(id(object_type))
        if needs is None:
            needs = self._needs_info[id(object_type)] = _needs_info(object_type)
        return needs
