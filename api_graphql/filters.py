"""The shared FilterSets as GraphQL arguments: each filter's name in camelCase, its type and help text.

The ordering filter is the GraphQL convention ``orderBy``, a list of sort keys of an enum made
from the offered fields (``TITLE_ASC`` for ``title``, ``TITLE_DESC`` for ``-title``).
"""

from typing import Any

import graphene
from django_filters import Filter, FilterSet
from graphene.utils.str_converters import to_camel_case

from catalog.filters import (
    AuthorFilter,
    BookFilter,
    BooleanFilter,
    ObjectIdFilter,
    OrderingFilter,
    PlainDateFilter,
    PlainDecimalFilter,
    PlainIntegerFilter,
    TextFilter,
)

from .ids import database_id
from .scalars import Date

ORDERING_ARGUMENT = "order_by"


def _ordering_enum(filterset_class: type[FilterSet], filter_: OrderingFilter) -> type[graphene.Enum]:
    model = filterset_class._meta.model
    members = {
        f"{field.upper()}_{suffix}": f"{sign}{field}"
        for field in filter_.fields
        for suffix, sign in (("ASC", ""), ("DESC", "-"))
    }
    plural = model._meta.verbose_name_plural
    return graphene.Enum(
        f"{model.__name__}Order",
        list(members.items()),
        description=f"A sort key for {plural}; several can be combined, the first one counting most.",
    )


def _type(filterset_class: type[FilterSet], name: str, filter_: Filter) -> Any:
    """The GraphQL type of one filter's argument."""
    if isinstance(filter_, OrderingFilter):
        return graphene.List(graphene.NonNull(_ordering_enum(filterset_class, filter_)))
    if isinstance(filter_, ObjectIdFilter):
        return graphene.ID
    if isinstance(filter_, PlainIntegerFilter):
        return graphene.Int
    if isinstance(filter_, TextFilter | PlainDecimalFilter):
        return graphene.String
    if isinstance(filter_, BooleanFilter):
        return graphene.Boolean
    if isinstance(filter_, PlainDateFilter):
        return Date
    raise TypeError(f"No GraphQL type for the filter {name!r} ({type(filter_).__name__}).")


def _description(filter_: Filter) -> str:
    text = str(filter_.field.help_text)
    return f"{text} Global ID or database id." if isinstance(filter_, ObjectIdFilter) else text


class FilterArguments:
    """The arguments of one FilterSet, and the way back from their values to the FilterSet's data."""

    def __init__(self, filterset_class: type[FilterSet]) -> None:
        self.filters = filterset_class.base_filters
        # FilterSet name -> argument name (snake_case; graphene shows it in camelCase).
        self.names = {
            name: ORDERING_ARGUMENT if isinstance(filter_, OrderingFilter) else name
            for name, filter_ in self.filters.items()
        }
        self.types = {name: _type(filterset_class, name, filter_) for name, filter_ in self.filters.items()}
        self.ordering_enums = [
            self.types[name].of_type.of_type for name, f in self.filters.items() if isinstance(f, OrderingFilter)
        ]

    def arguments(self) -> dict[str, graphene.Argument]:
        return {
            self.names[name]: graphene.Argument(self.types[name], description=_description(filter_))
            for name, filter_ in self.filters.items()
        }

    def renames(self) -> dict[str, str]:
        """FilterSet name -> GraphQL argument as a client writes it, for the fields of errors."""
        return {name: to_camel_case(argument) for name, argument in self.names.items()}

    def data(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """The FilterSet data for the given arguments (those given and not null)."""
        data = {}
        for name, filter_ in self.filters.items():
            value = arguments.get(self.names[name])
            if value is not None:
                data[name] = self._value(filter_, value)
        return data

    @staticmethod
    def _value(filter_: Filter, value: Any) -> Any:
        if isinstance(filter_, OrderingFilter):
            return ",".join(str(getattr(key, "value", key)) for key in value)
        if isinstance(filter_, ObjectIdFilter):
            return database_id(value, filter_.target.__name__)
        if isinstance(filter_, BooleanFilter):
            return "true" if value else "false"
        return value


BOOK_FILTERS = FilterArguments(BookFilter)
AUTHOR_FILTERS = FilterArguments(AuthorFilter)
# Lists of sort keys (the `orderBy` arguments): longer than the keys there are is an invalid ordering.
ORDERING_ENUMS = frozenset(enum._meta.name for f in (BOOK_FILTERS, AUTHOR_FILTERS) for enum in f.ordering_enums)
