"""Keyset (cursor) pagination over any ordered queryset, shared by both APIs.

A cursor holds the ordering values of a row; the next page is "rows after these
values", which an index answers without reading the skipped rows, so page 1,000
costs what page 1 costs. Works with mixed directions and with NULLs (sorted last).
"""

import base64
import binascii
import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.core.validators import DecimalValidator
from django.db import connections, models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils.functional import cached_property

from .errors import ErrorCode, error
from .text import has_invalid_characters, parse_date, parse_decimal

CURSOR_PREFIX = "k1:"
MAX_CURSOR_LENGTH = 1000
# What a cursor is made of (prefix, then URL-safe base64): for the OpenAPI document.
CURSOR_PATTERN = "^(k1:[A-Za-z0-9_-]*)?$"
# Above this many rows, an unfiltered list on PostgreSQL reports the planner's row estimate as
# its count: an exact COUNT(*) reads the whole table (about 40 ms at a million books) on every page.
# Below it, counting the whole table is an index-only scan (a few ms at 100,000 rows).
ESTIMATED_COUNT_ABOVE = 100_000


@dataclass(frozen=True)
class OrderKey:
    field: str
    descending: bool


@dataclass
class KeysetPage:
    items: list[Any]
    has_next: bool
    has_previous: bool
    keys: tuple[OrderKey, ...]

    def cursor(self, item: Any) -> str:
        return encode_cursor([getattr(item, key.field) for key in self.keys])

    @property
    def start_cursor(self) -> str | None:
        return self.cursor(self.items[0]) if self.items else None

    @property
    def end_cursor(self) -> str | None:
        return self.cursor(self.items[-1]) if self.items else None


def order_keys(queryset: QuerySet) -> tuple[OrderKey, ...]:
    """The queryset's ordering (or its model's default), ending with the primary key."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    keys = []
    for term in ordering:
        if isinstance(term, OrderBy) and isinstance(term.expression, F):
            name, descending = term.expression.name, term.descending
        elif isinstance(term, str) and "__" not in term and term != "?":
            name, descending = term.lstrip("-"), term.startswith("-")
        else:
            raise ValueError(f"keyset pagination needs plain field ordering, not {term!r}")
        keys.append(OrderKey("id" if name == "pk" else name, descending))
    if not keys or keys[-1].field != "id":
        keys.append(OrderKey("id", keys[-1].descending if keys else False))
    return tuple(keys)


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, datetime.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"D": value.isoformat()}
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_encode(v) for v in values], separators=(",", ":")).encode()
    return CURSOR_PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


class _BadCursor(Exception):
    pass


def _tagged(raw: Any, tag: str) -> str:
    """The text of ``{tag: text}``, the form _encode gives decimals, dates and datetimes."""
    if not (isinstance(raw, dict) and len(raw) == 1 and isinstance(raw.get(tag), str)):
        raise _BadCursor
    return raw[tag]


def _decode_value(raw: Any, field: models.Field) -> Any:
    """A cursor value checked against the column it stands for: its type, its range, its NULLs."""
    if raw is None:
        if not field.null:
            raise _BadCursor
        return None
    if isinstance(field, models.DateTimeField):
        try:
            value = datetime.datetime.fromisoformat(_tagged(raw, "t"))
            if settings.USE_TZ:
                # Aware only, and representable in UTC (databases compare in UTC).
                value = value.astimezone(datetime.UTC) if value.tzinfo is not None else None
        except (ValueError, OverflowError):
            raise _BadCursor from None
        if value is None:
            raise _BadCursor
        return value
    if isinstance(field, models.DateField):
        value = parse_date(_tagged(raw, "D"))
        if value is None:
            raise _BadCursor
        return value
    if isinstance(field, models.DecimalField):
        value = parse_decimal(_tagged(raw, "d"))
        if value is None:
            raise _BadCursor
        try:
            DecimalValidator(field.max_digits, field.decimal_places)(value)
        except ValidationError:
            raise _BadCursor from None
        return value
    if isinstance(field, models.IntegerField | models.AutoField | models.BigAutoField | models.SmallAutoField):
        low, high = BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]
        if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
            raise _BadCursor
        return raw
    if isinstance(field, models.CharField | models.TextField):
        if not isinstance(raw, str) or has_invalid_characters(raw):
            raise _BadCursor
        if field.max_length is not None and len(raw) > field.max_length:
            raise _BadCursor
        return raw
    raise _BadCursor  # a kind of column the cursors of this project never hold


def decode_cursor(
    cursor: str, keys: Sequence[OrderKey], model: type[models.Model], *, field: str = "after"
) -> list[Any]:
    """The ordering values a cursor holds, each checked against its key's column; else ``invalid`` on ``field``."""
    invalid = error(field, "This cursor is not valid for this list and ordering.", ErrorCode.INVALID)
    if not isinstance(cursor, str) or not cursor.startswith(CURSOR_PREFIX) or len(cursor) > MAX_CURSOR_LENGTH:
        raise invalid
    body = cursor[len(CURSOR_PREFIX) :]
    try:
        raw = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, TypeError, RecursionError, binascii.Error):
        raise invalid from None
    if not isinstance(raw, list) or len(raw) != len(keys):
        raise invalid
    try:
        return [_decode_value(value, model._meta.get_field(key.field)) for value, key in zip(raw, keys, strict=True)]
    except _BadCursor:
        raise invalid from None


