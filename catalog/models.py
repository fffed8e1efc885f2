from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from .optimization import query_optimization_enabled

MAX_QUANTITY_PER_LINE = 99
MAX_PRICE = Decimal("999999.99")
MAX_STOCK = 1_000_000
# A book's authors in cover order: by their place on the cover, then in the order they were
# added. Fields of BookAuthor; every read of a book's authors sorts by it.
COVER_ORDER = ("position", "id")


class Author(models.Model):
    name = models.CharField(max_length=200)
    bio = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name", "id"], name="author_name_id")]

    def __str__(self) -> str:
        return self.name


_AUTHOR_COVER_ORDER = tuple(f"book_links__{name}" for name in COVER_ORDER)


def authors_in_cover_order(authors: models.QuerySet | None = None) -> models.Prefetch:
    """``Book.authors`` (of ``authors``, all by default) in cover order, as a prefetch: one query
    for any number of books."""
    queryset = Author.objects.all() if authors is None else authors
    return models.Prefetch("authors", queryset=queryset.order_by(*_AUTHOR_COVER_ORDER))


class BookQuerySet(models.QuerySet):
    def with_authors(self) -> "BookQuerySet":
        """Prefetch each book's authors in cover order (one extra query per page)."""
        if not query_optimization_enabled():
            return self
        return self.prefetch_related(authors_in_cover_order())

    def in_stock(self) -> "BookQuerySet":
        return self.filter(stock__gt=0)


class Book(models.Model):
    title = models.CharField(max_length=255)
    subtitle = models.CharField(max_length=255, blank=True)
    authors = models.ManyToManyField(Author, through="BookAuthor", related_name="books")
    isbn = models.CharField("ISBN-13", max_length=13, unique=True)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    stock = models.PositiveIntegerField(default=0)
    published_date = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="book_price_not_negative"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="book_stock_not_negative"),
            models.CheckConstraint(condition=Q(isbn__regex=r"^97[89][0-9]{10}$"), name="book_isbn_is_13_digits"),
        ]
        indexes = [
            models.Index(fields=["title", "id"], name="book_title_id"),
            models.Index(fields=["price", "id"], name="book_price_id"),
            models.Index(fields=["published_date", "id"], name="book_published_id"),
            models.Index(fields=["created_at", "id"], name="book_created_id"),
            models.Index(fields=["stock"], name="book_stock"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def cover_authors(self) -> list[Author]:
        """The authors in cover order: from ``with_authors()``'s prefetch, else one query."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("authors")
        if prefetched is not None:
            return list(prefetched)
        return list(self.authors.order_by(*_AUTHOR_COVER_ORDER))


class BookAuthor(models.Model):
    """An author's place on a book's cover."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="author_links")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="book_links")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["book", *COVER_ORDER]
        constraints = [
            models.UniqueConstraint(fields=["book", "author"], name="book_author_unique"),
        ]
        indexes = [models.Index(fields=["author", "book"], name="bookauthor_author_book")]

    def __str__(self) -> str:
        return f"{self.author} on {self.book}"


class Cart(models.Model):
    """The user's one open cart; checkout turns its lines into an order and empties it.

    Keyed by its user, so a cart not saved yet (a user who never added a book) has its id too.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="cart"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Cart of {self.user}"

    @property
    def copy_count(self) -> int:
        return sum(item.quantity for item in self.items.all())

    @property
    def total(self) -> Decimal:
        return sum((item.line_total for item in self.items.all()), Decimal("0.00"))


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="cart_items")
    quantity = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "book"], name="cart_item_unique_book"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_QUANTITY_PER_LINE),
                name="cart_item_quantity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.book}"

    @property
    def unit_price(self) -> Decimal:
        return self.book.price

    @property
    def line_total(self) -> Decimal:
        return self.book.price * self.quantity


class Order(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    total = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
        ]
        indexes = [models.Index(fields=["user", "-created_at", "-id"], name="order_user_created")]

    def __str__(self) -> str:
        return f"Order #{self.pk}"

    @property
    def copy_count(self) -> int:
        return sum(line.quantity for line in self.lines.all())


class OrderLine(models.Model):
    """A book as it was sold: title, ISBN and price are copied at checkout."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    book = models.ForeignKey(Book, on_delete=models.SET_NULL, null=True, related_name="order_lines")
    title = models.CharField(max_length=255)
    isbn = models.CharField(max_length=13)
    quantity = models.PositiveSmallIntegerField()
    unit_price = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_QUANTITY_PER_LINE),
                name="order_line_quantity_range",
            ),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="order_line_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.title}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class CatalogVersion(models.Model):
    """One row whose ``value`` changes, to a value never used before, with every change to what catalog reads show.

    Bumped inside the transaction of every book or author write and of every checkout that
    takes stock, so a reader that sees the new version also sees the new rows: cached reads
    and ETags are keyed by it, and invalidation is exact.
    """

    value = models.BigIntegerField(default=1)

    def __str__(self) -> str:
        return f"catalog version {self.value}"


class CacheEntry(models.Model):
    """The table of Django's database cache (the shared cache when no Redis is configured).

    Declared here so that ``migrate`` makes it on every database; the columns are the ones
    ``manage.py createcachetable`` would make.
    """

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "catalog_cache"

    def __str__(self) -> str:
        return self.cache_key
