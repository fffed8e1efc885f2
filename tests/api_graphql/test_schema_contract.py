"""The committed SDL is the contract: it must be what the code serves."""

from pathlib import Path

from graphql import print_schema

from api_graphql.schema import schema

SDL = Path(__file__).resolve().parents[2] / "api_graphql" / "schema.graphql"
REGENERATE = (
    "DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python manage.py graphql_schema "
    "--schema api_graphql.schema.schema --out api_graphql/schema.graphql  (or: make schema)"
)

QUERIES = {"node", "books", "book", "authors", "author", "me", "cart", "orders", "order"}
MUTATIONS = {
    "bookCreate",
    "bookUpdate",
    "bookDelete",
    "authorCreate",
    "authorUpdate",
    "authorDelete",
    "cartItemAdd",
    "cartItemUpdate",
    "cartItemRemove",
    "cartClear",
    "checkout",
    "tokenCreate",
}


def test_committed_sdl_matches_the_code():
    assert SDL.read_text(encoding="utf-8") == print_schema(schema.graphql_schema), f"Regenerate it: {REGENERATE}"


def test_every_operation_is_offered():
    graphql_schema = schema.graphql_schema
    assert set(graphql_schema.query_type.fields) == QUERIES
    assert set(graphql_schema.mutation_type.fields) == MUTATIONS


def test_every_mutation_returns_errors_with_field_code_message():
    for name, field in schema.graphql_schema.mutation_type.fields.items():
        payload = field.type
        assert payload.name == name[0].upper() + name[1:] + "Payload"
        assert str(payload.fields["errors"].type) == "[Error!]!"
    error = schema.graphql_schema.type_map["Error"]
    assert {k: str(v.type) for k, v in error.fields.items()} == {
        "field": "String",
        "code": "ErrorCode!",
        "message": "String!",
    }


def test_types_show_rest_fields_in_camel_case_and_nothing_private():
    fields = {
        name: set(schema.graphql_schema.type_map[name].fields)
        for name in ("Book", "Author", "Cart", "CartItem", "Order", "OrderLine", "User")
    }
    assert fields == {
        "Book": {
            "id",
            "databaseId",
            "title",
            "subtitle",
            "isbn",
            "price",
            "stock",
            "publishedDate",
            "description",
            "authors",
            "createdAt",
            "updatedAt",
        },
        "Author": {"id", "databaseId", "name", "bio", "bookCount", "books"},
        "Cart": {"id", "databaseId", "items", "copyCount", "itemCount", "total"},
        "CartItem": {"id", "databaseId", "book", "quantity", "unitPrice", "lineTotal"},
        "Order": {"id", "databaseId", "lines", "total", "copyCount", "itemCount", "createdAt"},
        "OrderLine": {"id", "databaseId", "bookId", "book", "title", "isbn", "quantity", "unitPrice", "lineTotal"},
        "User": {"id", "databaseId", "username", "cart", "orders"},
    }
    for name in fields:
        assert "Node" in [i.name for i in schema.graphql_schema.type_map[name].interfaces]
