"""Reads: every list and lookup the website and both APIs offer."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet, prefetch_related_objects

from .errors import ErrorCode, NotFound, error, normalise_code
from .filters import AuthorFilter, BookFilter
from .isbn import normalise_isbn
from .models import COVER_ORDER, Author, Book, BookAuthor, Cart, CartItem, Order, OrderLine, authors_in_cover_order
from .optimization import query_optimization_enabled
from .policies import require_authenticated
from .text import parse_int

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


def page_size(requested: int | None, *, field: str, default: int = DEFAULT_PAGE_SIZE) -> int:
    """A page size in 1..MAX_PAGE_SIZE: none gives the default, too large gives the maximum.

    Less than one row is refused with ``invalid`` on ``field`` (a page holds at least one row).
    """
    if requested is None:
        return default
    if isinstance(requested, bool) or not isinstance(requested, int) or requested < 1:
        raise error(field, f"Ask for 1 to {MAX_PAGE_SIZE} rows (more gives {MAX_PAGE_SIZE}).", ErrorCode.INVALID)
    return min(requested, MAX_PAGE_SIZE)


def object_id(value: Any) -> int | None:
    """A positive database id from API input (an int, or plain digits), or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    number = value if isinstance(value, int) else parse_int(value) if isinstance(value, str) else None
    return number if number is not None and 0 < number < 2**63 else None


def _apply_filters(filterset_class, data: Mapping[str, Any] | None, queryset: QuerySet) -> QuerySet:
    if not data or not any(name in data for name in filterset_class.base_filters):
        return queryset  # nothing to filter: skip building the FilterSet's form (most list requests)
    filterset = filterset_class(data=data, queryset=queryset)
    if not filterset.is_valid():
        raise _filter_errors(filterset)
    return filterset.qs


def _filter_errors(filterset) -> ValidationError:
    errors: dict[str, list[ValidationError]] = {}
    for field, field_errors in filterset.form.errors.as_data().items():
        for leaf in field_errors:
            code = normalise_code(leaf.code)
            message = leaf.message % leaf.params if leaf.params else str(leaf.message)
            if field == "ordering" and code != ErrorCode.INVALID_CHARACTERS:
                if code != ErrorCode.INVALID_ORDERING:
                    message = "Unknown ordering. Use the documented fields, each once, with '-' for descending."
                code = ErrorCode.INVALID_ORDERING
            errors.setdefault(field, []).append(ValidationError(message, code=code))
    return ValidationError(errors)


def book_list(*, filters: Mapping[str, Any] | None = None, with_authors: bool = True) -> QuerySet[Book]:
    """Books matching the shared BookFilter (search, author, price, stock, dates, ordering)."""
    queryset = Book.objects.all()
    if with_authors:
        queryset = queryset.with_authors()
    return _apply_filters(BookFilter, filters, queryset)


def book_authors(*, book_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """Each book's authors as ``(id, name)`` in cover order: a whole page's in one query.

    Lighter than ``with_authors()`` for long lists (no Author objects, no per-book managers).
    With query optimisation off, one query per book: the N+1 that a workshop shows.
    """
    ids = list(book_ids)
    links = BookAuthor.objects.order_by("book_id", *COVER_ORDER).values_list("book_id", "author_id", "author__name")
    if query_optimization_enabled():
        rows: Iterable[tuple[int, int, str]] = links.filter(book_id__in=ids) if ids else ()
    else:
        rows = [row for pk in ids for row in links.filter(book_id=pk)]
    authors: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for book_id, author_id, name in rows:
        authors[book_id].append((author_id, name))
    return authors


def book_cover_authors(*, book_ids: Iterable[int]) -> dict[int, list[Author]]:
    """Each book's authors (id, name, bio) in cover order, for any number of books in one query."""
    books = [Book(pk=pk) for pk in book_ids]
    prefetch_related_objects(books, authors_in_cover_order(Author.objects.only("id", "name", "bio")))
    return {book.pk: list(book.authors.all()) for book in books}


def books_by_id(*, book_ids: Iterable[int]) -> dict[int, Book]:
    return Book.objects.in_bulk(list(book_ids))


def book_get(*, book_id: Any, field: str | None = None, with_authors: bool = True) -> Book:
    """One book with its authors, or ``not_found``."""
    pk = object_id(book_id)
    books = Book.objects.with_authors() if with_authors else Book.objects.all()
    book = books.filter(pk=pk).first() if pk else None
    if book is None:
        raise NotFound("Book not found.", field=field)
    return book


def book_get_by_isbn(*, isbn: str) -> Book:
    try:
        normalised = normalise_isbn(isbn)
    except ValidationError:
        raise NotFound("Book not found.", field="isbn") from None
    book = Book.objects.with_authors().filter(isbn=normalised).first()
    if book is None:
        raise NotFound("Book not found.", field="isbn")
    return book


def author_queryset() -> QuerySet[Author]:
    # Meta.ordering does not apply to GROUP BY queries: order explicitly, or pages drift.
    return Author.objects.annotate(book_count=Count("book_links")).order_by(*Author._meta.ordering)


def author_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Author]:
    """Authors matching the shared AuthorFilter, each with ``book_count``."""
    return _apply_filters(AuthorFilter, filters, author_queryset())


