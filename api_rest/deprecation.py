"""Deprecated fields in REST (catalog.deprecations): the OpenAPI flag and the response headers.

A response announces a deprecation when it carries a deprecated field, and only then: the
headers follow the body that was actually sent, so a response whose fields were narrowed
down to the new names (or an error, or a 304) says nothing. Per RFC 9745 and RFC 8594:

    Deprecation: @1796083200                        (when it was deprecated, an sf-date)
    Sunset: Tue, 01 Jun 2027 00:00:00 GMT           (when it goes, an HTTP-date)
    Link: <http://host/api/docs/>; rel="deprecation"; type="text/html"

With several deprecated fields in one response, the earliest dates are sent. The shared read
cache (catalog.read_cache) keeps an answer's body and not its headers, so no deprecated
field may sit in a catalog read (books, authors): a hit would drop the announcement.
"""

from collections.abc import Iterator
from functools import cache
from typing import Any

from django.utils.http import http_date
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from catalog.deprecations import FieldDeprecation, field_deprecation


class DeprecatedField:
    """An output field served under its old name until the sunset of ``catalog.deprecations``."""

    def __init__(self, *args: Any, type_name: str, **kwargs: Any) -> None:
        self.type_name = type_name
        super().__init__(*args, **kwargs)

    def deprecation(self, name: str) -> FieldDeprecation:
        return field_deprecation(self.type_name, name)


class DeprecatedIntegerField(DeprecatedField, serializers.IntegerField):
    pass


class DeprecatedFieldExtension(OpenApiSerializerFieldExtension):
    """``deprecated: true`` and the reason, in the OpenAPI document."""

    target_class = "api_rest.deprecation.DeprecatedField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: openapi.AutoSchema, direction: str) -> dict[str, Any]:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return {**schema, "deprecated": True, "description": self.target.deprecation(self.target.field_name).reason()}


# For one output serializer: each deprecated field by name, and the nested serializers
# (name -> plan of the child) that hold one somewhere below.
Plan = dict[str, "FieldDeprecation | Plan"]


@cache
def _plan(serializer_class: type[serializers.BaseSerializer]) -> Plan:
    plan: Plan = {}
    for name, field in getattr(serializer_class, "_declared_fields", {}).items():
        if isinstance(field, DeprecatedField):
            plan[name] = field.deprecation(name)
            continue
        child = field.child if isinstance(field, serializers.ListSerializer) else field
        if isinstance(child, serializers.BaseSerializer) and (inner := _plan(type(child))):
            plan[name] = inner
    return plan


def _found(plan: Plan, data: Any) -> Iterator[FieldDeprecation]:
    rows = data if isinstance(data, list) else [data]
    for row in rows:
        if not isinstance(row, dict):
            continue
        for name, entry in plan.items():
            if name not in row:
                continue
            if isinstance(entry, FieldDeprecation):
                yield entry
            else:
                yield from _found(entry, row[name])


def deprecations_in(data: Any) -> set[FieldDeprecation]:
    """The deprecated fields a response body carries, found through the serializers that made it.

    ``data`` is what a view answers: a serializer's ``.data`` (which knows its serializer), or
    a page whose values include one (``{"count": ..., "results": [...]}``).
    """
    parts = [data] if hasattr(data, "serializer") else list(data.values()) if isinstance(data, dict) else []
    found: set[FieldDeprecation] = set()
    for part in parts:
        serializer = getattr(part, "serializer", None)
        if serializer is None:
            continue
        if isinstance(serializer, serializers.ListSerializer):
            serializer = serializer.child
        if plan := _plan(type(serializer)):
            found.update(_found(plan, part))
    return found


def announce_deprecations(request: Request, response: Response) -> None:
    """Deprecation, Sunset and Link headers on a response that carries a deprecated field."""
    found = deprecations_in(getattr(response, "data", None))
    if not found:
        return
    response["Deprecation"] = f"@{int(min(d.deprecated_at for d in found).timestamp())}"
    response["Sunset"] = http_date(min(d.sunset_at for d in found).timestamp())
    docs = reverse("api-docs", request=request)
    link = f'<{docs}>; rel="deprecation"; type="text/html"'
    response["Link"] = f"{response['Link']}, {link}" if response.has_header("Link") else link
