"""Writes: every change the website, the REST API and the GraphQL API can make."""

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib.auth import authenticate
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from rest_framework.authtoken.models import Token

from .errors import ErrorCode, NotFound, error, normalise_code
from .isbn import normalise_isbn
from .models import (
    MAX_PRICE,
    MAX_QUANTITY_PER_LINE,
    MAX_STOCK,
    Author,
    Book,
    BookAuthor,
    Cart,
    CartItem,
    Order,
    OrderLine,
)
from .policies import require_authenticated, require_catalog_editor
from .selectors import author_get, book_get, cart_items_queryset, object_id
from .text import check_text, check_texts, parse_decimal, strip_blanks
from .versioning import bump_catalog_version

_UNSET: Any = object()


def _full_clean(instance, *, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError(
            {
                field: [ValidationError(e.message, code=normalise_code(e.code), params=e.params) for e in errors]
                for field, errors in exc.error_dict.items()
            }
        ) from None


def _required(field: str) -> ValidationError:
    return error(field, "This field is required.", ErrorCode.REQUIRED)


def _text(value: Any, *, field: str, model_field: Any, required: bool = False) -> str:
    """Text for a model field: a string without invalid characters, within the column's length
    (counted as given), then stripped of blanks; empty is ``required`` when ``required``.

    ``None`` is refused with ``required``: these columns are never NULL (an empty text is "").
    """
    if value is None:
        raise _required(field)
    if not isinstance(value, str):
        raise error(field, "Enter text.", ErrorCode.INVALID)
    check_text(value, field=field)
    if model_field.max_length is not None and len(value) > model_field.max_length:
        raise error(
            field, f"Ensure this field has no more than {model_field.max_length} characters.", ErrorCode.MAX_LENGTH
        )
    value = strip_blanks(value)
    if required and not value:
        raise _required(field)
    return value


def _price(value: Any, *, field: str = "price") -> Decimal:
    """A price from a Decimal, an int or a plain decimal string ("12.50"; not "1_000", not "1e3")."""
    message = f"Enter a price between 0.00 and {MAX_PRICE} with at most two decimal places."
    if value is None:
        raise _required(field)
    if isinstance(value, Decimal):
        price = value
    elif isinstance(value, int) and not isinstance(value, bool):
        price = Decimal(value)
    elif isinstance(value, str):
        check_text(value, field=field)
        price = parse_decimal(value)
        if price is None:
            raise error(field, message, ErrorCode.INVALID_PRICE)
    else:
        raise error(field, message, ErrorCode.INVALID_PRICE)
    # is_signed: -0 too (the OpenAPI pattern has no sign).
    if not price.is_finite() or price.is_signed() or price > MAX_PRICE or price != price.quantize(Decimal("0.01")):
        raise error(field, message, ErrorCode.INVALID_PRICE)
    return price.quantize(Decimal("0.01"))


def _stock(value: Any) -> int:
    if value is None:
        raise _required("stock")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_STOCK:
        raise error("stock", f"Stock must be a whole number between 0 and {MAX_STOCK}.", ErrorCode.INVALID_STOCK)
    return value


def _quantity(value: Any) -> int:
    if value is None:
        raise _required("quantity")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUANTITY_PER_LINE:
        raise error(
            "quantity",
            f"Quantity must be between 1 and {MAX_QUANTITY_PER_LINE}.",
            ErrorCode.INVALID_QUANTITY,
        )
    return value


def _authors(author_ids: Iterable[Any] | None) -> list[Author]:
    if author_ids is None:
        raise _required("author_ids")
    if not isinstance(author_ids, list | tuple):
        raise error("author_ids", "Give a list of author ids.", ErrorCode.INVALID)
    ids: list[int] = []
    for raw in author_ids:
        pk = object_id(raw)
        if pk is None:
            raise error("author_ids", f"'{raw}' is not a valid author id.", ErrorCode.INVALID)
        if pk not in ids:
            ids.append(pk)
    found = Author.objects.in_bulk(ids)
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise error("author_ids", f"Unknown author id(s): {', '.join(map(str, missing))}.", ErrorCode.NOT_FOUND)
    return [found[pk] for pk in ids]


def _isbn(value: Any) -> str:
    if value is None:
        raise _required("isbn")
    check_text(value, field="isbn")
    return normalise_isbn(value)


def _set_authors(book: Book, authors: list[Author]) -> None:
    BookAuthor.objects.filter(book=book).delete()
    BookAuthor.objects.bulk_create(
        [BookAuthor(book=book, author=author, position=i) for i, author in enumerate(authors)]
    )
    bump_catalog_version()


def _save_book(book: Book, authors: list[Author] | None) -> Book:
    if Book.objects.filter(isbn=book.isbn).exclude(pk=book.pk).exists():
        raise error("isbn", "A book with this ISBN already exists.", ErrorCode.DUPLICATE_ISBN)
    try:
        with transaction.atomic():
            book.save()
    except IntegrityError:
        # Another writer took the ISBN between the check and the insert.
        raise error("isbn", "A book with this ISBN already exists.", ErrorCode.DUPLICATE_ISBN) from None
    if authors is not None:
        _set_authors(book, authors)
    return book_get(book_id=book.pk)


def _book_text(name: str) -> Callable[[Any], str]:
    model_field = Book._meta.get_field(name)
    return lambda value: _text(value, field=name, model_field=model_field, required=not model_field.blank)


def _published_date(value: Any) -> datetime.date | None:
    if value is not None and not isinstance(value, datetime.date):
        raise error("published_date", "Enter a date as YYYY-MM-DD.", ErrorCode.INVALID)
    return value


class BookField(NamedTuple):
    convert: Callable[[Any], Any]  # the given value -> the book's, or a ValidationError with the field's code
    required: bool = False  # a new book must have it


# Book's editable fields: the one list that book_create and book_update take, check and set.
BOOK_FIELDS: dict[str, BookField] = {
    "title": BookField(_book_text("title"), required=True),
    "subtitle": BookField(_book_text("subtitle")),
    "isbn": BookField(_isbn, required=True),
    "price": BookField(_price, required=True),
    "stock": BookField(_stock),
    "published_date": BookField(_published_date),
    "description": BookField(_book_text("description")),
    # The relation: set once the book is saved.
    "author_ids": BookField(_authors),
}


def _apply_book_fields(book: Book, fields: dict[str, Any], *, operation: str) -> list[Author] | None:
    """Check and set every given field; collects all field errors before raising.

    A name that is not in BOOK_FIELDS is a programming error: TypeError, before anything is set.
    """
    unknown = [name for name in fields if name not in BOOK_FIELDS]
    if unknown:
        raise TypeError(f"{operation}() got unknown book field(s): {', '.join(map(repr, unknown))}")
    errors: dict[str, list[ValidationError]] = {}
    authors = None
    for name, value in fields.items():
        try:
            converted = BOOK_FIELDS[name].convert(value)
        except ValidationError as exc:
            for field, field_errors in exc.error_dict.items():
                errors.setdefault(field, []).extend(field_errors)
            continue
        if name == "author_ids":
            authors = converted
        else:
            setattr(book, name, converted)
    try:
        _full_clean(book, exclude=errors.keys())
    except ValidationError as exc:
        for field, field_errors in exc.error_dict.items():
            errors.setdefault(field, []).extend(field_errors)
    if errors:
        raise ValidationError(errors)
    return authors


@transaction.atomic
def book_create(*, actor: AbstractBaseUser, **fields: Any) -> Book:
    """Add a book to the catalog (staff only), from fields of BOOK_FIELDS; the required ones
    missing (or None) are ``required``, the others take the model's defaults. ISBN-10 input is
    stored as ISBN-13."""
    require_catalog_editor(actor)
    book = Book()
    required = {name: None for name, field in BOOK_FIELDS.items() if field.required}
    authors = _apply_book_fields(book, {**required, **fields}, operation="book_create")
    return _save_book(book, authors)


@transaction.atomic
def book_update(*, actor: AbstractBaseUser, book_id: Any, **fields: Any) -> Book:
    """Change the given fields of BOOK_FIELDS of a book (staff only); fields not given stay as they are."""
    require_catalog_editor(actor)
    book = _locked_book(book_id)
    return _save_book(book, _apply_book_fields(book, fields, operation="book_update"))


@transaction.atomic
def book_delete(*, actor: AbstractBaseUser, book_id: Any) -> None:
    """Remove a book; cart lines holding it go too, past orders keep their copied lines."""
    require_catalog_editor(actor)
    # Locked before the cascade is collected: a cart line being added meanwhile is either
    # committed first (and collected) or waits and finds the book gone.
    _locked_book(book_id).delete()
    bump_catalog_version()


def _apply_author_fields(author: Author, *, name: str = _UNSET, bio: str = _UNSET) -> Author:
    errors: dict[str, list[ValidationError]] = {}
    for field, value in (("name", name), ("bio", bio)):
        if value is _UNSET:
            continue
        model_field = Author._meta.get_field(field)
        try:
            setattr(author, field, _text(value, field=field, model_field=model_field, required=not model_field.blank))
        except ValidationError as exc:
            errors.update(exc.error_dict)
    try:
        _full_clean(author, exclude=errors.keys())
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    author.save()
    return author_get(author_id=author.pk)


@transaction.atomic
def author_create(*, actor: AbstractBaseUser, name: str, bio: str = "") -> Author:
    """Add an author (staff only)."""
    require_catalog_editor(actor)
    return _apply_author_fields(Author(), name=name, bio=bio)


@transaction.atomic
def author_update(*, actor: AbstractBaseUser, author_id: Any, name: str = _UNSET, bio: str = _UNSET) -> Author:
    """Change an author's name or bio (staff only)."""
    require_catalog_editor(actor)
    return _apply_author_fields(author_get(author_id=author_id), name=name, bio=bio)


@transaction.atomic
def author_delete(*, actor: AbstractBaseUser, author_id: Any) -> None:
    """Remove an author; their books stay, without them among their authors."""
    require_catalog_editor(actor)
    author_get(author_id=author_id).delete()
    bump_catalog_version()


def _locked_book(book_id: Any, *, field: str | None = None, share: bool = False) -> Book:
    """A book row locked until the transaction ends, or ``not_found``.

    ``share`` takes the weaker lock (FOR NO KEY UPDATE) of a writer that only refers to the
    book: it still waits for, and is waited for by, the removal of the book.
    """
    pk = object_id(book_id)
    book = Book.objects.select_for_update(no_key=share).filter(pk=pk).first() if pk else None
    if book is None:
        raise NotFound("Book not found.", field=field)
    return book


def _locked_cart(user: AbstractBaseUser, *, create: bool = False) -> Cart | None:
    """The user's cart, locked until the transaction ends; made first when ``create`` (adding a
    book is what makes a cart), else None for a user who has none."""
    require_authenticated(user)
    if create:
        Cart.objects.get_or_create(user=user)
    return Cart.objects.select_for_update().filter(user=user).first()


def _check_stock(book: Book, quantity: int) -> None:
    if quantity > book.stock:
        raise error(
            "quantity",
            f"Only {book.stock} copies of '{book.title}' are in stock.",
            ErrorCode.INSUFFICIENT_STOCK,
        )


def _own_item(cart: Cart | None, item_id: Any) -> CartItem:
    pk = object_id(item_id)
    item = cart_items_queryset().filter(cart=cart, pk=pk).first() if pk and cart else None
    if item is None:
        raise NotFound("Cart item not found.")
    return item


@transaction.atomic
def cart_item_add(*, user: AbstractBaseUser, book_id: Any, quantity: int = 1) -> tuple[CartItem, bool]:
    """Put ``quantity`` copies of a book in the user's cart, merging with an existing line.

    Returns the line and whether it is new.
    """
    cart = _locked_cart(user, create=True)
    quantity = _quantity(quantity)
    book = _locked_book(book_id, field="book_id", share=True)
    item = cart.items.filter(book=book).first()
    new_quantity = quantity + (item.quantity if item else 0)
    if new_quantity > MAX_QUANTITY_PER_LINE:
        raise error(
            "quantity",
            f"A cart line holds at most {MAX_QUANTITY_PER_LINE} copies; it has {new_quantity - quantity}.",
            ErrorCode.INVALID_QUANTITY,
        )
    _check_stock(book, new_quantity)
    created = item is None
    if created:
        item = CartItem.objects.create(cart=cart, book=book, quantity=new_quantity)
    else:
        item.quantity = new_quantity
        item.save(update_fields=["quantity"])
    item.book = book
    cart.save(update_fields=["updated_at"])
    return item, created


@transaction.atomic
def cart_item_update(*, user: AbstractBaseUser, item_id: Any, quantity: int) -> CartItem:
    """Set the quantity of one of the user's cart lines."""
    cart = _locked_cart(user)
    item = _own_item(cart, item_id)
    quantity = _quantity(quantity)
    _check_stock(item.book, quantity)
    # A conditional update: the line goes with its book if the book is removed meanwhile.
    if not CartItem.objects.filter(pk=item.pk).update(quantity=quantity):
        raise NotFound("Cart item not found.")
    item.quantity = quantity
    return item


@transaction.atomic
def cart_item_remove(*, user: AbstractBaseUser, item_id: Any) -> None:
    """Take a line out of the user's cart."""
    cart = _locked_cart(user)
    _own_item(cart, item_id).delete()


@transaction.atomic
def cart_clear(*, user: AbstractBaseUser) -> None:
    """Empty the user's cart."""
    cart = _locked_cart(user)
    if cart is not None:
        cart.items.all().delete()


@transaction.atomic
def checkout(*, user: AbstractBaseUser) -> Order:
    """Turn the user's cart into an order, all or nothing.

    Stock is taken with conditional updates (``stock >= quantity``) in book-id order, so
    concurrent checkouts never oversell nor deadlock; one short line fails the whole
    checkout with ``insufficient_stock`` and the transaction leaves everything unchanged.
    """
    cart = _locked_cart(user)
    items = list(cart_items_queryset().filter(cart=cart).order_by("book_id")) if cart else []
    if not items:
        raise error(None, "Your cart is empty.", ErrorCode.EMPTY_CART)
    for item in items:
        taken = Book.objects.filter(pk=item.book_id, stock__gte=item.quantity).update(stock=F("stock") - item.quantity)
        if not taken:
            stock = Book.objects.filter(pk=item.book_id).values_list("stock", flat=True).first()
            if stock is None:
                message = f"'{item.book.title}' is no longer in the catalog; take it out of your cart."
            else:
                message = f"Only {stock} copies of '{item.book.title}' are in stock; your cart has {item.quantity}."
            raise ValidationError({NON_FIELD_ERRORS: [ValidationError(message, code=ErrorCode.INSUFFICIENT_STOCK)]})
    # Prices are read after the stock rows are locked by our updates.
    books = Book.objects.in_bulk([item.book_id for item in items])
    lines = [
        OrderLine(
            book=books[item.book_id],
            title=books[item.book_id].title,
            isbn=books[item.book_id].isbn,
            quantity=item.quantity,
            unit_price=books[item.book_id].price,
        )
        for item in sorted(items, key=lambda i: i.pk)
    ]
    order = Order.objects.create(user=user, total=sum((line.line_total for line in lines), Decimal("0.00")))
    for line in lines:
        line.order = order
    OrderLine.objects.bulk_create(lines)
    cart.items.all().delete()
    # Stock changed by UPDATE, which sends no signal: catalog reads show stock.
    bump_catalog_version()
    return Order.objects.prefetch_related("lines").get(pk=order.pk)


def token_create(*, username: str, password: str) -> str:
    """The API token of a user, made on first use, for a correct username and password.

    The username is read without surrounding blanks; the password exactly as given.
    """
    errors = {}
    for field, value, given in (
        ("username", username, strip_blanks(username) if isinstance(username, str) else username),
        ("password", password, password),
    ):
        if given is None or given == "":
            errors[field] = [ValidationError("This field is required.", code=ErrorCode.REQUIRED)]
        elif not isinstance(value, str):
            errors[field] = [ValidationError("Enter text.", code=ErrorCode.INVALID)]
    if errors:
        raise ValidationError(errors)
    check_texts([("username", username), ("password", password)])
    user = authenticate(username=strip_blanks(username), password=password)
    if user is None or not user.is_active:
        raise error(None, "Unable to sign in with the given username and password.", ErrorCode.INVALID_CREDENTIALS)
    token, _ = Token.objects.get_or_create(user=user)
    return token.key
