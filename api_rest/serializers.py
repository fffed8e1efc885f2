"""Input serializers check the shape of a request; output serializers shape the response.

Values (price range, ISBN checksum, quantities, stock) are the domain's to judge: an input
serializer only makes sure each field has the right JSON type before a service sees it.

Output serializers declare their fields for the OpenAPI document and the browsable API,
and build each row in one ``to_representation`` pass (no per-field machinery per row).
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from catalog.errors import ErrorCode
from catalog.filters import MAX_ID
from catalog.isbn import ISBN_PATTERN
from catalog.models import MAX_PRICE, MAX_QUANTITY_PER_LINE, MAX_STOCK, Author, Book, Cart, CartItem, Order, OrderLine
from catalog.text import NON_BLANK_TEXT_PATTERN, NON_EMPTY_TEXT_PATTERN, PRICE_PATTERN, TEXT_PATTERN, parse_int

from .deprecation import DeprecatedIntegerField


def decimal_text(value: Decimal) -> str:
    return f"{value:.2f}"


def date_text(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def datetime_text(value: datetime.datetime, tz: datetime.tzinfo | None = None) -> str:
    # The same text as DRF's DateTimeField: ISO 8601 in the current time zone, "Z" for UTC.
    text = value.astimezone(tz or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class Output(serializers.Serializer):
    """An output serializer: declared fields document the shape, ``to_representation`` builds it."""

    @cached_property
    def tz(self) -> datetime.tzinfo:
        # Looked up once per response, not once per row.
        return timezone.get_current_timezone()


# Input ----------------------------------------------------------------------------------


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "pattern": PRICE_PATTERN, "example": "12.50"},
            {"type": "number", "minimum": 0, "maximum": float(MAX_PRICE), "multipleOf": 0.01},
        ]
    }
)
class DecimalInputField(serializers.Field):
    """A decimal amount as a string (or a JSON number), handed to the domain as text."""

    default_error_messages = {"invalid": 'Enter the amount as a string such as "12.50".'}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            self.fail("invalid")
        return str(data)

    def to_representation(self, value):
        return str(value)


class Documented:
    """An input field that states, for the OpenAPI document only, the rules the domain enforces.

    ``openapi`` is merged into the field's schema (see ``api_rest.schema``); validating stays
    the domain's, so both APIs answer the same codes (``invalid_quantity``, not DRF's own).
    """

    def __init__(self, *args, openapi: dict | None = None, **kwargs) -> None:
        self.openapi = openapi or {}
        super().__init__(*args, **kwargs)


class IntegerInputField(Documented, serializers.IntegerField):
    """A whole number: a JSON integer (not 2.0), or plain digits in a form (DRF's own field also
    reads "1_0" as 10 and " 1" as 1)."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int):
            return data
        number = parse_int(data) if isinstance(data, str) else None
        if number is None:
            self.fail("invalid")
        return number


class TextInputField(Documented, serializers.CharField):
    """Text handed to the domain as given, "" included: the domain strips blanks and says what is
    missing (``required``) or too long (``max_length``, counted as given), in both APIs alike."""

    def __init__(self, *, model_field=None, non_blank: bool = False, **kwargs) -> None:
        openapi = {"pattern": NON_BLANK_TEXT_PATTERN if non_blank else TEXT_PATTERN}
        if non_blank:
            openapi["minLength"] = 1
        if model_field is not None and model_field.max_length:
            openapi["maxLength"] = model_field.max_length
        # Blank is the domain's to judge (run_validation); not allowing it here keeps
        # drf-spectacular from adding an "or empty" branch to the documented pattern.
        kwargs["allow_blank"] = False
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(openapi={**openapi, **kwargs.pop("openapi", {})}, **kwargs)

    def run_validation(self, data=serializers.empty):
        if data == "":
            return ""
        return super().run_validation(data)

    def to_internal_value(self, data):
        # Text only, as GraphQL's String: DRF's CharField would also take 0 or true as "0", "True".
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class AuthorIdsField(serializers.ListField):
    """The ids of a book's authors, in cover order."""

    child = IntegerInputField(openapi={"minimum": 1, "maximum": MAX_ID})

    def get_attribute(self, instance):
        # Pre-fills the browsable API's edit form with the book's current authors.
        if isinstance(instance, Book):
            return [author.pk for author in instance.cover_authors]
        return super().get_attribute(instance)


