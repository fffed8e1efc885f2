"""Scalars that print values exactly as the REST API does, and pass input on for the domain to judge."""

import datetime
from decimal import Decimal
from typing import Any

import graphene
from django.utils import timezone
from graphql import GraphQLError
from graphql.language import StringValueNode, ValueNode, print_ast


class Money(graphene.Scalar):
    """An amount of money as a decimal string with two places, e.g. "12.50" (output only;
    amounts are given as strings)."""

    @staticmethod
    def serialize(value: Any) -> str:
        return f"{value if isinstance(value, Decimal) else Decimal(value):.2f}"

    @staticmethod
    def parse_value(value: Any) -> Any:
        raise GraphQLError('Money is an output type; give amounts as strings such as "12.50".')

    @staticmethod
    def parse_literal(node: ValueNode, _variables: Any = None) -> Any:
        raise GraphQLError('Money is an output type; give amounts as strings such as "12.50".')


class Date(graphene.Scalar):
    """A calendar date in ISO 8601, e.g. "2024-05-31"."""

    @staticmethod
    def serialize(value: datetime.date) -> str:
        return value.isoformat()

    @staticmethod
    def parse_value(value: Any) -> str:
        # Kept as text: the filters and the mutations say which dates they refuse, with a code.
        if isinstance(value, str):
            return value
        raise GraphQLError(f"Date must be a string, not {value!r}.")

    @staticmethod
    def parse_literal(node: ValueNode, _variables: Any = None) -> str:
        if isinstance(node, StringValueNode):
            return node.value
        raise GraphQLError(f"Date must be a string, not {print_ast(node)}.")


class DateTime(graphene.Scalar):
    """A moment in ISO 8601 with its time zone, e.g. "2024-05-31T09:30:00.123456Z"."""

    @staticmethod
    def serialize(value: datetime.datetime) -> str:
        # The site's time zone, as REST prints it (no per-request zone is ever activated).
        text = timezone.localtime(value, timezone.get_default_timezone()).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    @staticmethod
    def parse_value(value: Any) -> Any:
        raise GraphQLError("DateTime is an output type only.")

    @staticmethod
    def parse_literal(node: ValueNode, _variables: Any = None) -> Any:
        raise GraphQLError("DateTime is an output type only.")
