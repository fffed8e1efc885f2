"""Writes: one mutation per catalog service; BaseMutation turns domain errors into ``errors``."""

import datetime
from typing import Any, ClassVar

import graphene
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date
from graphene.utils.props import props

from catalog.errors import ErrorCode, error
from catalog.policies import require_authenticated, require_catalog_editor
from catalog.selectors import cart_get
from catalog.services import (
    author_create,
    author_delete,
    author_update,
    book_create,
    book_delete,
    book_update,
    cart_clear,
    cart_item_add,
    cart_item_remove,
    cart_item_update,
    checkout,
    token_create,
)
from catalog.text import check_texts

from .errors import DOMAIN_ERRORS, Error, error_items
from .ids import database_id, global_id
from .scalars import Date
from .types import AuthorType, BookType, CartItemType, CartType, OrderType


class BaseMutation(graphene.Mutation):
    """Runs ``perform_mutation`` in its own savepoint.

    A domain error (validation, not found, permission) rolls back everything the mutation
    did and comes back in ``errors`` with the same codes as REST; other exceptions propagate.
    """

    errors = graphene.List(graphene.NonNull(Error), required=True, description="Empty when the mutation succeeded.")

    # Domain field name -> GraphQL argument, where camelCase alone does not give it.
    field_names: ClassVar[dict[str, str]] = {}

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, name: str | None = None, **options: Any) -> None:
        if "arguments" not in options:
            # Declaration order (graphene would sort them by name), with `id` first.
            declared = props(cls.Arguments) if hasattr(cls, "Arguments") else {}
            options["arguments"] = dict(
                sorted(declared.items(), key=lambda item: (item[0] != "id", item[1].creation_counter))
            )
        super().__init_subclass_with_meta__(name=name or f"{cls.__name__}Payload", **options)

    @classmethod
    def mutate(cls, root: Any, info: Any, **arguments: Any) -> Any:
        try:
            # Before anything reads them: the same code as REST for NULs and lone surrogates.
            check_texts(arguments.items())
            with transaction.atomic():
                payload = cls.perform_mutation(root, info, **arguments)
        except DOMAIN_ERRORS as exc:
            return cls(errors=error_items(exc, renames=cls.field_names))
        if payload.errors is None:
            payload.errors = []
        return payload

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **arguments: Any) -> Any:
        raise NotImplementedError


def _date(value: Any, field: str) -> datetime.date | None:
    """Shape check: an ISO date (YYYY-MM-DD) or null."""
    if value is None:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise error(field, "Enter a date as YYYY-MM-DD.", ErrorCode.INVALID)
    return parsed


def _require(arguments: dict[str, Any], *names: str) -> None:
    """Shape check: arguments REST requires too.

    They are nullable in the schema so that a missing or null one answers `required` in the
    payload, as REST does for a missing field or a JSON null, rather than a request error.
    """
    missing = [name for name in names if arguments.get(name) is None]
    if missing:
        raise ValidationError(
            {name: [ValidationError("This field is required.", code=ErrorCode.REQUIRED)] for name in missing}
        )


def _book_fields(arguments: dict[str, Any]) -> dict[str, Any]:
    fields = dict(arguments)
    if fields.get("author_ids") is not None:  # null is the domain's to refuse (`required`)
        fields["author_ids"] = [database_id(value, "Author") for value in fields["author_ids"]]
    if "published_date" in fields:
        fields["published_date"] = _date(fields["published_date"], "published_date")
    return fields


class BookArguments:
    title = graphene.String()
    subtitle = graphene.String()
    isbn = graphene.String(description="ISBN-13 or ISBN-10 (stored as ISBN-13).")
    price = graphene.String(description='A decimal string such as "12.50".')
    stock = graphene.Int()
    published_date = Date()
    description = graphene.String()
    author_ids = graphene.List(graphene.NonNull(graphene.ID), description="Authors in cover order.")


class BookCreate(BaseMutation):
    """Add a book (staff only)."""

    book = graphene.Field(BookType)

    class Arguments(BookArguments):
        pass

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **arguments: Any) -> "BookCreate":
        require_catalog_editor(info.context.user)
        _require(arguments, "title", "isbn", "price")
        return cls(book=book_create(actor=info.context.user, **_book_fields(arguments)))


class BookUpdate(BaseMutation):
    """Change the given fields of a book (staff only); the others stay as they are."""

    book = graphene.Field(BookType)
    field_names: ClassVar[dict[str, str]] = {"book_id": "id"}

    class Arguments(BookArguments):
        id = graphene.ID(required=True, description="Global ID or database id.")

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, id: str, **arguments: Any) -> "BookUpdate":
        require_catalog_editor(info.context.user)
        book = book_update(actor=info.context.user, book_id=database_id(id, "Book"), **_book_fields(arguments))
        return cls(book=book)


class BookDelete(BaseMutation):
    """Remove a book (staff only); past orders keep their copied lines."""

    deleted_id = graphene.ID(description="The global ID of the book removed.")
    field_names: ClassVar[dict[str, str]] = {"book_id": "id"}

    class Arguments:
        id = graphene.ID(required=True, description="Global ID or database id.")

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, id: str) -> "BookDelete":
        pk = database_id(id, "Book")
        book_delete(actor=info.context.user, book_id=pk)
        return cls(deleted_id=global_id("Book", pk))


