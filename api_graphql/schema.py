"""The GraphQL schema served at /graphql/; its SDL is committed as api_graphql/schema.graphql."""

from functools import wraps
from typing import Any

import graphene
from django.core.exceptions import ValidationError
from graphql import GraphQLObjectType, GraphQLSchema

from catalog.text import check_texts

from .errors import QueryError, error_items
from .mutations import Mutation
from .queries import Query


def _checking_text(resolve: Any) -> Any:
    @wraps(resolve)
    def resolver(root: Any, info: Any, **arguments: Any) -> Any:
        try:
            check_texts(arguments.items())
        except ValidationError as exc:
            raise QueryError(error_items(exc) or []) from None
        return resolve(root, info, **arguments)

    return resolver


def check_text_arguments(graphql_schema: GraphQLSchema) -> None:
    """Every field with arguments refuses NULs and lone surrogates in them with ``invalid_characters``.

    Mutations check theirs in ``BaseMutation.mutate``, so the errors come back in their payload.
    """
    for type_ in graphql_schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        if type_ is graphql_schema.mutation_type:
            continue
        for field in type_.fields.values():
            if field.args and field.resolve is not None:
                field.resolve = _checking_text(field.resolve)


schema = graphene.Schema(query=Query, mutation=Mutation)
check_text_arguments(schema.graphql_schema)
