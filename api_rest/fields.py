"""Sparse fieldsets: ``?fields=`` on every read, after drf-flex-fields and JSON:API.

``?fields=id,title,authors.name`` answers each object with the fields named and no others.
A dotted name picks fields inside a nested object or list (``authors.name``, ``items.book.title``);
a nested field named alone comes whole (``authors``). The names are those of the answer; on a
list they are those of its items, and the page keeps ``count``, ``count_exact``, ``next`` and
``previous``. Fields keep the answer's order, whatever the order asked.

An empty ``fields=`` is the same as none: every field. A name given twice counts once, and
several ``fields`` parameters add up. A name the answer does not have, or an empty one
(``id,,title``, ``authors.``), is refused with ``invalid_fields``, naming it.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from catalog.errors import ErrorCode

FIELDS_PARAM = "fields"
MAX_FIELDS_LENGTH = 1000

# A shape: each field's name, and the shape inside it (None for a value with no fields of its own).
Shape = dict[str, "Shape | None"]
# A selection: each field kept, and the part of it kept (None for the whole field).
Tree = dict[str, "Tree | None"]


@cache
def output_shape(output_class: type[serializers.Serializer]) -> Shape:
    """The fields of an output serializer, nested serializers (and lists of them) included (read-only)."""
    shape: Shape = {}
    for name, field in output_class._declared_fields.items():
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        shape[name] = output_shape(type(field)) if isinstance(field, serializers.Serializer) else None
    return shape


def _names(shape: Shape) -> str:
    return ", ".join(shape)


def _problem(name: str, shape: Shape) -> str | None:
    """Why ``name`` (dotted, no part empty) names no field of ``shape``, or None when it does."""
    inside: Shape | None = shape
    walked: list[str] = []
    for part in name.split("."):
        if inside is None:
            parent = ".".join(walked)
            return f"Unknown field {name!r}: {parent!r} has no fields of its own; ask for {parent!r}."
        if part not in inside:
            where = f"{'.'.join(walked)!r} has" if walked else "the fields are"
            return f"Unknown field {name!r}: {where} {_names(inside)}."
        walked.append(part)
        inside = inside[part]
    return None


def _add(tree: Tree, parts: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    if head in tree and tree[head] is None:
        return  # already whole
    if not rest:
        tree[head] = None
        return
    branch: Tree = tree.get(head) or {}
    tree[head] = branch
    _add(branch, rest)


def _prune(value: Any, tree: Tree | None) -> Any:
    if tree is None:
        return value
    if isinstance(value, list):
        return [_prune(item, tree) for item in value]
    if isinstance(value, dict):
        return {key: _prune(item, tree[key]) for key, item in value.items() if key in tree}
    return value


@dataclass(frozen=True)
class FieldSelection:
    """The fields a read asked for; ``tree`` None means every field."""

    tree: Tree | None = None

    def includes(self, name: str) -> bool:
        """Whether the top-level field ``name`` is sent (in part or whole)."""
        return self.tree is None or name in self.tree

    def apply(self, data: Any) -> Any:
        """``data`` (one object, or a list of them) with only the selected fields."""
        return _prune(data, self.tree)


def parse_fields(values: Iterable[str], shape: Shape) -> FieldSelection:
    """The selection that ``fields`` values ask of an answer of ``shape``; unknown names are refused."""
    names: list[str] = []
    problems: list[str] = []
    for value in filter(None, values):
        given = value.split(",")
        if any(not part for name in given for part in name.split(".")):
            problems.append(
                f"{value!r} has an empty field name; give names such as id or authors.name, comma-separated."
            )
        names.extend(name for name in given if all(name.split(".")))
    if not names and not problems:
        return FieldSelection()
    problems += [problem for name in dict.fromkeys(names) if (problem := _problem(name, shape))]
    if problems:
        raise ValidationError({FIELDS_PARAM: [ValidationError(p, code=ErrorCode.INVALID_FIELDS) for p in problems]})
    tree: Tree = {}
    for name in names:
        _add(tree, name.split("."))
    return FieldSelection(tree)


def requested_fields(request, output_class: type[serializers.Serializer]) -> FieldSelection:
    """The ``?fields=`` of a read whose answer is made by ``output_class`` (each item's, for a list)."""
    values = request.query_params.getlist(FIELDS_PARAM)
    if sum(len(value) for value in values) > MAX_FIELDS_LENGTH:
        message = f"Ask for at most {MAX_FIELDS_LENGTH} characters of field names."
        raise ValidationError({FIELDS_PARAM: [ValidationError(message, code=ErrorCode.MAX_LENGTH)]})
    return parse_fields(values, output_shape(output_class))


def _dotted(shape: Shape, prefix: str = "") -> list[str]:
    names = []
    for name, inside in shape.items():
        names.append(f"{prefix}{name}")
        if inside is not None:
            names.extend(_dotted(inside, f"{prefix}{name}."))
    return names


def fields_pattern(names: list[str]) -> str:
    """A comma-separated list of these names and no other: what the server takes, to the letter."""
    one = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return f"^(?:{one})(?:,(?:{one}))*$"


def fields_parameter(output_class: type[serializers.Serializer], *, many: bool = False) -> OpenApiParameter:
    """The ``fields`` query parameter of a read, documented with the names it takes."""
    what = "each item" if many else "the answer"
    names = _dotted(output_shape(output_class))
    return OpenApiParameter(
        FIELDS_PARAM,
        {"type": "string", "pattern": fields_pattern(names), "maxLength": MAX_FIELDS_LENGTH},
        description=(
            f"Sparse fieldset: only these fields of {what}, comma-separated; a dotted name picks a field "
            "inside a nested one (`authors.name`), a nested field alone comes whole. Empty or absent: every "
            "field. A name given twice counts once. An unknown or empty name: `invalid_fields`. "
            f"Names: {', '.join(f'`{name}`' for name in names)}."
        ),
    )


FIELDS_CODES = "`fields`: `invalid_fields`, `max_length`"