class AuthorCreate(BaseMutation):
    """Add an author (staff only)."""

    author = graphene.Field(AuthorType)

    class Arguments:
        name = graphene.String(description="Required.")
        bio = graphene.String()

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **arguments: Any) -> "AuthorCreate":
        require_catalog_editor(info.context.user)
        _require(arguments, "name")
        return cls(author=author_create(actor=info.context.user, **arguments))


class AuthorUpdate(BaseMutation):
    """Change an author's name or bio (staff only)."""

    author = graphene.Field(AuthorType)
    field_names: ClassVar[dict[str, str]] = {"author_id": "id"}

    class Arguments:
        id = graphene.ID(required=True, description="Global ID or database id.")
        name = graphene.String()
        bio = graphene.String()

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, id: str, **arguments: Any) -> "AuthorUpdate":
        author = author_update(actor=info.context.user, author_id=database_id(id, "Author"), **arguments)
        return cls(author=author)


class AuthorDelete(BaseMutation):
    """Remove an author (staff only); their books stay."""

    deleted_id = graphene.ID(description="The global ID of the author removed.")
    field_names: ClassVar[dict[str, str]] = {"author_id": "id"}

    class Arguments:
        id = graphene.ID(required=True, description="Global ID or database id.")

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, id: str) -> "AuthorDelete":
        pk = database_id(id, "Author")
        author_delete(actor=info.context.user, author_id=pk)
        return cls(deleted_id=global_id("Author", pk))


class CartPayloadMixin:
    """``cart`` as it is after the mutation, read only when selected."""

    @staticmethod
    def resolve_cart(root: Any, info: Any) -> Any:
        return cart_get(user=info.context.user) if not root.errors else None


class CartItemAdd(CartPayloadMixin, BaseMutation):
    """Put copies of a book in the cart, merging with the book's line if there is one."""

    cart_item = graphene.Field(CartItemType)
    cart = graphene.Field(CartType)
    created = graphene.Boolean(description="True when a new line was made, false when merged.")

    class Arguments:
        book_id = graphene.ID(description="Required. Global ID or database id.")
        quantity = graphene.Int(default_value=1, description="1 to 99; null: `required`.")

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **arguments: Any) -> "CartItemAdd":
        require_authenticated(info.context.user)
        _require(arguments, "book_id")
        item, created = cart_item_add(
            user=info.context.user, book_id=database_id(arguments["book_id"], "Book"), quantity=arguments["quantity"]
        )
        return cls(cart_item=item, created=created)


class CartItemUpdate(CartPayloadMixin, BaseMutation):
    """Set the quantity of a cart line."""

    cart_item = graphene.Field(CartItemType)
    cart = graphene.Field(CartType)
    field_names: ClassVar[dict[str, str]] = {"item_id": "id"}

    class Arguments:
        id = graphene.ID(required=True, description="The cart line (global ID or database id).")
        quantity = graphene.Int(description="Required: 1 to 99.")

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, id: str, quantity: int | None = None) -> "CartItemUpdate":
        item = cart_item_update(user=info.context.user, item_id=database_id(id, "CartItem"), quantity=quantity)
        return cls(cart_item=item)


class CartItemRemove(CartPayloadMixin, BaseMutation):
    """Take a line out of the cart."""

    cart = graphene.Field(CartType)
    field_names: ClassVar[dict[str, str]] = {"item_id": "id"}

    class Arguments:
        id = graphene.ID(required=True, description="The cart line (global ID or database id).")

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, id: str) -> "CartItemRemove":
        cart_item_remove(user=info.context.user, item_id=database_id(id, "CartItem"))
        return cls()


class CartClear(CartPayloadMixin, BaseMutation):
    """Empty the cart."""

    cart = graphene.Field(CartType)

    @classmethod
    def perform_mutation(cls, root: Any, info: Any) -> "CartClear":
        cart_clear(user=info.context.user)
        return cls()


class Checkout(BaseMutation):
    """Turn the cart into an order, all or nothing."""

    order = graphene.Field(OrderType)

    @classmethod
    def perform_mutation(cls, root: Any, info: Any) -> "Checkout":
        return cls(order=checkout(user=info.context.user))


class TokenCreate(BaseMutation):
    """The API token for a username and password; send it as `Authorization: Token <token>`."""

    token = graphene.String()

    class Arguments:
        username = graphene.String(description="Required.")
        password = graphene.String(description="Required.")

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **arguments: Any) -> "TokenCreate":
        _require(arguments, "username", "password")
        return cls(token=token_create(username=arguments["username"], password=arguments["password"]))


class Mutation(graphene.ObjectType):
    book_create = BookCreate.Field()
    book_update = BookUpdate.Field()
    book_delete = BookDelete.Field()
    author_create = AuthorCreate.Field()
    author_update = AuthorUpdate.Field()
    author_delete = AuthorDelete.Field()
    cart_item_add = CartItemAdd.Field()
    cart_item_update = CartItemUpdate.Field()
    cart_item_remove = CartItemRemove.Field()
    cart_clear = CartClear.Field()
    checkout = Checkout.Field()
    token_create = TokenCreate.Field()
