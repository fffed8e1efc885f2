"""Object types: REST's fields in camelCase, each a Relay node with its database id."""

from typing import Any

import graphene
from django.contrib.auth import get_user_model
from graphene import relay
from graphene.utils.str_converters import to_camel_case
from graphene_django import DjangoObjectType
from graphql_relay import from_global_id

from catalog.deprecations import field_deprecation
from catalog.errors import NotFound
from catalog.models import Author, Book, Cart, CartItem, Order, OrderLine
from catalog.policies import require_authenticated
from catalog.selectors import author_get, book_get, cart_get, order_get, order_line_get, order_list

from .dataloaders import (
    AuthorsByBook,
    BookById,
    BookCountByAuthor,
    BooksByAuthor,
    children,
    loader,
    mark_batch,
    related,
)
from .execution import ignores_resolve_info
from .ids import database_id
from .pagination import page_from_window, paginate, row_window
from .scalars import Date, DateTime, Money

User = get_user_model()


class PageArguments:
    """Relay arguments shared by every connection."""

    forward = {
        "first": graphene.Int(
            description="Page size from the start or after `after`: 20 by default, at most 100 (more gives 100); "
            "below 1: `invalid`."
        ),
        "after": graphene.String(description="The cursor of the edge to start after."),
    }
    backward = {
        "last": graphene.Int(
            description="Page size from the end or before `before`: 20 by default, at most 100 (more gives 100); "
            "below 1: `invalid`."
        ),
        "before": graphene.String(description="The cursor of the edge to end before."),
    }
    both = {**forward, **backward}


TOTAL_COUNT_DESCRIPTION = (
    "Objects in the whole list (counted when asked), exact when `totalCountIsExact` is true. A list is "
    "counted exactly up to the server's `COUNT_EXACT_UP_TO` rows (100 unless its operator changes it); "
    "a longer filtered list reports that number, as a lower bound: it has more. An unfiltered list is "
    "exact up to 100,000 rows, and above that this is the database's estimate (typically within a few "
    "percent). The same rule as REST's `count`."
)
TOTAL_COUNT_IS_EXACT_DESCRIPTION = (
    "Whether `totalCount` is exact (REST's `count_exact`). Counted in the same query as `totalCount`."
)


def connection_type(node_type: Any, name: str) -> type[graphene.ObjectType]:
    edge = type(
        f"{name}Edge",
        (graphene.ObjectType,),
        {
            "node": graphene.Field(graphene.NonNull(node_type)),
            "cursor": graphene.String(required=True, description="Pass it as `after` or `before`."),
        },
    )
    return type(
        f"{name}Connection",
        (graphene.ObjectType,),
        {
            "Meta": type("Meta", (), {"description": f"A page of {name} objects."}),
            "edges": graphene.List(graphene.NonNull(edge), required=True),
            "page_info": graphene.Field(graphene.NonNull(relay.PageInfo)),
            "total_count": graphene.Int(required=True, description=TOTAL_COUNT_DESCRIPTION),
            "total_count_is_exact": graphene.Boolean(required=True, description=TOTAL_COUNT_IS_EXACT_DESCRIPTION),
            "resolve_total_count": staticmethod(lambda root, info: root.count().value),
            "resolve_total_count_is_exact": staticmethod(lambda root, info: root.count().exact),
        },
    )


def renamed_field(scalar: Any, type_name: str, old_name: str, **kwargs: Any) -> graphene.Field:
    """A field's old name, resolved from its new one and marked ``@deprecated`` until its sunset."""
    deprecation = field_deprecation(type_name, old_name)
    return scalar(
        source=deprecation.replacement,
        description=f"The old name of `{to_camel_case(deprecation.replacement)}`.",
        deprecation_reason=deprecation.reason(to_camel_case),
        **kwargs,
    )


