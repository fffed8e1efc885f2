"""Batch loading per relation, so that no list costs one query per row.

graphql-core resolves a list one object at a time, so a loader cannot wait for the whole
list to ask. Instead, objects fetched together are marked as one batch (``mark_batch``);
the first object of a batch that asks for a relation loads it for every object of the
batch in one query, and the answers are kept for the rest of the request.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from catalog.models import Author, Book, BookAuthor
from catalog.optimization import query_optimization_enabled

_BATCH = "_graphql_batch"


def mark_batch(objects: Sequence[Any]) -> Sequence[Any]:
    """Mark objects fetched together: a relation asked for one of them is loaded for all of them."""
    for obj in objects:
        setattr(obj, _BATCH, objects)
    return objects


def batch_of(obj: Any) -> Sequence[Any]:
    return getattr(obj, _BATCH, None) or (obj,)


def children(parent: Any, name: str, get: Callable[[Any], Iterable[Any]]) -> list[Any]:
    """``get(parent)`` as a list, with the children of the parent's whole batch marked as one batch.

    ``get`` must not query per parent (use a prefetched relation).
    """
    attribute = f"_graphql_children_{name}"
    if not hasattr(parent, attribute):
        together: list[Any] = []
        for sibling in batch_of(parent):
            kids = list(get(sibling))
            setattr(sibling, attribute, kids)
            together.extend(kids)
        mark_batch(together)
    return getattr(parent, attribute)


def related(parent: Any, name: str, get: Callable[[Any], Any]) -> Any:
    """``get(parent)`` (one object), with those of the parent's whole batch marked as one batch."""
    attribute = f"_graphql_related_{name}"
    if not hasattr(parent, attribute):
        together = []
        for sibling in batch_of(parent):
            value = get(sibling)
            setattr(sibling, attribute, value)
            if value is not None:
                together.append(value)
        mark_batch(together)
    return getattr(parent, attribute)


class Loader:
    """Loads one relation for a whole batch of parents, keyed by ``key(parent)``."""

    default: Any = None

    def __init__(self, *options: Hashable) -> None:
        self.options = options
        self.results: dict[Any, Any] = {}

    def key(self, parent: Any) -> Any:
        return parent.pk

    def batch_load(self, keys: list[Any]) -> dict[Any, Any]:
        raise NotImplementedError

    def load(self, parent: Any) -> Any:
        key = self.key(parent)
        if key not in self.results:
            # With the optimisations switched off (a workshop showing N+1), each parent loads alone.
            keys = {self.key(sibling) for sibling in batch_of(parent)} if query_optimization_enabled() else set()
            keys.add(key)
            keys.difference_update(self.results)
            keys.discard(None)
            loaded = self.batch_load(sorted(keys)) if keys else {}
            for k in keys:
                self.results[k] = loaded.get(k, self.default() if callable(self.default) else self.default)
        return self.results.get(key)


def loader(info: Any, loader_class: type[Loader], *options: Hashable) -> Loader:
    """The request's loader for a relation (and options such as a page window)."""
    request = info.context
    loaders = request.__dict__.setdefault("_graphql_loaders", {})
    index = (loader_class, options)
    if index not in loaders:
        loaders[index] = loader_class(*options)
    return loaders[index]


class AuthorsByBook(Loader):
    """A book's authors in cover order."""

    default = list

    def batch_load(self, keys: list[int]) -> dict[int, list]:
        found = (
            Author.objects.filter(book_links__book_id__in=keys)
            .annotate(for_book=F("book_links__book_id"), position=F("book_links__position"), link=F("book_links__id"))
            .order_by("for_book", "position", "link")
            # The Author type shows nothing else.
            .only("id", "name", "bio")
        )
        authors: dict[int, list] = defaultdict(list)
        for author in mark_batch(list(found)):
            authors[author.for_book].append(author)
        return authors


class BookCountByAuthor(Loader):
    default = 0

    def batch_load(self, keys: list[int]) -> dict[int, int]:
        counts = BookAuthor.objects.filter(author_id__in=keys).values("author_id").annotate(n=Count("id"))
        return {row["author_id"]: row["n"] for row in counts.order_by()}


class BooksByAuthor(Loader):
    """Rows start+1 .. stop+1 of each author's books by title (one more than the page, to see if more follow)."""

    default = list

    def batch_load(self, keys: list[int]) -> dict[int, list]:
        start, stop = self.options
        found = (
            Book.objects.filter(author_links__author_id__in=keys)
            .annotate(
                for_author=F("author_links__author_id"),
                row=Window(
                    RowNumber(),
                    partition_by=[F("author_links__author_id")],
                    order_by=[F("title").asc(), F("id").asc()],
                ),
            )
            .filter(row__gt=start, row__lte=stop + 1)
            .order_by("for_author", "row")
        )
        books: dict[int, list] = defaultdict(list)
        for book in mark_batch(list(found)):
            books[book.for_author].append(book)
        return books


class BookById(Loader):
    def key(self, parent: Any) -> Any:
        return parent.book_id

    def batch_load(self, keys: list[int]) -> dict[int, Book]:
        books = Book.objects.in_bulk(keys)
        mark_batch(list(books.values()))
        return books
