"""The practical limit: hand-written views that return the REST API's JSON for the same rows.

``.values()`` rows and ``JsonResponse``: no model instances, no serializers, no
permission or pagination classes. Every benchmark figure is a ratio to these,
measured in the same run. They live in bench/ only, never in the product.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework.authtoken.models import Token

from catalog.filters import book_search
from catalog.models import Book, BookAuthor, CartItem
from catalog.pagination import decode_cursor, list_count, order_keys

BOOK_FIELDS = (
    "id",
    "title",
    "subtitle",
    "isbn",
    "price",
    "stock",
    "published_date",
    "description",
    "created_at",
    "updated_at",
)
ORDERINGS = {"title", "-title", "price", "-price", "published_date", "-published_date", "created_at", "-created_at"}


def _iso(value):
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _books_json(rows: list[dict]) -> list[dict]:
    authors = defaultdict(list)
    links = BookAuthor.objects.filter(book_id__in=[r["id"] for r in rows]).order_by("book_id", "position", "id")
    for link in links.values("book_id", "author_id", "author__name"):
        authors[link["book_id"]].append({"id": link["author_id"], "name": link["author__name"]})
    for row in rows:
        row["price"] = f"{row['price']:.2f}"
        row["published_date"] = row["published_date"].isoformat() if row["published_date"] else None
        row["created_at"] = _iso(row["created_at"])
        row["updated_at"] = _iso(row["updated_at"])
        row["authors"] = authors[row["id"]]
    return rows


def book_page(request: HttpRequest) -> JsonResponse:
    """A page of books: by ``page`` number (OFFSET) or by keyset ``cursor``; ``isbn`` for one book."""
    params = request.GET
    page_size = min(max(int(params.get("page_size", 20)), 1), 100)
    page = max(int(params.get("page", 1)), 1)
    books = Book.objects.all()
    if isbn := params.get("isbn"):
        books = books.filter(isbn=isbn)
    if search := params.get("search"):
        books = book_search(books, search)  # the same SQL as the APIs': what is compared is the rest
    if params.get("in_stock") == "true":
        books = books.filter(stock__gt=0)
    ordering = params.get("ordering", "title")
    if ordering not in ORDERINGS:
        ordering = "title"
    books = books.order_by(ordering, "-id" if ordering.startswith("-") else "id")
    # The same count rule as the APIs: exact up to the cap, then a lower bound (or the planner's
    # estimate for a large unfiltered table).
    count = list_count(books)
    if cursor := params.get("cursor"):
        value, pk = decode_cursor(cursor, order_keys(books), Book)
        name = ordering.lstrip("-")
        after = "lt" if ordering.startswith("-") else "gt"
        books = books.filter(
            Q(**{f"{name}__{after}e": value}),  # lets the index range start at the cursor
            Q(**{f"{name}__{after}": value}) | Q(**{name: value, f"id__{after}": pk}),
        )
        rows = list(books.values(*BOOK_FIELDS)[:page_size])
    else:
        start = (page - 1) * page_size
        rows = list(books.values(*BOOK_FIELDS)[start : start + page_size])
    body = {"count": count.value, "count_exact": count.exact, "next": None, "previous": None}
    return JsonResponse({**body, "results": _books_json(rows)})


def book_detail(request: HttpRequest, book_id: int) -> JsonResponse:
    rows = list(Book.objects.filter(pk=book_id).values(*BOOK_FIELDS))
    if not rows:
        raise Http404
    return JsonResponse(_books_json(rows)[0])


def cart(request: HttpRequest) -> JsonResponse:
    key = request.headers.get("Authorization", "").removeprefix("Token ").strip()
    user_id = Token.objects.filter(key=key).values_list("user_id", flat=True).first()
    if user_id is None:
        return JsonResponse({"errors": [{"field": None, "code": "not_authenticated"}]}, status=401)
    items = []
    total = Decimal("0.00")
    count = 0
    rows = CartItem.objects.filter(cart__user_id=user_id).order_by("id")
    for row in rows.values("id", "cart_id", "quantity", "book_id", "book__title", "book__isbn", "book__price"):
        line_total = row["book__price"] * row["quantity"]
        total += line_total
        count += row["quantity"]
        items.append(
            {
                "id": row["id"],
                "book": {
                    "id": row["book_id"],
                    "title": row["book__title"],
                    "isbn": row["book__isbn"],
                    "price": f"{row['book__price']:.2f}",
                },
                "quantity": row["quantity"],
                "unit_price": f"{row['book__price']:.2f}",
                "line_total": f"{line_total:.2f}",
            }
        )
    cart_id = rows.values_list("cart_id", flat=True).first()
    # item_count: the deprecated old name of copy_count, which the REST API still sends.
    body = {"id": cart_id, "items": items, "copy_count": count, "item_count": count, "total": f"{total:.2f}"}
    return JsonResponse(body)
