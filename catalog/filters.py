"""The FilterSets both APIs and the website use, so one query string means the same rows."""

import django_filters
from django.db.models import BooleanField, F, Func, Q, QuerySet, Subquery

from .isbn import normalise_isbn
from .models import Author, Book, BookAuthor

BOOK_ORDERING_FIELDS = ("title", "price", "published_date", "created_at")
AUTHOR_ORDERING_FIELDS = ("name", "created_at")
MAX_SEARCH_LENGTH = 200

_TRUE = {"true", "1", "yes"}
_BOOLEAN_CHOICES = [(v, v) for v in ("true", "false", "1", "0", "yes", "no")]


class _PkIn(Func):
    """``pk IN (subquery)``, written so that PostgreSQL can use indexes when it sits in an OR.

    PostgreSQL tests ``IN (subquery)`` inside an OR row by row (a hashed SubPlan), so the whole
    OR reads every row of the table. ``pk = ANY(ARRAY(subquery))`` runs the subquery once and
    gives its ids to the primary key's index, which a BitmapOr combines with the other branches'
    (trigram) indexes. Other databases get the plain ``IN``.
    """

    output_field = BooleanField()

    def __init__(self, queryset: QuerySet) -> None:
        super().__init__(F("pk"), Subquery(queryset))

    def as_sql(self, compiler, connection, **extra_context):
        (pk, pk_params), (subquery, params) = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{pk} IN {subquery}", (*pk_params, *params)

    def as_postgresql(self, compiler, connection, **extra_context):
        (pk, pk_params), (subquery, params) = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{pk} = ANY(ARRAY{subquery})", (*pk_params, *params)


class _OrderingFilter(django_filters.OrderingFilter):
    """Ordering by the offered fields, always ending with ``id`` so pages are stable."""

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        terms = [self._term(qs, term) for term in ordering]
        return qs.order_by(*terms, F("id").desc() if ordering[-1].startswith("-") else F("id").asc())

    @staticmethod
    def _term(qs: QuerySet, term: str):
        name, descending = term.lstrip("-"), term.startswith("-")
        if not qs.model._meta.get_field(name).null:
            # Plain ASC/DESC: an index on (field, id) then serves the page without a sort.
            return F(name).desc() if descending else F(name).asc()
        # Missing values (a book with no publication date) sort last on every database.
        return F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)


def book_search(queryset: QuerySet, value: str) -> QuerySet:
    """Books with ``value`` in the title, subtitle or an author's name, or ISBN digits."""
    value = value.strip()
    if not value:
        return queryset
    # Not a correlated EXISTS: inside an OR, databases run that subquery once per row.
    by_author = BookAuthor.objects.filter(author__name__icontains=value).order_by().values("book_id")
    condition = Q(title__icontains=value) | Q(subtitle__icontains=value) | Q(_PkIn(by_author))
    digits = value.replace("-", "").replace(" ", "")
    if digits.isdigit():
        # Thirteen digits can only be a whole ISBN: the unique index finds it.
        condition |= Q(isbn=digits) if len(digits) == 13 else Q(isbn__contains=digits)
    return queryset.filter(condition)


class BookFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", max_length=MAX_SEARCH_LENGTH)
    # A whole number that fits a database id (a larger one overflows SQLite's integers).
    author = django_filters.NumberFilter(method="filter_author", min_value=1, max_value=2**63 - 1, decimal_places=0)
    min_price = django_filters.NumberFilter(field_name="price", lookup_expr="gte")
    max_price = django_filters.NumberFilter(field_name="price", lookup_expr="lte")
    in_stock = django_filters.ChoiceFilter(choices=_BOOLEAN_CHOICES, method="filter_in_stock")
    published_after = django_filters.DateFilter(field_name="published_date", lookup_expr="gte")
    published_before = django_filters.DateFilter(field_name="published_date", lookup_expr="lte")
    isbn = django_filters.CharFilter(method="filter_isbn", max_length=32)
    ordering = _OrderingFilter(fields=BOOK_ORDERING_FIELDS)

    class Meta:
        model = Book
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return book_search(queryset, value)

    def filter_isbn(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The unique index answers: ISBN-10 input is looked up as its ISBN-13.
        return queryset.filter(isbn=normalise_isbn(value))

    def filter_author(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(author_links__author_id=int(value))

    def filter_in_stock(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(stock__gt=0) if value in _TRUE else queryset.filter(stock=0)


class AuthorFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=MAX_SEARCH_LENGTH)
    ordering = _OrderingFilter(fields=AUTHOR_ORDERING_FIELDS)

    class Meta:
        model = Author
        fields: list[str] = []
