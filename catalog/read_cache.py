"""Catalog reads at cache speed: one description of a read, shared by both API styles.

Each adapter says which of its requests are catalog reads (books and authors, never a
cart, an order or ``me``) and what their answer depends on, as a ``CatalogRead``. The
middleware (config/read_cache.py) then, before any view runs:

- reads the catalog version (catalog/versioning.py; one single-row query);
- answers ``If-None-Match`` with 304 when the ETag, made of that version and the read's
  key, still matches: no query, no rendering;
- answers an anonymous read from the shared cache, where answers are stored under the
  version, so a write makes every stored answer unreachable at once: invalidation is exact,
  in every worker and replica, with nothing to delete.

The version is read before the data, so an answer is never stored or tagged under a
version newer than the rows it was made from.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

SAFE_METHODS = ("GET", "HEAD")


@dataclass
class CatalogRead:
    """A request whose answer depends only on the catalog and on ``key``."""

    key: str
    style: str  # "rest" or "graphql": how a refusal is worded
    cost: int = 1  # what it charges the client's budget
    # Anything the adapter wants back on the way out (GraphQL: its cost report).
    details: dict[str, Any] = field(default_factory=dict)
    # Whether a repeat of the very same request may be answered in front of Django
    # (config/repeated_reads.py); not when answering it has a side effect of its own.
    replayable: bool = True

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.key.encode()).hexdigest()[:32]


def is_anonymous(request: HttpRequest) -> bool:
    """No credentials of any kind: no Authorization header and no session cookie."""
    return "HTTP_AUTHORIZATION" not in request.META and settings.SESSION_COOKIE_NAME not in request.COOKIES


def etag(version: int, read: CatalogRead) -> str:
    # Weak: GraphQL bodies carry a per-request budget report beside the same data.
    return f'W/"c{version}-{read.digest}"'


def etag_matches(request: HttpRequest, tag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    if not header:
        return False
    if header.strip() == "*":
        return True
    opaque = tag[2:] if tag.startswith("W/") else tag
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate.startswith("W/"):
            candidate = candidate[2:]
        if candidate == opaque:
            return True
    return False


@dataclass(frozen=True)
class StoredAnswer:
    content_type: str
    body: bytes


def _key(version: int, read: CatalogRead) -> str:
    return f"read:{version}:{read.digest}"


class RecentEntries:
    """What this process served last, bounded in bytes, least recently used first out.

    It needs no invalidation of its own: every entry is kept with the catalog version it was
    read at, and the current version is read before each lookup, so after a write no entry
    kept here is ever used again (it ages out). Entries never outlive READ_CACHE_SECONDS.
    ``limit`` names the setting that bounds the bytes (0: keep nothing).
    """

    def __init__(self, limit: str) -> None:
        self._limit = limit
        self._entries: OrderedDict[Any, tuple[float, Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Any, value: Any, size: int) -> None:
        limit = getattr(settings, self._limit)
        if size > limit:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (time.monotonic() + settings.READ_CACHE_SECONDS, value, size)
            self._bytes += size
            while self._bytes > limit:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: Any) -> None:
        self._bytes -= self._entries.pop(key)[2]


# The answers this process stored or fetched last, in front of the shared cache.
recent_answers = RecentEntries("READ_CACHE_LOCAL_BYTES")


def stored(version: int, read: CatalogRead) -> StoredAnswer | None:
    key = _key(version, read)
    answer = recent_answers.get(key)
    if answer is not None:
        return answer
    value = cache.get(key)
    if not isinstance(value, StoredAnswer):
        return None
    recent_answers.put(key, value, len(value.body))
    return value


def store(version: int, read: CatalogRead, answer: StoredAnswer) -> None:
    if len(answer.body) <= settings.READ_CACHE_MAX_BYTES:
        key = _key(version, read)
        cache.set(key, answer, settings.READ_CACHE_SECONDS)
        recent_answers.put(key, answer, len(answer.body))
