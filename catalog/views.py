"""The library website: a searchable, paginated book list and a page per book."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import NotFound, validation_error_items
from .filters import BookFilter
from .models import Book
from .pagination import CountingPaginator, ListCount
from .selectors import book_get, book_list

PAGE_SIZE = 20


def count_text(count: ListCount, noun: str = "book") -> str:
    """ "20 books", "1,000+ books" (a lower bound) or "about 1,000,172 books" (an estimate)."""
    plural = noun if count.value == 1 and count.exact else f"{noun}s"
    if count.exact:
        return f"{count.value:,} {plural}"
    if count.estimated:
        return f"about {count.value:,} {plural}"
    return f"{count.value:,}+ {plural}"


def book_list_page(request: HttpRequest) -> HttpResponse:
    filters = {key: request.GET[key] for key in BookFilter.base_filters if request.GET.get(key, "") != ""}
    errors = []
    status = 200
    try:
        books = book_list(filters=filters)
    except ValidationError as exc:
        errors = validation_error_items(exc)
        books = Book.objects.none()
        status = 400
    paginator = CountingPaginator(books, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "count_text": count_text(paginator.list_count),
        "count_exact": paginator.list_count.exact,
        "filters": filters,
        # The form shows every filter of the FilterSet, as its form field draws it.
        "form": BookFilter(data=filters, queryset=books).form,
        "errors": errors,
        "query_without_page": query.urlencode(),
        "rest_url": f"/api/books/?{query.urlencode()}" if query else "/api/books/",
    }
    return render(request, "catalog/book_list.html", context, status=status)


def book_detail_page(request: HttpRequest, book_id: int) -> HttpResponse:
    try:
        book = book_get(book_id=book_id)
    except NotFound:
        raise Http404("Book not found.") from None
    return render(request, "catalog/book_detail.html", {"book": book})
