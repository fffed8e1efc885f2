"""Persisted queries: Apollo's Automatic Persisted Queries protocol, and an allow-list mode.

A client sends ``extensions: {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}``
without the query text. A known hash runs its document; an unknown one answers the error
``PERSISTED_QUERY_NOT_FOUND``, and the client sends the text once more with the hash,
which stores it in the shared cache for every worker and replica. Then a query is a short
GET, which HTTP caches, ETags and 304s serve like any REST read.

With ``GRAPHQL_PERSISTED_ONLY=1`` only the documents of the operator's manifest
(``GRAPHQL_PERSISTED_MANIFEST``, Apollo's persisted-query manifest format, made by
``manage.py graphql_manifest``) run, sent by hash or in full; nothing is registered.
"""

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache

from catalog.errors import ErrorCode

_HASH = re.compile(r"^[0-9a-f]{64}$")


class PersistedQueryError(Exception):
    """The request names a document the server cannot run; ``code`` is Apollo's where it has one."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def document_hash(query: str) -> str:
    return hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()


@lru_cache(maxsize=4)
def _manifest(path: str, modified: float) -> dict[str, str]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    operations = data.get("operations", []) if isinstance(data, dict) else []
    return {op["id"]: op["body"] for op in operations if isinstance(op, dict) and "id" in op and "body" in op}


def manifest() -> dict[str, str]:
    """The allow-list: sha256 hash -> document."""
    path = settings.GRAPHQL_PERSISTED_MANIFEST
    if not path:
        return {}
    file = Path(path)
    if not file.is_absolute():
        file = Path(settings.BASE_DIR) / file
    if not file.exists():
        return {}
    return _manifest(str(file), file.stat().st_mtime)


def _cache_key(digest: str) -> str:
    return f"apq:{digest}"


def persisted_hash(extensions: Any) -> str | None:
    """The sha256 hash a request names, or None when it names none; refuses a malformed one."""
    if not isinstance(extensions, dict) or "persistedQuery" not in extensions:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise PersistedQueryError(
            "extensions.persistedQuery must be {version: 1, sha256Hash}.", ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED
        )
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _HASH.match(digest):
        raise PersistedQueryError("sha256Hash must be 64 lowercase hex digits.", ErrorCode.INVALID)
    return digest


def lookup(digest: str) -> str | None:
    """The document stored under ``digest``, from the manifest or (unless allow-list mode) the shared cache."""
    known = manifest().get(digest)
    if known is not None or settings.GRAPHQL_PERSISTED_ONLY:
        return known
    value = cache.get(_cache_key(digest))
    return value if isinstance(value, str) else None


def resolve_query(query: Any, extensions: Any) -> tuple[Any, str | None]:
    """The document text to run for a request's ``query`` and ``extensions``, and the hash to
    register it under once it has passed validation (None when there is nothing to register).

    Raises PersistedQueryError for an unknown hash, a hash that does not match the text, or,
    in allow-list mode, a document not on the list.
    """
    digest = persisted_hash(extensions)
    if digest is None:
        if settings.GRAPHQL_PERSISTED_ONLY and isinstance(query, str) and document_hash(query) not in manifest():
            raise PersistedQueryError(
                "Only persisted documents run on this server; send a known sha256Hash.",
                ErrorCode.PERSISTED_QUERY_NOT_IN_LIST,
            )
        return query, None
    if query is None or query == "":
        stored = lookup(digest)
        if stored is None:
            if settings.GRAPHQL_PERSISTED_ONLY:
                raise PersistedQueryError("No persisted document has this hash.", ErrorCode.PERSISTED_QUERY_NOT_IN_LIST)
            raise PersistedQueryError("PersistedQueryNotFound", ErrorCode.PERSISTED_QUERY_NOT_FOUND)
        return stored, None
    if not isinstance(query, str):
        return query, None  # the view refuses it
    if document_hash(query) != digest:
        raise PersistedQueryError("The sha256Hash does not match the query.", ErrorCode.INVALID)
    if settings.GRAPHQL_PERSISTED_ONLY:
        if digest not in manifest():
            raise PersistedQueryError(
                "Only persisted documents run on this server; this one is not on the list.",
                ErrorCode.PERSISTED_QUERY_NOT_IN_LIST,
            )
        return query, None
    return query, digest


def register(digest: str, query: str) -> None:
    """Keep a validated document under its hash in the shared cache."""
    if lookup(digest) != query:
        cache.set(_cache_key(digest), query, settings.GRAPHQL_PERSISTED_SECONDS)
