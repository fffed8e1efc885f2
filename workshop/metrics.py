"""What each API request cost: SQL queries, SQL time, server time, response size.

REST responses carry ``X-DB-Queries`` and ``Server-Timing`` headers; GraphQL JSON
responses carry the same figures in ``extensions.metrics`` too. The middleware is
only installed when ``REQUEST_METRICS`` is on, so production pays nothing for it.

When the shared cache lives in the database (``make run``: no REDIS_URL), its own
statements (budget counts, stored answers, persisted documents) are counted apart, in
``X-DB-Cache-Queries`` and a ``dbcache`` Server-Timing entry: ``X-DB-Queries`` stays
what the request's work cost, whichever cache the server was given.
"""

import json
import re
import time
from contextlib import ExitStack

from django.conf import settings
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.utils.module_loading import import_string

from catalog.optimization import query_optimization

METERED_PREFIXES = ("/api/", "/graphql/")
OPTIMIZATION_HEADER = "X-Query-Optimization"
GRAPHQL_MEDIA_TYPES = ("application/json", "application/graphql-response+json")
_TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def database_cache_tables() -> tuple[str, ...]:
    """The tables of the configured caches that keep their entries in the database."""
    tables = []
    for options in settings.CACHES.values():
        try:
            backend = import_string(options["BACKEND"])
        except ImportError:
            continue
        if isinstance(backend, type) and issubclass(backend, DatabaseCache) and options.get("LOCATION"):
            tables.append(options["LOCATION"])
    return tuple(tables)


class QueryStats:
    """An execute wrapper that counts statements and their time (savepoints excluded),
    those on a database cache's table apart."""

    def __init__(self, cache_tables: tuple[str, ...] = ()) -> None:
        self.count = 0
        self.seconds = 0.0
        self.cache_count = 0
        self.cache_seconds = 0.0
        names = "|".join(re.escape(table) for table in cache_tables)
        self._cache_statement = re.compile(rf"\b(?:{names})\b") if names else None

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statement = str(sql)
            if not statement.lstrip().upper().startswith(_TRANSACTION_CONTROL):
                elapsed = time.perf_counter() - started
                if self._cache_statement and self._cache_statement.search(statement):
                    self.cache_count += 1
                    self.cache_seconds += elapsed
                else:
                    self.count += 1
                    self.seconds += elapsed


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        if not getattr(settings, "REQUEST_METRICS", False):
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.cache_tables = database_cache_tables()

    def __call__(self, request):
        if not request.path.startswith(METERED_PREFIXES):
            return self.get_response(request)
        optimize = request.headers.get(OPTIMIZATION_HEADER, "on").strip().lower() != "off"
        stats = QueryStats(self.cache_tables)
        started = time.perf_counter()
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(stats))
            stack.enter_context(query_optimization(optimize))
            response = self.get_response(request)
        server_ms = (time.perf_counter() - started) * 1000
        db_ms = stats.seconds * 1000
        response["X-DB-Queries"] = str(stats.count)
        response["X-Query-Optimization"] = "on" if optimize else "off"
        timing = [f'db;dur={db_ms:.2f};desc="{stats.count} SQL queries"']
        cache_queries = None
        if self.cache_tables:
            cache_queries = stats.cache_count
            response["X-DB-Cache-Queries"] = str(cache_queries)
            timing.append(
                f'dbcache;dur={stats.cache_seconds * 1000:.2f};desc="{cache_queries} SQL queries of the database cache"'
            )
        response["Server-Timing"] = ", ".join([*timing, f"app;dur={server_ms:.2f}"])
        if request.path.startswith("/graphql/") and not response.streaming:
            self._add_graphql_extensions(response, stats.count, db_ms, server_ms, cache_queries)
        return response

    @staticmethod
    def _add_graphql_extensions(
        response, queries: int, db_ms: float, server_ms: float, cache_queries: int | None
    ) -> None:
        media_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if media_type not in GRAPHQL_MEDIA_TYPES:
            return
        try:
            body = json.loads(response.content)
        except ValueError:
            return
        if not isinstance(body, dict):
            return
        body.setdefault("extensions", {})["metrics"] = {
            "dbQueries": queries,
            "dbTimeMs": round(db_ms, 2),
            "serverTimeMs": round(server_ms, 2),
            "responseBytes": len(response.content),
            "queryOptimization": response["X-Query-Optimization"] == "on",
        }
        if cache_queries is not None:
            body["extensions"]["metrics"]["dbCacheQueries"] = cache_queries
        response.content = json.dumps(body, separators=(",", ":")).encode()
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
