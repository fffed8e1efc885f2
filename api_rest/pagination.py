from rest_framework import pagination
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from catalog.errors import ErrorCode, error
from catalog.pagination import (
    CURSOR_PATTERN,
    MAX_CURSOR_LENGTH,
    CountingPaginator,
    KeysetPage,
    ListCount,
    keyset_page,
    list_count,
)
from catalog.selectors import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, page_size
from catalog.text import parse_int

COUNT_DESCRIPTION = (
    "Objects in the whole list, exact when `count_exact` is true. A list is counted exactly up to "
    "the server's `COUNT_EXACT_UP_TO` rows (100 unless its operator changes it); a longer filtered "
    "list reports that number, as a lower bound: it has more. An unfiltered list is exact up to "
    "100,000 rows, and above that `count` is the database's estimate (typically within a few percent)."
)
COUNT_EXACT_DESCRIPTION = (
    "Whether `count` is exact. When false the number of pages is not known: `page=last` is refused "
    "(`invalid`), and any page number is served while it has rows (`next` says whether another follows)."
)


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=`` and ``?page_size=`` (default 20; anything above 100 gives 100), or ``?cursor=``.

    A page number costs an OFFSET: the database reads every row before the page. A ``cursor``
    (from a ``next`` link in cursor mode) holds the ordering values of the last row seen, so an
    index finds the page directly and page 1,000 costs what page 1 does.
    """

    django_paginator_class = CountingPaginator
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    cursor_query_param = "cursor"
    invalid_page_message = "Invalid page: {message}"
    page_query_description = (
        "The page number, from 1; `last` is the last page, when `count_exact` is true (else `invalid`). "
        "A page past the end: `not_found`."
    )
    page_size_query_description = (
        f"Results per page: {DEFAULT_PAGE_SIZE} by default, at most {MAX_PAGE_SIZE} (more gives {MAX_PAGE_SIZE}); "
        "less than 1: `invalid`."
    )
    cursor_query_description = (
        "Keyset paging: an empty `cursor` starts at the first page, and every `next` link then carries "
        "the cursor of the following page, which costs the same however deep it is. `previous` is null "
        "in this mode; `page` is ignored."
    )
    keyset: KeysetPage | None = None
    cursor_count: ListCount | None = None

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param, "")
        requested = parse_int(raw) if raw else None
        if raw and requested is None:
            raise error(self.page_size_query_param, "Give the page size as a whole number.", ErrorCode.INVALID)
        return page_size(requested, field=self.page_size_query_param)

    def _check_page_number(self, request) -> None:
        raw = request.query_params.get(self.page_query_param) or "1"
        number = parse_int(raw)
        if raw not in self.last_page_strings and (number is None or number < 1):
            raise NotFound(self.invalid_page_message.format(message="That is not a page number"))

    def paginate_queryset(self, queryset, request, view=None):
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor is None:
            rows = super().paginate_queryset(queryset, request, view)
            if self.page.has_other_pages() and self.template is not None:
                # With an inexact count, pages can follow where the count shows one page.
                self.display_page_controls = True
            return rows
        self.request = request
        self._check_page_number(request)  # ignored in this mode, but refused when it is no page number
        self.cursor_count = list_count(queryset)
        self.keyset = keyset_page(
            queryset, first=self.get_page_size(request), after=cursor or None, after_field=self.cursor_query_param
        )
        return self.keyset.items

    def get_page_number(self, request, paginator: CountingPaginator):
        raw = request.query_params.get(self.page_query_param) or 1
        if raw in self.last_page_strings:
            return paginator.last_page_number(field=self.page_query_param)
        # Plain digits only: Django's paginator would also read "1_0" as page 10.
        if not isinstance(raw, int) and parse_int(raw) is None:
            raise NotFound(self.invalid_page_message.format(message="That page number is not an integer"))
        return raw

    def get_paginated_response(self, data):
        if self.keyset is None:
            count = self.page.paginator.list_count
            links = {"next": self.get_next_link(), "previous": self.get_previous_link()}
        else:
            count = self.cursor_count
            links = {"next": self.get_next_link(), "previous": None}
        return Response({"count": count.value, "count_exact": count.exact, **links, "results": data})

    def get_html_context(self):
        context = super().get_html_context()
        if not self.page.paginator.list_count.exact:
            # The number of pages is not known: links up to the next page only.
            current = self.page.number
            final = current + 1 if self.page.has_next() else current
            base_url = self.request.build_absolute_uri()

            def url(number: int) -> str:
                if number == 1:
                    return remove_query_param(base_url, self.page_query_param)
                return replace_query_param(base_url, self.page_query_param, number)

            numbers = pagination._get_displayed_page_numbers(current, final)
            context["page_links"] = pagination._get_page_links(numbers, current, url)
        return context

    def get_next_link(self):
        if self.keyset is None:
            return super().get_next_link()
        if not self.keyset.has_next:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, self.keyset.end_cursor)

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        properties = response["properties"]
        properties["count"]["description"] = COUNT_DESCRIPTION
        count_exact = {"type": "boolean", "example": True, "description": COUNT_EXACT_DESCRIPTION}
        response["properties"] = {"count": properties.pop("count"), "count_exact": count_exact, **properties}
        response["required"] = ["count", "count_exact", "results"]
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] in (self.page_query_param, self.page_size_query_param):
                parameter["schema"]["minimum"] = 1
        parameters.append(
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": self.cursor_query_description,
                "schema": {"type": "string", "pattern": CURSOR_PATTERN, "maxLength": MAX_CURSOR_LENGTH},
            }
        )
        return parameters
