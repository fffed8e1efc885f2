"""The GraphQL schema served at /graphql/; its SDL is committed as api_graphql/schema.graphql."""

import graphene

from .mutations import Mutation
from .queries import Query

schema = graphene.Schema(query=Query, mutation=Mutation)
