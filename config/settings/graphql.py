"""graphene-django settings and the GraphQL endpoint's limits (imported by base.py)."""

import environ

env = environ.Env()

GRAPHENE = {
    "SCHEMA": "api_graphql.schema.schema",
    "SCHEMA_OUTPUT": "api_graphql/schema.graphql",
    # Each mutation field runs in its own savepoint (api_graphql.mutations.BaseMutation),
    # so one failing mutation never undoes another one of the same request.
    "ATOMIC_MUTATIONS": False,
    "GRAPHIQL_HEADER_EDITOR_ENABLED": True,
    "GRAPHIQL_SHOULD_PERSIST_HEADERS": True,
}

# Checked before execution; a request over a limit gets the error code `query_too_complex`.
GRAPHQL_MAX_DEPTH = env.int("GRAPHQL_MAX_DEPTH", default=10)
# Introspection (`__schema`, `__type`) is measured on its own: GraphiQL's query needs 13 levels.
GRAPHQL_MAX_INTROSPECTION_DEPTH = env.int("GRAPHQL_MAX_INTROSPECTION_DEPTH", default=15)
GRAPHQL_MAX_ALIASES = env.int("GRAPHQL_MAX_ALIASES", default=15)
GRAPHQL_MAX_ROOT_FIELDS = env.int("GRAPHQL_MAX_ROOT_FIELDS", default=10)
GRAPHQL_MAX_DOCUMENT_BYTES = env.int("GRAPHQL_MAX_DOCUMENT_BYTES", default=10 * 1024)
# Cheap refusals, before graphql-core's own rules run: the parser stops at this many tokens;
# field selections (repeated ones and fragments where spread included) and directives are counted.
GRAPHQL_MAX_TOKENS = env.int("GRAPHQL_MAX_TOKENS", default=1000)
GRAPHQL_MAX_FIELDS = env.int("GRAPHQL_MAX_FIELDS", default=250)
GRAPHQL_MAX_DIRECTIVES = env.int("GRAPHQL_MAX_DIRECTIVES", default=20)
# A list in `variables` longer than this (or, for a list of enum values such as orderBy, than
# the number of values) is refused before it is coerced.
GRAPHQL_MAX_LIST_VARIABLE = env.int("GRAPHQL_MAX_LIST_VARIABLE", default=100)
# The static cost of a document (api_graphql/cost.py): refused above this, before execution.
GRAPHQL_MAX_COST = env.int("GRAPHQL_MAX_COST", default=10_000)
# The API budget charges a document one request per root field, or cost / this, whichever is more.
GRAPHQL_COST_PER_REQUEST = env.int("GRAPHQL_COST_PER_REQUEST", default=1000)

# Workshops want both on; production may switch them off.
GRAPHQL_INTROSPECTION = env.bool("GRAPHQL_INTROSPECTION", default=True)
GRAPHQL_GRAPHIQL = env.bool("GRAPHQL_GRAPHIQL", default=True)
# "Did you mean ...?" hints in error messages reveal field names even without introspection.
GRAPHQL_FIELD_SUGGESTIONS = env.bool("GRAPHQL_FIELD_SUGGESTIONS", default=True)

# Parsed and validated documents kept in memory, per process.
GRAPHQL_DOCUMENT_CACHE_SIZE = env.int("GRAPHQL_DOCUMENT_CACHE_SIZE", default=128)

# Persisted queries (api_graphql/persisted.py): documents registered by hash live this long
# in the shared cache; with GRAPHQL_PERSISTED_ONLY only the manifest's documents run.
GRAPHQL_PERSISTED_SECONDS = env.int("GRAPHQL_PERSISTED_SECONDS", default=7 * 24 * 3600)
GRAPHQL_PERSISTED_ONLY = env.bool("GRAPHQL_PERSISTED_ONLY", default=False)
GRAPHQL_PERSISTED_MANIFEST = env.str("GRAPHQL_PERSISTED_MANIFEST", default="api_graphql/persisted-queries.json")
