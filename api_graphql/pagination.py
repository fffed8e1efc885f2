"""Relay connections: the one place that knows how cursors map onto rows.

Top-level lists use the catalog's keyset pagination (a cursor holds the ordering values of
a row, so a deep page costs what the first one does), as REST's cursors would. A list
nested under each object of a page (an author's books) is loaded for the whole page in
one windowed query, so its cursors are row numbers.
"""

import binascii
from base64 import b64decode, b64encode
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from catalog.pagination import KeysetPage, ListCount, bounded_count, keyset_page, list_count
from catalog.selectors import page_size

from .dataloaders import mark_batch
from .errors import QueryError, argument_error, error_items

_ROW_PREFIX = "row:"
_MAX_ROW = 2**62


def row_cursor(row: int) -> str:
    return b64encode(f"{_ROW_PREFIX}{row}".encode()).decode()


def cursor_to_row(cursor: Any, argument: str) -> int:
    try:
        text = b64decode(str(cursor).encode("ascii"), validate=True).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    number = text[len(_ROW_PREFIX) :] if text.startswith(_ROW_PREFIX) else ""
    if not (number.isdigit() and int(number) < _MAX_ROW):
        raise argument_error(argument, "This cursor is not valid for this list.")
    return int(number)


class Edge:
    __slots__ = ("_cursor", "node")

    def __init__(self, node: Any, cursor: Callable[[Any], str]) -> None:
        self.node = node
        self._cursor = cursor

    @property
    def cursor(self) -> str:
        # Made only when selected.
        return self._cursor(self.node)


class PageInfo:
    __slots__ = ("end_cursor", "has_next_page", "has_previous_page", "start_cursor")

    def __init__(self, edges: list[Edge], *, has_previous_page: bool, has_next_page: bool) -> None:
        self.has_previous_page = has_previous_page
        self.has_next_page = has_next_page
        self.start_cursor = edges[0].cursor if edges else None
        self.end_cursor = edges[-1].cursor if edges else None


class Page:
    """One page of a connection; ``count()`` runs only when ``totalCount`` or ``totalCountIsExact``
    is selected, once for both."""

    def __init__(
        self,
        rows: Sequence[Any],
        cursor: Callable[[Any], str],
        *,
        has_previous_page: bool,
        has_next_page: bool,
        count: Callable[[], ListCount],
    ) -> None:
        self.edges = [Edge(row, cursor) for row in rows]
        self.has_previous_page = has_previous_page
        self.has_next_page = has_next_page
        self._count = count
        self._counted: ListCount | None = None

    @property
    def page_info(self) -> PageInfo:
        return PageInfo(self.edges, has_previous_page=self.has_previous_page, has_next_page=self.has_next_page)

    def count(self) -> ListCount:
        if self._counted is None:
            self._counted = self._count()
        return self._counted


def paginate(
    queryset: QuerySet,
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Page:
    """A page of ``queryset`` in its order: one query, and one more for ``totalCount`` if selected.

    ``first``/``after`` page forwards, ``last``/``before`` backwards; sizes default to 20 and
    are capped at 100, like REST's ``page_size``.
    """
    backwards = last is not None or before is not None
    if backwards and (first is not None or after is not None):
        raise argument_error(None, "Page forwards with first/after or backwards with last/before, not both.", "invalid")
    try:
        if backwards:
            page: KeysetPage = keyset_page(queryset, last=page_size(last, field="last"), before=before)
        else:
            page = keyset_page(queryset, first=page_size(first, field="first"), after=after)
    except ValidationError as exc:
        raise QueryError(error_items(exc) or []) from None
    return Page(
        mark_batch(page.items),
        page.cursor,
        has_previous_page=page.has_previous,
        has_next_page=page.has_next,
        count=lambda: list_count(queryset),
    )


def row_window(*, first: int | None, after: str | None) -> tuple[int, int]:
    """Rows (start, stop] of a nested list: ``first`` (default 20, at most 100) after the ``after`` row."""
    start = cursor_to_row(after, "after") if after is not None else 0
    try:
        size = page_size(first, field="first")
    except ValidationError as exc:
        raise QueryError(error_items(exc) or []) from None
    return start, start + size


def page_from_window(rows: Sequence[Any], start: int, stop: int, count: Callable[[], int]) -> Page:
    """A page from rows start+1 .. stop+1 (one more, to see if more follow), fetched by a loader.

    ``count`` gives the exact length of the list (the loaders count whole batches in one query);
    it is reported by the same rule as every other list (``bounded_count``).
    """
    size = stop - start
    numbers = {id(row): start + i + 1 for i, row in enumerate(rows)}
    return Page(
        rows[:size],
        lambda row: row_cursor(numbers[id(row)]),
        has_previous_page=start > 0,
        has_next_page=len(rows) > size,
        count=lambda: bounded_count(count()),
    )
