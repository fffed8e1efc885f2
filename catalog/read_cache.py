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


def stored(version: int, read: CatalogRead) -> StoredAnswer | None:
    value = cache.get(_key(version, read))
    return value if isinstance(value, StoredAnswer) else None


def store(version: int, read: CatalogRead, answer: StoredAnswer) -> None:
    if len(answer.body) <= settings.READ_CACHE_MAX_BYTES:
        cache.set(_key(version, read), answer, settings.READ_CACHE_SECONDS)
