"""Liveness and readiness probes for compose and orchestrators.

Under gunicorn with config/gunicorn.py, ``GET /healthz`` on a new connection is answered by the
worker's main loop before it reaches Django (so it needs no free thread); the view below answers
everywhere else (runserver, kept-alive connections, the test client) with the same response.
"""

import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .db.deadline import deadline, exceeded, seconds
from .middleware import RETRY_AFTER_SECONDS

# /readyz's last database wait ends this long after its connect timeout would (see _check_database).
READYZ_SLACK_SECONDS = 0.5


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive; says nothing of the database."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready when the database answers and no migration is pending, said within a bounded time."""
    checks = {"database": "ok", "migrations": "ok"}
    try:
        pending = _check_database(connections[DEFAULT_DB_ALIAS])
        if pending:
            checks["migrations"] = f"{pending} pending"
    except Error:
        checks["database"] = "unavailable"
        checks["migrations"] = "unknown"
    ready = all(value == "ok" for value in checks.values())
    response = JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
    if not ready:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _check_database(connection: BaseDatabaseWrapper) -> int:
    """The number of pending migrations; a database Error when the database does not answer in time.

    Each query waits at most READYZ_DB_TIMEOUT_MS and none past connect timeout + 0.5 s from the
    start (2.5 s by default). A kept connection is tried first: if it is silent, the server is,
    and that is the answer; if it is broken (the server restarted), one new connection is tried,
    when a whole connect timeout still fits.
    """
    connect_timeout = float(connection.settings_dict.get("OPTIONS", {}).get("connect_timeout") or 0)
    started = time.monotonic()
    until = started + connect_timeout + READYZ_SLACK_SECONDS
    with deadline(seconds(settings.READYZ_DB_TIMEOUT_MS), until=until):
        answered = False
        if connection.connection is not None:
            # This SELECT 1 is the health check: Django's own would add a wait of its own.
            connection.health_check_done = True
            try:
                _select_one(connection)
                answered = True
            except Error as exc:
                # A connection closed earlier (InterfaceError) is broken too: connect again.
                if exceeded(exc) or connection.in_atomic_block or until - time.monotonic() < connect_timeout:
                    raise
                connection.close()
        if not answered:
            _select_one(connection)
        executor = MigrationExecutor(connection)
        return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _select_one(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
