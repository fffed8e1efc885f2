"""graphene-django settings (imported by base.py)."""

import environ

env = environ.Env()

GRAPHENE = {
    "SCHEMA": "api_graphql.schema.schema",
    "SCHEMA_OUTPUT": "api_graphql/schema.graphql",
    "ATOMIC_MUTATIONS": True,
}