class NodeType(DjangoObjectType):
    """Common to all our nodes: ``databaseId``, and ``node(id:)`` going through the selectors."""

    # Read from `pk` by the default resolver (no resolver function: see execution.py).
    pk = graphene.Int(required=True, name="databaseId", description="The id the REST API uses.")

    class Meta:
        abstract = True

    @classmethod
    @ignores_resolve_info
    def is_type_of(cls, root: Any, info: Any) -> bool:
        # Instance check only, so execution.py builds no resolve info for it.
        return isinstance(root, cls._meta.model)

    @classmethod
    def get_node(cls, info: Any, id: str) -> Any:
        raise NotImplementedError


class BookType(NodeType):
    price = Money(required=True)
    published_date = Date()
    authors = graphene.List(graphene.NonNull(lambda: AuthorType), required=True, description="In cover order.")
    created_at = DateTime(required=True)
    updated_at = DateTime(required=True)

    class Meta:
        model = Book
        name = "Book"
        interfaces = (relay.Node,)
        use_connection = False
        fields = (
            "id",
            "pk",
            "title",
            "subtitle",
            "isbn",
            "price",
            "stock",
            "published_date",
            "description",
            "authors",
            "created_at",
            "updated_at",
        )

    @staticmethod
    def resolve_authors(root: Book, info: Any) -> list[Author]:
        if "authors" in getattr(root, "_prefetched_objects_cache", {}):  # a book from book_get()
            return children(root, "authors", lambda book: book.cover_authors)
        return loader(info, AuthorsByBook).load(root)

    @classmethod
    def get_node(cls, info: Any, id: str) -> Book:
        return book_get(book_id=id)


class AuthorType(NodeType):
    book_count = graphene.Int(required=True, description="How many books the catalog has by this author.")
    books = graphene.Field(
        graphene.NonNull(lambda: BookConnection), description="The author's books by title.", **PageArguments.forward
    )

    class Meta:
        model = Author
        name = "Author"
        interfaces = (relay.Node,)
        use_connection = False
        fields = ("id", "pk", "name", "bio", "book_count", "books")

    @staticmethod
    def resolve_book_count(root: Author, info: Any) -> int:
        count = getattr(root, "book_count", None)
        return count if count is not None else loader(info, BookCountByAuthor).load(root)

    @staticmethod
    def resolve_books(root: Author, info: Any, first: int | None = None, after: str | None = None):
        def count() -> int:
            return AuthorType.resolve_book_count(root, info)

        start, stop = row_window(first=first, after=after)
        rows = loader(info, BooksByAuthor, start, stop).load(root)
        return page_from_window(rows, start, stop, count)

    @classmethod
    def get_node(cls, info: Any, id: str) -> Author:
        return author_get(author_id=id)


class CartItemType(NodeType):
    book = graphene.Field(graphene.NonNull(BookType))
    unit_price = Money(required=True)
    line_total = Money(required=True)

    class Meta:
        model = CartItem
        name = "CartItem"
        interfaces = (relay.Node,)
        use_connection = False
        fields = ("id", "pk", "book", "quantity", "unit_price", "line_total")

    @staticmethod
    def resolve_book(root: CartItem, info: Any) -> Book:
        return related(root, "book", lambda item: item.book)

    @classmethod
    def get_node(cls, info: Any, id: str) -> CartItem:
        item = next((i for i in cart_get(user=info.context.user).items.all() if str(i.pk) == id), None)
        if item is None:
            raise NotFound("Cart item not found.")
        return item


class CartType(NodeType):
    items = graphene.List(graphene.NonNull(CartItemType), required=True, description="Lines in the order added.")
    copy_count = graphene.Int(required=True, description="Copies in the cart, all lines together.")
    item_count = renamed_field(graphene.Int, "Cart", "item_count", required=True)
    total = Money(required=True)

    class Meta:
        model = Cart
        name = "Cart"
        interfaces = (relay.Node,)
        use_connection = False
        fields = ("id", "pk", "items", "copy_count", "item_count", "total")

    @staticmethod
    def resolve_items(root: Cart, info: Any) -> list[CartItem]:
        return children(root, "items", lambda cart: cart.items.all())

    @classmethod
    def get_node(cls, info: Any, id: str) -> Cart:
        cart = cart_get(user=info.context.user)
        if str(cart.pk) != id:
            raise NotFound("Cart not found.")
        return cart


