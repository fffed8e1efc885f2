"""Django's PostgreSQL backend (psycopg2) with a client-side deadline on every round trip.

Each driver call that waits for the server (execute, executemany, callproc, the fetches of a
named cursor, commit, rollback) runs under a guard of ``config.db.deadline``; past its deadline
the watchdog shuts the socket down and the call fails with ``DeadlineExceeded``, which Django
turns into ``django.db.OperationalError``. Outside a deadline (management commands) a call costs
one attribute read more. See docs/deadlines.md.
"""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import is_psycopg3

from config.db.deadline import deadline, seconds, state, watchdog

if is_psycopg3:
    raise ImproperlyConfigured("config.db.postgresql guards psycopg2 connections, but Django picked psycopg 3.")

import psycopg2
import psycopg2.extensions


class DeadlineExceeded(psycopg2.OperationalError):
    """The server did not answer in time; the connection is closed."""

    deadline_exceeded = True


def _guarded(connection: psycopg2.extensions.connection, call, *args: Any) -> Any:
    timeout = state.timeout
    if timeout is None:
        return call(*args)
    guard = watchdog.arm(connection, timeout, state.until)
    try:
        return call(*args)
    except psycopg2.Error as exc:
        if not guard.fired:
            raise
        if state.in_request:
            state.unreachable = True
        raise DeadlineExceeded(
            f"No answer from the database within {guard.budget_ms} ms; the connection was closed."
        ) from exc
    finally:
        watchdog.disarm(guard)


class GuardedCursor(psycopg2.extensions.cursor):
    def execute(self, query, vars=None):
        return _guarded(self.connection, super().execute, query, vars)

    def executemany(self, query, vars_list):
        return _guarded(self.connection, super().executemany, query, vars_list)

    def callproc(self, procname, *args):
        return _guarded(self.connection, super().callproc, procname, *args)

    # A named (server-side) cursor fetches from the server; an unnamed one holds its rows.

    def fetchone(self):
        if self.name is None:
            return super().fetchone()
        return _guarded(self.connection, super().fetchone)

    def fetchmany(self, size=None):
        if self.name is None:
            return super().fetchmany(size)
        return _guarded(self.connection, super().fetchmany, size)

    def fetchall(self):
        if self.name is None:
            return super().fetchall()
        return _guarded(self.connection, super().fetchall)

    def scroll(self, value, mode="relative"):
        if self.name is None:
            return super().scroll(value, mode)
        return _guarded(self.connection, super().scroll, value, mode)

    def close(self):
        if self.name is None:
            return super().close()
        return _guarded(self.connection, super().close)

    def __iter__(self):
        if self.name is None:
            return super().__iter__()
        return self._named_rows()

    def _named_rows(self) -> Iterator[tuple]:
        while rows := self.fetchmany(self.itersize):
            yield from rows


class GuardedConnection(psycopg2.extensions.connection):
    def commit(self):
        return _guarded(self, super().commit)

    def rollback(self):
        return _guarded(self, super().rollback)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        params["connection_factory"] = GuardedConnection
        params["cursor_factory"] = GuardedCursor
        return params

    def get_new_connection(self, conn_params: dict[str, Any]) -> GuardedConnection:
        # connect_timeout bounds the attempt; one failed attempt is enough for a request.
        if state.unreachable:
            raise psycopg2.OperationalError("The database did not answer earlier in this request.")
        try:
            return super().get_new_connection(conn_params)
        except psycopg2.OperationalError:
            if state.in_request:
                state.unreachable = True
            raise

    def is_usable(self) -> bool:
        # Django's health check of a reused connection: a short deadline of its own. A failed
        # check closes the connection and Django connects again, which is allowed once.
        unreachable = state.unreachable
        try:
            with deadline(seconds(getattr(settings, "DB_HEALTH_CHECK_TIMEOUT_MS", 1000))):
                return super().is_usable()
        finally:
            state.unreachable = unreachable
