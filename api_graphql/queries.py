"""Reads: thin resolvers over catalog.selectors, filtered by the same FilterSets as REST."""

from typing import Any

import graphene
from django.core.exceptions import ValidationError
from graphene import relay

from catalog.errors import ErrorCode
from catalog.selectors import (
    author_get,
    author_list,
    book_get,
    book_get_by_isbn,
    book_list,
    cart_get,
    order_get,
    order_list,
)

from .errors import QueryError, argument_error, error_items
from .filters import AUTHOR_FILTERS, BOOK_FILTERS, FilterArguments
from .ids import database_id
from .pagination import paginate
from .types import (
    AuthorConnection,
    AuthorType,
    BookConnection,
    BookType,
    CartType,
    OrderConnection,
    OrderType,
    PageArguments,
    UserType,
    resolve_node,
)


def _filtered(selector: Any, filters: FilterArguments, arguments: dict[str, Any]) -> Any:
    try:
        return selector(filters=filters.data(arguments))
    except ValidationError as exc:
        raise QueryError(error_items(exc, renames=filters.renames()) or []) from None


def _pages(arguments: dict[str, Any]) -> dict[str, Any]:
    return {name: arguments.get(name) for name in ("first", "after", "last", "before")}


class Query(graphene.ObjectType):
    """The catalog, your cart and your orders.

    Limits, checked before a document runs (mutations too), each refused with the code
    `query_too_complex`: 10 KiB of text, 1,000 tokens, 250 field selections (repeated ones and
    fragments where spread included), 20 directives, 10 levels of depth (15 for introspection),
    15 aliases, 10 root fields, list variables of at most 100 items (an `orderBy` list: at most
    its number of sort keys), and a cost of 10,000.

    Cost: the sum over every selected field of the times it can be resolved. A root field counts
    1; a field inside a connection's `edges` counts once per row of the page (`first` or `last`,
    else 20, at most 100); a field inside another list (a book's `authors`) counts 10 times;
    multipliers multiply down the tree; fragments count where spread; introspection counts 1 a
    field and `__typename` nothing. `{ books(first: 50) { edges { node { title authors { name } } } } }`
    costs 1 + 1 + 50 x 3 + 50 x 10 = 652.

    Budget: one per client for this API and the REST API together (the signed-in user, else the
    client address). A REST request costs 1; a document costs 1 per root field (aliases
    included) or cost / 1,000, whichever is more. A document the budget cannot pay for answers
    HTTP 429 with `Retry-After` and the code `throttled`. Every response reports
    `extensions.cost`: `requested`, `maximum`, `charged`, `limit` and `remaining`. Sign-in
    attempts (`tokenCreate`, each alias counted) have a budget of their own per account and per
    address.
    """

    node = graphene.Field(
        relay.Node, id=graphene.ID(required=True), description="Any object by its global ID (`id` field)."
    )
    books = graphene.Field(
        BookConnection,
        **BOOK_FILTERS.arguments(),
        description="The catalog, filtered like REST's /api/books/.",
        **PageArguments.both,
    )
    book = graphene.Field(
        BookType,
        id=graphene.ID(description="Global ID or database id."),
        isbn=graphene.String(description="ISBN-13 or ISBN-10, with or without hyphens."),
        description="One book, by id or by ISBN (give exactly one).",
    )
    authors = graphene.Field(
        AuthorConnection,
        **AUTHOR_FILTERS.arguments(),
        description="Authors, filtered like REST's /api/authors/.",
        **PageArguments.both,
    )
    author = graphene.Field(AuthorType, id=graphene.ID(required=True, description="Global ID or database id."))
    me = graphene.Field(UserType, description="The signed-in user; null when signed out.")
    cart = graphene.Field(CartType, description="The signed-in user's open cart.")
    orders = graphene.Field(
        OrderConnection, description="The signed-in user's orders, newest first.", **PageArguments.both
    )
    order = graphene.Field(
        OrderType, id=graphene.ID(required=True, description="Global ID or database id."), description="One own order."
    )

    @staticmethod
    def resolve_node(root: Any, info: Any, id: str) -> Any:
        return resolve_node(info, id)

    @staticmethod
    def resolve_books(root: Any, info: Any, **arguments: Any):
        queryset = _filtered(lambda filters: book_list(filters=filters, with_authors=False), BOOK_FILTERS, arguments)
        return paginate(queryset, **_pages(arguments))

    @staticmethod
    def resolve_book(root: Any, info: Any, id: str | None = None, isbn: str | None = None):
        if (id is None) == (isbn is None):
            raise argument_error(
                None, "Give either id or isbn.", ErrorCode.REQUIRED if id is None else ErrorCode.INVALID
            )
        if id is not None:
            return book_get(book_id=database_id(id, "Book"))
        return book_get_by_isbn(isbn=isbn)

    @staticmethod
    def resolve_authors(root: Any, info: Any, **arguments: Any):
        return paginate(_filtered(author_list, AUTHOR_FILTERS, arguments), **_pages(arguments))

    @staticmethod
    def resolve_author(root: Any, info: Any, id: str):
        return author_get(author_id=database_id(id, "Author"))

    @staticmethod
    def resolve_me(root: Any, info: Any):
        user = info.context.user
        return user if user.is_authenticated else None

    @staticmethod
    def resolve_cart(root: Any, info: Any):
        return cart_get(user=info.context.user)

    @staticmethod
    def resolve_orders(root: Any, info: Any, **arguments: Any):
        return paginate(order_list(user=info.context.user), **_pages(arguments))

    @staticmethod
    def resolve_order(root: Any, info: Any, id: str):
        return order_get(user=info.context.user, order_id=database_id(id, "Order"))