class OrderLineType(NodeType):
    book_id = graphene.Int(description="The database id of the book sold; null once the book is deleted.")
    book = graphene.Field(BookType, description="The book sold as it is now; null once it is deleted.")
    unit_price = Money(required=True, description="The price paid for one copy.")
    line_total = Money(required=True)

    class Meta:
        model = OrderLine
        name = "OrderLine"
        interfaces = (relay.Node,)
        use_connection = False
        fields = ("id", "pk", "book_id", "book", "title", "isbn", "quantity", "unit_price", "line_total")

    @staticmethod
    def resolve_book(root: OrderLine, info: Any) -> Book | None:
        return loader(info, BookById).load(root)

    @classmethod
    def get_node(cls, info: Any, id: str) -> OrderLine:
        return order_line_get(user=info.context.user, line_id=id)


class OrderType(NodeType):
    lines = graphene.List(graphene.NonNull(OrderLineType), required=True)
    total = Money(required=True)
    copy_count = graphene.Int(required=True, description="Copies in the order, all lines together.")
    item_count = renamed_field(graphene.Int, "Order", "item_count", required=True)
    created_at = DateTime(required=True)

    class Meta:
        model = Order
        name = "Order"
        interfaces = (relay.Node,)
        use_connection = False
        fields = ("id", "pk", "lines", "total", "copy_count", "item_count", "created_at")

    @staticmethod
    def resolve_lines(root: Order, info: Any) -> list[OrderLine]:
        return children(root, "lines", lambda order: order.lines.all())

    @classmethod
    def get_node(cls, info: Any, id: str) -> Order:
        return order_get(user=info.context.user, order_id=id)


class UserType(NodeType):
    """A signed-in user, as seen by that user only."""

    username = graphene.String(required=True)
    cart = graphene.Field(
        lambda: CartType, description="The open cart; empty, and not stored yet, until a book is added."
    )
    orders = graphene.Field(lambda: OrderConnection, description="Orders, newest first.", **PageArguments.both)

    class Meta:
        model = User
        name = "User"
        interfaces = (relay.Node,)
        use_connection = False
        fields = ("id", "pk", "username", "cart", "orders")

    @staticmethod
    def resolve_cart(root: Any, info: Any) -> Cart:
        return cart_get(user=_self(root, info))

    @staticmethod
    def resolve_orders(root: Any, info: Any, **arguments: Any):
        return paginate(order_list(user=_self(root, info)), **arguments)

    @classmethod
    def get_node(cls, info: Any, id: str) -> Any:
        user = info.context.user
        require_authenticated(user)
        if str(user.pk) != id:
            raise NotFound("User not found.")
        return user


def _self(root: Any, info: Any) -> Any:
    user = info.context.user
    require_authenticated(user)
    if root.pk != user.pk:
        raise NotFound("User not found.")
    return user


BookConnection = connection_type(BookType, "Book")
AuthorConnection = connection_type(AuthorType, "Author")
OrderConnection = connection_type(OrderType, "Order")

NODE_TYPES: dict[str, type[NodeType]] = {
    node_type._meta.name: node_type
    for node_type in (BookType, AuthorType, CartType, CartItemType, OrderType, OrderLineType, UserType)
}


def resolve_node(info: Any, global_or_database_id: str) -> Any:
    """``node(id:)``: the object behind a global ID, with the same visibility as its own query."""
    type_name, _ = from_global_id(str(global_or_database_id))
    node_type = NODE_TYPES.get(type_name)
    pk = database_id(global_or_database_id, type_name) if node_type else None
    if node_type is None or pk is None or pk == global_or_database_id:
        raise NotFound("Not found.", field="id")
    obj = node_type.get_node(info, str(pk))
    mark_batch([obj])
    return obj
