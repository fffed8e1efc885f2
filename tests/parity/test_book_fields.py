"""Both APIs take and show every editable book field of catalog.services.BOOK_FIELDS, by the same
name (snake_case in REST, camelCase in GraphQL)."""

from graphene.utils.str_converters import to_camel_case

from api_graphql.schema import schema
from api_rest.serializers import BookInput, BookOutput
from catalog.services import BOOK_FIELDS

# What a book shows for a field it is given: its authors for their ids.
SHOWN_AS = {"author_ids": "authors"}


def _graphql_arguments(mutation: str) -> set[str]:
    return set(schema.graphql_schema.mutation_type.fields[mutation].args)


def test_rest_takes_every_book_field():
    assert set(BookInput().fields) == set(BOOK_FIELDS)


def test_graphql_takes_every_book_field():
    camel = {to_camel_case(name) for name in BOOK_FIELDS}
    assert _graphql_arguments("bookCreate") == camel
    assert _graphql_arguments("bookUpdate") == camel | {"id"}


def test_both_apis_show_every_book_field():
    shown = {SHOWN_AS.get(name, name) for name in BOOK_FIELDS}
    assert shown <= set(BookOutput().fields)
    book_type = schema.graphql_schema.get_type("Book")
    assert {to_camel_case(name) for name in shown} <= set(book_type.fields)