def author_book_counts(*, author_ids: Iterable[int]) -> dict[int, int]:
    """How many books each author has, for any number of authors in one query (none: absent)."""
    counts = BookAuthor.objects.filter(author_id__in=list(author_ids)).values("author_id").annotate(n=Count("id"))
    return {row["author_id"]: row["n"] for row in counts.order_by()}


def author_books(*, author_ids: Iterable[int], start: int, stop: int) -> dict[int, list[Book]]:
    """Rows ``start + 1 .. stop`` of each author's books by title (then id), for any number of
    authors in one query: a sliced prefetch, which numbers each author's rows with a window."""
    authors = [Author(pk=pk) for pk in author_ids]
    window = Book.objects.order_by("title", "id")[start:stop]
    prefetch_related_objects(authors, Prefetch("books", queryset=window, to_attr="window"))
    return {author.pk: author.window for author in authors}


def author_get(*, author_id: Any) -> Author:
    pk = object_id(author_id)
    author = author_queryset().filter(pk=pk).first() if pk else None
    if author is None:
        raise NotFound("Author not found.")
    return author


def cart_items_queryset() -> QuerySet[CartItem]:
    return CartItem.objects.select_related("book").order_by("id")


def cart_get(*, user: AbstractBaseUser) -> Cart:
    """The user's open cart with its lines and their books.

    A user who has never added a book gets an empty cart that is not saved (a read writes
    nothing); it has its id already, the user's, as carts are keyed by their users.
    """
    require_authenticated(user)
    carts = Cart.objects.filter(user=user)
    if query_optimization_enabled():
        carts = carts.prefetch_related(Prefetch("items", queryset=cart_items_queryset()))
    cart = carts.first()
    if cart is None:
        cart = Cart(user=user)
        # No line can belong to a cart that is not saved: nothing to ask the database.
        cart._prefetched_objects_cache = {"items": CartItem.objects.none()}
    return cart


def order_list(*, user: AbstractBaseUser) -> QuerySet[Order]:
    """The user's own orders, newest first, with their lines."""
    require_authenticated(user)
    orders = Order.objects.filter(user=user)
    return orders.prefetch_related("lines") if query_optimization_enabled() else orders


def order_line_get(*, user: AbstractBaseUser, line_id: Any) -> OrderLine:
    """One line of one of the user's orders; someone else's answers ``not_found`` like a missing one."""
    pk = object_id(line_id)
    order = order_list(user=user).filter(lines__id=pk).first() if pk else None
    line = next((line for line in order.lines.all() if line.pk == pk), None) if order else None
    if line is None:
        raise NotFound("Order line not found.")
    return line


def order_get(*, user: AbstractBaseUser, order_id: Any) -> Order:
    """One of the user's orders; someone else's answers ``not_found`` like a missing one."""
    pk = object_id(order_id)
    order = order_list(user=user).filter(pk=pk).first() if pk else None
    if order is None:
        raise NotFound("Order not found.")
    return order
