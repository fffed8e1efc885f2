"""The FilterSets both APIs and the website use, so one query string means the same rows."""

from collections.abc import Sequence

import django_filters
from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.db.models import BooleanField, F, Func, Q, QuerySet, Subquery

from .errors import ErrorCode
from .isbn import ISBN_PATTERN, normalise_isbn
from .models import Author, Book, BookAuthor
from .text import (
    INVALID_CHARACTERS_MESSAGE,
    TEXT_PATTERN,
    has_invalid_characters,
    parse_date,
    parse_decimal,
    parse_int,
    strip_blanks,
)

BOOK_ORDERING_FIELDS = ("title", "price", "published_date", "created_at")
AUTHOR_ORDERING_FIELDS = ("name", "created_at")
MAX_SEARCH_LENGTH = 200
MAX_ISBN_FILTER_LENGTH = 32
MAX_AMOUNT_LENGTH = 32
MAX_ID = 2**63 - 1

_TRUE = {"true", "1", "yes"}
BOOLEAN_VALUES = ("true", "false", "1", "0", "yes", "no")


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


class TextFormField(forms.CharField):
    """A form field for text: the shared sanitiser's code instead of Django's NUL check, and the
    length counted as given (the filters strip blanks themselves)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]

    def to_python(self, value):
        if isinstance(value, str) and has_invalid_characters(value):
            raise forms.ValidationError(INVALID_CHARACTERS_MESSAGE, code=ErrorCode.INVALID_CHARACTERS)
        return super().to_python(value)


class _PlainFormField:
    """A form field that reads its text with one of catalog.text's strict parsers."""

    max_length: int | None = None

    @staticmethod
    def parse(text: str):
        raise NotImplementedError

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value)
        if has_invalid_characters(text):
            raise forms.ValidationError(INVALID_CHARACTERS_MESSAGE, code=ErrorCode.INVALID_CHARACTERS)
        if self.max_length is not None and len(text) > self.max_length:
            raise forms.ValidationError(
                f"Ensure this value has at most {self.max_length} characters.", code=ErrorCode.MAX_LENGTH
            )
        parsed = self.parse(text)
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class PlainDecimalFormField(_PlainFormField, forms.DecimalField):
    """Only plain decimals ("12.50"), of at most ``max_length`` characters: Python's Decimal also
    reads "1_000", " 5 " and "1e3"."""

    parse = staticmethod(parse_decimal)

    def __init__(self, *, max_length: int | None = None, **kwargs) -> None:
        self.max_length = max_length
        super().__init__(**kwargs)


class PlainIntegerFormField(_PlainFormField, forms.IntegerField):
    """Only plain ASCII digits: Python's int also reads "1_0" and "٣"."""

    parse = staticmethod(parse_int)


class PlainDateFormField(_PlainFormField, forms.DateField):
    """Only YYYY-MM-DD, the format both APIs document (Django also reads 10/25/2006)."""

    widget = forms.DateInput(attrs={"type": "date"})
    parse = staticmethod(parse_date)