@dataclass(frozen=True)
class ListCount:
    """How many rows a list has, and whether that is exact.

    ``exact``: ``value`` is the number of rows. Otherwise either the list is longer than the
    cap and ``value`` is the cap (a lower bound: more rows follow), or ``estimated`` is set and
    ``value`` is the database's estimate for a whole large table.
    """

    value: int
    exact: bool = True
    estimated: bool = False

    @property
    def is_lower_bound(self) -> bool:
        return not self.exact and not self.estimated


def count_exact_up_to() -> int:
    """The cap: lists are counted exactly up to this many rows (the COUNT_EXACT_UP_TO setting)."""
    return settings.COUNT_EXACT_UP_TO


def bounded_count(counted: int, *, cap: int | None = None) -> ListCount:
    """The rule every list follows, given its rows counted exactly or up to ``cap`` + 1.

    Up to the cap the count is exact; beyond it the answer is the cap, as a lower bound
    (as Elasticsearch's ``track_total_hits`` reports ``gte`` 10,000).
    """
    cap = count_exact_up_to() if cap is None else cap
    return ListCount(counted) if counted <= cap else ListCount(cap, exact=False)


def list_count(queryset: QuerySet) -> ListCount:
    """How many rows ``queryset`` has, reading at most the cap + 1 of them (one query).

    A filtered list counts ``SELECT COUNT(*) FROM (SELECT ... LIMIT cap + 1)``, so a search
    matching a million rows reads as many as one matching the cap. A whole table (no filter;
    annotations per row do not change the number) is exact up to ESTIMATED_COUNT_ABOVE rows,
    or the cap if larger: counting it is an index-only scan. Above that, PostgreSQL reports
    the planner's estimate (``pg_class.reltuples``, refreshed by autovacuum and ANALYZE,
    typically within a few percent), and other databases that number as a lower bound.
    """
    query = queryset.query
    cap = count_exact_up_to()
    whole_table = not (query.where or query.combinator or query.distinct) and query.group_by in (None, True)
    if not whole_table:
        # Without ORDER BY: an ordered LIMIT could make PostgreSQL walk an index in that order.
        return bounded_count(queryset.order_by()[: cap + 1].count(), cap=cap)
    above = max(cap, ESTIMATED_COUNT_ABOVE)
    model = queryset.model
    connection = connections[queryset.db]
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        # One statement either way, so a page costs the same number of queries at any size.
        sql = (
            "SELECT reltuples > %s, CASE WHEN reltuples > %s THEN reltuples::bigint "
            f"ELSE (SELECT COUNT(*) FROM (SELECT 1 FROM {table} LIMIT %s) AS capped) END "
            "FROM pg_class WHERE oid = %s::regclass"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [above, above, above + 1, model._meta.db_table])
            estimated, value = cursor.fetchone()
        if estimated:
            return ListCount(int(value), exact=False, estimated=True)
        return bounded_count(value, cap=above)
    return bounded_count(model._base_manager.using(queryset.db).order_by()[: above + 1].count(), cap=above)


# A page number whose OFFSET would not fit a 64-bit integer is past the end of any list.
_MAX_OFFSET = 2**62
LAST_PAGE_UNKNOWN = (
    "The last page is not known: the count of this list is not exact (count_exact is false). "
    "Reverse the ordering to read the list from its end."
)


class OpenEndedPage(Page):
    """A page of a list whose length is not known exactly: whether another follows was read."""

    def __init__(self, object_list: Sequence[Any], number: int, paginator: Paginator, *, more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self)