_QUANTITY = {"minimum": 1, "maximum": MAX_QUANTITY_PER_LINE}


class BookInput(serializers.Serializer):
    title = TextInputField(non_blank=True, model_field=Book._meta.get_field("title"))
    subtitle = TextInputField(required=False, model_field=Book._meta.get_field("subtitle"))
    author_ids = AuthorIdsField(required=False, help_text="Author ids in cover order.")
    isbn = TextInputField(
        openapi={"pattern": ISBN_PATTERN}, help_text="ISBN-13 or ISBN-10, hyphens allowed (stored as ISBN-13)."
    )
    price = DecimalInputField()
    stock = IntegerInputField(required=False, openapi={"minimum": 0, "maximum": MAX_STOCK})
    published_date = serializers.DateField(required=False, allow_null=True)
    description = TextInputField(required=False)


class AuthorInput(serializers.Serializer):
    name = TextInputField(non_blank=True, model_field=Author._meta.get_field("name"))
    bio = TextInputField(required=False)


class CartItemAddInput(serializers.Serializer):
    book_id = IntegerInputField(openapi={"minimum": 1, "maximum": MAX_ID})
    quantity = IntegerInputField(default=1, openapi=_QUANTITY)


class CartItemUpdateInput(serializers.Serializer):
    quantity = IntegerInputField(openapi=_QUANTITY)


class TokenCreateInput(serializers.Serializer):
    username = TextInputField(non_blank=True)
    password = TextInputField(
        openapi={"pattern": NON_EMPTY_TEXT_PATTERN, "minLength": 1}, style={"input_type": "password"}
    )


# Output ---------------------------------------------------------------------------------


@extend_schema_serializer(component_name="AuthorRef")
class AuthorRefOutput(Output):
    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="Book")
class BookOutput(Output):
    id = serializers.IntegerField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    isbn = serializers.CharField(help_text="ISBN-13.")
    price = serializers.DecimalField(max_digits=8, decimal_places=2)
    stock = serializers.IntegerField()
    published_date = serializers.DateField(allow_null=True)
    description = serializers.CharField()
    authors = AuthorRefOutput(many=True, help_text="In cover order.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    # What a list reads per book: it passes rows of these columns (not Book instances) and the
    # page's authors (selectors.book_authors) as context["authors"].
    columns = ("id", "title", "subtitle", "isbn", "price", "stock", "published_date", "description")
    columns += ("created_at", "updated_at")

    def to_representation(self, book: Book) -> dict:
        authors_by_book = self.context.get("authors")
        if authors_by_book is None:
            authors = [{"id": author.pk, "name": author.name} for author in book.cover_authors]
        else:
            authors = [{"id": pk, "name": name} for pk, name in authors_by_book.get(book.id, ())]
        return {
            "id": book.id,
            "title": book.title,
            "subtitle": book.subtitle,
            "isbn": book.isbn,
            "price": decimal_text(book.price),
            "stock": book.stock,
            "published_date": date_text(book.published_date),
            "description": book.description,
            "authors": authors,
            "created_at": datetime_text(book.created_at, self.tz),
            "updated_at": datetime_text(book.updated_at, self.tz),
        }


@extend_schema_serializer(component_name="Author")
class AuthorOutput(Output):
    id = serializers.IntegerField()
    name = serializers.CharField()
    bio = serializers.CharField()
    book_count = serializers.IntegerField()

    def to_representation(self, author: Author) -> dict:
        return {"id": author.pk, "name": author.name, "bio": author.bio, "book_count": author.book_count}


@extend_schema_serializer(component_name="CartBook")
class CartBookOutput(Output):
    id = serializers.IntegerField()
    title = serializers.CharField()
    isbn = serializers.CharField()
    price = serializers.DecimalField(max_digits=8, decimal_places=2)


@extend_schema_serializer(component_name="CartItem")
class CartItemOutput(Output):
    id = serializers.IntegerField()
    book = CartBookOutput()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=8, decimal_places=2)
    line_total = serializers.DecimalField(max_digits=12, decimal_places=2)

    def to_representation(self, item: CartItem) -> dict:
        book = item.book
        return {
            "id": item.pk,
            "book": {"id": book.pk, "title": book.title, "isbn": book.isbn, "price": decimal_text(book.price)},
            "quantity": item.quantity,
            "unit_price": decimal_text(item.unit_price),
            "line_total": decimal_text(item.line_total),
        }


