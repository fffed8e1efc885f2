"""Batch loading per relation, so that no list costs one query per row.

graphql-core resolves a list one object at a time, so a loader cannot wait for the whole
list to ask. Instead, objects fetched together are marked as one batch (``mark_batch``);
the first object of a batch that asks for a relation loads it for every object of the
batch in one query, and the answers are kept for the rest of the request.
"""

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

from catalog.optimization import query_optimization_enabled
from catalog.selectors import author_book_counts, author_books, book_cover_authors, books_by_id

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
        authors = book_cover_authors(book_ids=keys)
        mark_batch([author for found in authors.values() for author in found])
        return authors


class BookCountByAuthor(Loader):
    default = 0

    def batch_load(self, keys: list[int]) -> dict[int, int]:
        return author_book_counts(author_ids=keys)


class BooksByAuthor(Loader):
    """Rows start+1 .. stop+1 of each author's books by title (one more than the page, to see if more follow)."""

    default = list

    def batch_load(self, keys: list[int]) -> dict[int, list]:
        start, stop = self.options
        books = author_books(author_ids=keys, start=start, stop=stop + 1)
        mark_batch([book for found in books.values() for book in found])
        return books


class BookById(Loader):
    def key(self, parent: Any) -> Any:
        return parent.book_id

    def batch_load(self, keys: list[int]) -> dict[int, Any]:
        books = books_by_id(book_ids=keys)
        mark_batch(list(books.values()))
        return books
