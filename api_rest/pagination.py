from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from catalog.errors import ErrorCode, error
from catalog.pagination import CURSOR_PATTERN, MAX_CURSOR_LENGTH, KeysetPage, keyset_page, row_count
from catalog.selectors import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, page_size
from catalog.text import parse_int


class CountingPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        return row_count(self.object_list)


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
    page_query_description = "The page number, from 1; `last` is the last page. A page past the end: `not_found`."
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

    def get_page_number(self, request, paginator):
        # Plain digits only: Django's paginator would also read "1_0" as page 10.
        raw = request.query_params.get(self.page_query_param) or 1
        if raw in self.last_page_strings or isinstance(raw, int):
            return raw
        if parse_int(raw) is None:
            raise NotFound(self.invalid_page_message.format(message="That page number is not an integer"))
        return raw

    def paginate_queryset(self, queryset, request, view=None):
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor is None:
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        self._check_page_number(request)  # ignored in this mode, but refused when it is no page number
        self.count = row_count(queryset)
        self.keyset = keyset_page(
            queryset, first=self.get_page_size(request), after=cursor or None, after_field=self.cursor_query_param
        )
        return self.keyset.items

    def get_paginated_response(self, data):
        if self.keyset is None:
            return super().get_paginated_response(data)
        return Response({"count": self.count, "next": self.get_next_link(), "previous": None, "results": data})

    def get_next_link(self):
        if self.keyset is None:
            return super().get_next_link()
        if not self.keyset.has_next:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, self.keyset.end_cursor)

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            "Objects in the whole list: exact, except for an unfiltered list of more than 100,000 rows, "
            "where it is the database's estimate (typically within a few percent)."
        )
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
