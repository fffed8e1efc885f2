"""Fields kept under an old name until their sunset: declared once, announced by both APIs.

A renamed field is served under both names until ``sunset``. Each adapter derives its
announcement from this table: GraphQL marks the old field ``@deprecated(reason: ...)``;
REST keeps the old key, marks it ``deprecated: true`` in the OpenAPI document and sends
``Deprecation``, ``Sunset`` and a ``Link`` to the docs with every response that carries it.
Field names are snake_case here, as in REST; GraphQL camelCases them.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

_UTC = datetime.UTC


@dataclass(frozen=True)
class FieldDeprecation:
    type_name: str  # the object type, named alike in both APIs ("Cart")
    field: str  # the old name, still served
    replacement: str  # the new name, served beside it
    why: str
    deprecated_at: datetime.datetime
    sunset_at: datetime.datetime

    def __post_init__(self) -> None:
        if self.deprecated_at.tzinfo is None or self.sunset_at.tzinfo is None:
            raise ValueError(f"{self.type_name}.{self.field}: give both dates a time zone")
        # RFC 9745: a Sunset earlier than the Deprecation it follows is a misconfiguration.
        if self.sunset_at < self.deprecated_at:
            raise ValueError(f"{self.type_name}.{self.field}: the sunset comes before the deprecation")

    def reason(self, name: Callable[[str], str] = str) -> str:
        """A sentence for people, with the new name as the API at hand spells it (``name``)."""
        return f"Renamed to `{name(self.replacement)}`: {self.why}. Served until {self.sunset_at:%Y-%m-%d}."


def _deprecation(type_name: str, field: str, replacement: str, why: str) -> FieldDeprecation:
    return FieldDeprecation(
        type_name=type_name,
        field=field,
        replacement=replacement,
        why=why,
        deprecated_at=datetime.datetime(2026, 12, 1, tzinfo=_UTC),
        sunset_at=datetime.datetime(2027, 6, 1, tzinfo=_UTC),
    )


_COPIES = "the count is of copies (the lines' quantities added up), not of lines as the old name suggested"

DEPRECATIONS = (
    _deprecation("Cart", "item_count", "copy_count", _COPIES),
    _deprecation("Order", "item_count", "copy_count", _COPIES),
)
_BY_FIELD = {(d.type_name, d.field): d for d in DEPRECATIONS}


def field_deprecation(type_name: str, field: str) -> FieldDeprecation:
    """The declared deprecation of ``type_name.field``; a KeyError names a field the table lacks."""
    return _BY_FIELD[(type_name, field)]