@extend_schema_serializer(component_name="Cart")
class CartOutput(Output):
    id = serializers.IntegerField(
        help_text="Its owner's user id (one cart per user): the same before and after the first book is added."
    )
    items = CartItemOutput(many=True)
    copy_count = serializers.IntegerField(help_text="Copies in the cart, all lines together.")
    item_count = DeprecatedIntegerField(type_name="Cart")
    total = serializers.DecimalField(max_digits=12, decimal_places=2)

    def to_representation(self, cart: Cart) -> dict:
        item_output = CartItemOutput()
        return {
            "id": cart.pk,
            "items": [item_output.to_representation(item) for item in cart.items.all()],
            "copy_count": cart.copy_count,
            "item_count": cart.copy_count,
            "total": decimal_text(cart.total),
        }


@extend_schema_serializer(component_name="OrderLine")
class OrderLineOutput(Output):
    id = serializers.IntegerField()
    book_id = serializers.IntegerField(allow_null=True, help_text="Null once the book has left the catalog.")
    title = serializers.CharField(help_text="As it was at checkout.")
    isbn = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=8, decimal_places=2, help_text="The price paid.")
    line_total = serializers.DecimalField(max_digits=12, decimal_places=2)

    def to_representation(self, line: OrderLine) -> dict:
        return {
            "id": line.pk,
            "book_id": line.book_id,
            "title": line.title,
            "isbn": line.isbn,
            "quantity": line.quantity,
            "unit_price": decimal_text(line.unit_price),
            "line_total": decimal_text(line.line_total),
        }


@extend_schema_serializer(component_name="Order")
class OrderOutput(Output):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    copy_count = serializers.IntegerField(help_text="Copies in the order, all lines together.")
    item_count = DeprecatedIntegerField(type_name="Order")
    lines = OrderLineOutput(many=True)

    def to_representation(self, order: Order) -> dict:
        line_output = OrderLineOutput()
        return {
            "id": order.pk,
            "created_at": datetime_text(order.created_at, self.tz),
            "total": decimal_text(order.total),
            "copy_count": order.copy_count,
            "item_count": order.copy_count,
            "lines": [line_output.to_representation(line) for line in order.lines.all()],
        }


@extend_schema_serializer(component_name="Token")
class TokenOutput(Output):
    token = serializers.CharField(help_text='Send it as "Authorization: Token <token>".')


@extend_schema_serializer(component_name="ApiRoot")
class ApiRootOutput(Output):
    books = serializers.URLField()
    authors = serializers.URLField()
    cart = serializers.URLField()
    orders = serializers.URLField()
    token = serializers.URLField()
    schema = serializers.URLField()
    docs = serializers.URLField()
    redoc = serializers.URLField()


# Errors ---------------------------------------------------------------------------------


# The error catalogue, as the OpenAPI enum `ErrorCode` (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
ERROR_CODES = [(code.value, code.description) for code in ErrorCode]


@extend_schema_serializer(component_name="ErrorItem")
class ErrorItemOutput(Output):
    """One error: the field at fault, a code of the catalogue and a sentence for people."""

    field = serializers.CharField(allow_null=True, help_text="The input field at fault; null for the whole request.")
    code = serializers.ChoiceField(ERROR_CODES)
    message = serializers.CharField(help_text="For people; may change, unlike the code.")


@extend_schema_serializer(component_name="ErrorResponse")
class ErrorOutput(Output):
    """The body of every error answer but the 503."""

    errors = ErrorItemOutput(many=True)


@extend_schema_serializer(component_name="ErrorExtensions")
class ErrorExtensionsOutput(Output):
    """Where GraphQL clients read the code."""

    code = serializers.ChoiceField(ERROR_CODES)


@extend_schema_serializer(component_name="UnavailableErrorItem")
class UnavailableItemOutput(ErrorItemOutput):
    """A database outage: one body under /api/ and /graphql/ alike, with GraphQL's `extensions.code` too."""

    extensions = ErrorExtensionsOutput()


@extend_schema_serializer(component_name="UnavailableResponse")
class UnavailableOutput(Output):
    """The body of a 503, the same for REST, GraphQL and the website's JSON clients."""

    errors = UnavailableItemOutput(many=True)