class BooleanFormField(forms.ChoiceField):
    """Yes or no, as "true" or "false" (also "1"/"0", "yes"/"no"); a select of any, yes and no on the website."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("choices", [("", "Any"), ("true", "Yes"), ("false", "No")])
        super().__init__(**kwargs)

    def valid_value(self, value) -> bool:
        return value in BOOLEAN_VALUES

    def clean(self, value):
        text = super().clean(value)
        return None if text in self.empty_values else text in _TRUE


class TextFilter(django_filters.CharFilter):
    """Text; REST documents it with ``pattern``."""

    field_class = TextFormField
    pattern = TEXT_PATTERN


class IsbnFilter(TextFilter):
    """Exactly one ISBN, looked up by the unique index (ISBN-10 input as its ISBN-13)."""

    pattern = ISBN_PATTERN

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        return qs.filter(isbn=normalise_isbn(value)) if value else qs


class PlainDecimalFilter(django_filters.NumberFilter):
    field_class = PlainDecimalFormField


class PriceFilter(PlainDecimalFilter):
    """A bound on the price (``lookup_expr`` "gte" or "lte")."""

    def __init__(self, lookup_expr: str, **kwargs) -> None:
        kwargs.setdefault("widget", forms.NumberInput(attrs={"step": "0.01", "min": "0"}))
        super().__init__(field_name="price", lookup_expr=lookup_expr, max_length=MAX_AMOUNT_LENGTH, **kwargs)


class PlainIntegerFilter(django_filters.NumberFilter):
    field_class = PlainIntegerFormField


class ObjectIdFilter(PlainIntegerFilter):
    """The id of a ``target`` row: a whole number that fits a database id (a larger one
    overflows SQLite's integers). GraphQL takes the target's global ID too."""

    def __init__(self, field_name: str, *, target: type[models.Model], **kwargs) -> None:
        self.target = target
        super().__init__(field_name, min_value=1, max_value=MAX_ID, **kwargs)


class PlainDateFilter(django_filters.DateFilter):
    field_class = PlainDateFormField


class BooleanFilter(django_filters.Filter):
    """``value`` true filters by ``true_lookup``, false by ``false_lookup``."""

    field_class = BooleanFormField

    def __init__(self, *, true_lookup: Q, false_lookup: Q, **kwargs) -> None:
        self.true_lookup, self.false_lookup = true_lookup, false_lookup
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        return qs.filter(self.true_lookup if value else self.false_lookup)


def parse_ordering(value: str, fields: tuple[str, ...]) -> list[str]:
    """The terms of ``?ordering=`` ("-price,title"): each an offered field, once, ``-`` for descending.

    Refused with ``invalid_ordering``: an empty term, an unknown field, a field given twice, and so
    more terms than there are fields, which is checked before the value is split.
    """
    if value.count(",") >= len(fields):
        raise forms.ValidationError(
            f"Sort by at most {len(fields)} fields, each once.", code=ErrorCode.INVALID_ORDERING
        )
    terms = value.split(",")
    seen: set[str] = set()
    for term in terms:
        name = term[1:] if term.startswith("-") else term
        if name not in fields:
            offered = ", ".join(fields)
            raise forms.ValidationError(
                f"Unknown ordering field {term!r}: use {offered}, with '-' in front for descending.",
                code=ErrorCode.INVALID_ORDERING,
            )
        if name in seen:
            raise forms.ValidationError(f"{name!r} is given twice.", code=ErrorCode.INVALID_ORDERING)
        seen.add(name)
    return terms


def _ordering_choices(fields: tuple[str, ...], default: str) -> list[tuple[str, str]]:
    """The website's choices: the default order first (as no value), then every other single key."""

    def label(key: str) -> str:
        name = key.lstrip("-")
        return f"{name.replace('_', ' ').capitalize()} ({'descending' if key.startswith('-') else 'ascending'})"

    keys = [f"{sign}{name}" for name in fields for sign in ("", "-")]
    return [("", label(default))] + [(key, label(key)) for key in keys if key != default]


class OrderingFormField(TextFormField):
    def __init__(self, *, ordering_fields: tuple[str, ...], default_ordering: tuple[str, ...], **kwargs) -> None:
        self.ordering_fields = ordering_fields
        # The longest valid value: every field once, each descending, with commas between.
        kwargs.setdefault("max_length", sum(len(f) + 2 for f in ordering_fields))
        kwargs.setdefault("widget", forms.Select(choices=_ordering_choices(ordering_fields, default_ordering[0])))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {}  # a select has no maxlength

    def clean(self, value):
        text = super().clean(value)
        return parse_ordering(text, self.ordering_fields) if text else []

    def to_python(self, value):
        # Like ?search=, blanks around the whole value are not part of it.
        return strip_blanks(super().to_python(value) or "")


class OrderingFilter(django_filters.Filter):
    """Ordering by the offered fields, always ending with ``id`` so pages are stable.

    ``default`` is the order of the list when none is asked for (the model's ``Meta.ordering``).
    """

    field_class = OrderingFormField

    def __init__(self, *, fields: tuple[str, ...], default: Sequence[str], **kwargs) -> None:
        self.fields = tuple(fields)
        kwargs.setdefault("label", "Order by")
        kwargs.setdefault("help_text", f"Default: {', then '.join(default)}.")
        super().__init__(ordering_fields=self.fields, default_ordering=tuple(default), **kwargs)

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        if not value:
            return qs
        terms = [self._term(qs, term) for term in value]
        return qs.order_by(*terms, F("id").desc() if value[-1].startswith("-") else F("id").asc())

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
    value = strip_blanks(value)
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
    """The book list's filters. Each one's name, label, help text and form field are all that the
    REST parameters, the GraphQL arguments and the website's form are made from."""

    search = TextFilter(
        method="filter_search",
        max_length=MAX_SEARCH_LENGTH,
        label="Search",
        help_text=f"Words in the title, subtitle or an author's name, or ISBN digits (at most {MAX_SEARCH_LENGTH} "
        "characters).",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Title, author or ISBN", "autofocus": True}),
    )
    author = ObjectIdFilter(
        "author_links__author_id", target=Author, label="Author id", help_text="Only books by the author with this id."
    )
    isbn = IsbnFilter(
        max_length=MAX_ISBN_FILTER_LENGTH,
        label="ISBN",
        help_text="Exactly this ISBN: ISBN-13 or ISBN-10, hyphens allowed (else `invalid_isbn`).",
    )
    min_price = PriceFilter(
        "gte", label="Min price", help_text='Lowest price, inclusive, as a plain decimal ("12.50").'
    )
    max_price = PriceFilter(
        "lte", label="Max price", help_text='Highest price, inclusive, as a plain decimal ("12.50").'
    )
    in_stock = BooleanFilter(
        true_lookup=Q(stock__gt=0),
        false_lookup=Q(stock=0),
        label="In stock",
        help_text="Only books in stock (true) or sold out (false).",
    )
    published_after = PlainDateFilter(
        field_name="published_date",
        lookup_expr="gte",
        label="Published after",
        help_text="Published on or after this date.",
    )
    published_before = PlainDateFilter(
        field_name="published_date",
        lookup_expr="lte",
        label="Published before",
        help_text="Published on or before this date.",
    )
    ordering = OrderingFilter(fields=BOOK_ORDERING_FIELDS, default=Book._meta.ordering)

    class Meta:
        model = Book
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return book_search(queryset, value)


class AuthorFilter(django_filters.FilterSet):
    search = TextFilter(
        method="filter_search",
        max_length=MAX_SEARCH_LENGTH,
        label="Search",
        help_text=f"Part of the author's name (at most {MAX_SEARCH_LENGTH} characters).",
    )
    ordering = OrderingFilter(fields=AUTHOR_ORDERING_FIELDS, default=Author._meta.ordering)

    class Meta:
        model = Author
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = strip_blanks(value)
        return queryset.filter(name__icontains=value) if value else queryset
