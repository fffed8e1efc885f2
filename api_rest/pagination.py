from rest_framework import pagination

from catalog.selectors import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, page_size_clamp


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=`` and ``?page_size=`` (default 20; anything above 100 gives 100)."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_page_message = "Invalid page: {message}"
    page_query_description = "The page number, from 1; `last` is the last page. A page past the end: `not_found`."
    page_size_query_description = (
        f"Results per page: {DEFAULT_PAGE_SIZE} by default, at most {MAX_PAGE_SIZE} (more gives {MAX_PAGE_SIZE})."
    )

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param, "")
        try:
            requested = int(raw) if raw.strip() else None
        except ValueError:
            requested = None
        return page_size_clamp(requested)