class CountingPaginator(Paginator):
    """Django's paginator with the catalog's count rule (``list_count``).

    With an exact count it is Django's. Otherwise the number of pages is not known: any page
    number is served while it has rows (one row more is read, to know whether another page
    follows), a page past the end raises ``EmptyPage`` as Django's does, and the last page
    cannot be asked for (``last_page_number``).
    """

    @cached_property
    def list_count(self) -> ListCount:
        return list_count(self.object_list)

    @cached_property
    def count(self) -> int:
        return self.list_count.value

    def validate_number(self, number: Any) -> int:
        try:
            return super().validate_number(number)
        except EmptyPage:
            # Past the counted pages, a page number is served if it has rows.
            if self.list_count.exact or int(number) < 1 or (int(number) - 1) * self.per_page > _MAX_OFFSET:
                raise
            return int(number)

    def page(self, number: Any) -> Page:
        if self.list_count.exact:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return OpenEndedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def get_page(self, number: Any) -> Page:
        """A page that exists, whatever ``number`` is (Django's rule; the website's pages)."""
        if self.list_count.exact:
            return super().get_page(number)
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            # The last counted page: when the count is a lower bound, its rows exist.
            try:
                return self.page(self.num_pages)
            except EmptyPage:
                return self.page(1)

    def last_page_number(self, *, field: str = "page") -> int:
        """The number of the last page; ``invalid`` on ``field`` when the count is not exact."""
        if not self.list_count.exact:
            raise error(field, LAST_PAGE_UNKNOWN, ErrorCode.INVALID)
        return self.num_pages


def _after(model, keys: Sequence[OrderKey], values: Sequence[Any], *, reverse: bool = False) -> Q:
    """Rows strictly after ``values`` in the forward order of ``keys`` (strictly before when ``reverse``).

    The forward order puts NULLs last whatever the direction, so a NULL is after every value.
    """
    nothing = Q(pk__in=[])
    condition = nothing
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        nullable = model._meta.get_field(key.field).null
        is_null = Q(**{f"{key.field}__isnull": True})
        if value is None:
            beyond = ~is_null if reverse else nothing
            same = is_null
        else:
            greater = key.descending == reverse
            beyond = Q(**{f"{key.field}__{'gt' if greater else 'lt'}": value})
            if nullable and not reverse:
                beyond |= is_null
            same = Q(**{key.field: value})
        condition |= equal & beyond
        equal &= same
    first, value = keys[0], values[0]
    if value is not None and not model._meta.get_field(first.field).null:
        # Implied by the OR above, but an index range can start from it: without it PostgreSQL
        # reads the index from the beginning and filters, so page 1,000 costs 1,000 pages.
        greater = first.descending == reverse
        condition &= Q(**{f"{first.field}__{'gte' if greater else 'lte'}": value})
    return condition


def ordered(queryset: QuerySet, keys: Sequence[OrderKey], *, reverse: bool = False) -> QuerySet:
    """Order by ``keys`` with NULLs last (reversed entirely when ``reverse``).

    Fields that cannot be NULL get plain ASC/DESC, so the (field, id) indexes serve the page.
    """
    terms = []
    for key in keys:
        expression = F(key.field)
        descending = key.descending != reverse
        nulls = {}
        if queryset.model._meta.get_field(key.field).null:
            nulls = {"nulls_first": True} if reverse else {"nulls_last": True}
        terms.append(expression.desc(**nulls) if descending else expression.asc(**nulls))
    return queryset.order_by(*terms)


def keyset_page(
    queryset: QuerySet,
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    after_field: str = "after",
) -> KeysetPage:
    """One page of ``queryset`` in its own order: ``first`` rows after a cursor, or ``last`` rows before one.

    ``after_field`` names the argument a bad ``after`` cursor is reported on.
    """
    keys = order_keys(queryset)
    if last is not None and first is None:
        rows = queryset
        if before:
            rows = rows.filter(
                _after(queryset.model, keys, decode_cursor(before, keys, queryset.model, field="before"), reverse=True)
            )
        rows = list(ordered(rows, keys, reverse=True)[: last + 1])
        has_previous = len(rows) > last
        items = list(reversed(rows[:last]))
        return KeysetPage(items, has_next=before is not None, has_previous=has_previous, keys=keys)
    size = first or 0
    rows = queryset
    if after:
        rows = rows.filter(_after(queryset.model, keys, decode_cursor(after, keys, queryset.model, field=after_field)))
    rows = list(ordered(rows, keys)[: size + 1])
    return KeysetPage(rows[:size], has_next=len(rows) > size, has_previous=after is not None, keys=keys)
