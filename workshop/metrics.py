"""What each API request cost: SQL queries, SQL time, server time, response size.

REST responses carry ``X-DB-Queries`` and ``Server-Timing`` headers; GraphQL JSON
responses carry the same figures in ``extensions.metrics`` too. The middleware is
only installed when ``REQUEST_METRICS`` is on, so production pays nothing for it.
"""

import json
import time
from contextlib import ExitStack

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections

from catalog.optimization import query_optimization

METERED_PREFIXES = ("/api/", "/graphql/")
OPTIMIZATION_HEADER = "X-Query-Optimization"
GRAPHQL_MEDIA_TYPES = ("application/json", "application/graphql-response+json")
_TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


class QueryStats:
    """An execute wrapper that counts statements and their time (savepoints excluded)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if not str(sql).lstrip().upper().startswith(_TRANSACTION_CONTROL):
                self.count += 1
                self.seconds += time.perf_counter() - started


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        if not getattr(settings, "REQUEST_METRICS", False):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(METERED_PREFIXES):
            return self.get_response(request)
        optimize = request.headers.get(OPTIMIZATION_HEADER, "on").strip().lower() != "off"
        stats = QueryStats()
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
        response["Server-Timing"] = f'db;dur={db_ms:.2f};desc="{stats.count} SQL queries", app;dur={server_ms:.2f}'
        if request.path.startswith("/graphql/") and not response.streaming:
            self._add_graphql_extensions(response, stats.count, db_ms, server_ms)
        return response

    @staticmethod
    def _add_graphql_extensions(response, queries: int, db_ms: float, server_ms: float) -> None:
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
        response.content = json.dumps(body, separators=(",", ":")).encode()
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
