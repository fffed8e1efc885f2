"""Client-side deadlines on database round trips.

A round trip to a server that stopped answering (frozen, swapped out, cut off by a silent
network) blocks in the driver for as long as the socket stays open: ``connect_timeout`` only
covers connecting and ``statement_timeout`` needs a server that runs. So, for the duration of
one blocking driver call, a guard records the call's deadline and its connection; one watchdog
thread per process shuts the connection's socket down once a deadline has passed, and the
blocked call returns at once with an error. The guards are set by the backend in
``config.db.postgresql``; the deadlines by ``request_scope`` and ``deadline`` below.
See docs/deadlines.md.
"""

import logging
import math
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

logger = logging.getLogger(__name__)


class _State(threading.local):
    # Seconds one round trip may wait (None: as long as it takes) and the time.monotonic()
    # past which none waits (None: no such point).
    timeout: float | None = None
    until: float | None = None
    in_request: bool = False
    # The database failed to answer once in this request: no second connect attempt.
    unreachable: bool = False


state = _State()


class HasSocket(Protocol):
    def fileno(self) -> int: ...


class Guard:
    __slots__ = ("deadline", "fired", "started", "target")

    def __init__(self, target: HasSocket, started: float, deadline: float) -> None:
        self.target = target
        self.started = started
        self.deadline = deadline
        self.fired = False

    @property
    def budget_ms(self) -> int:
        return round((self.deadline - self.started) * 1000)


class Watchdog:
    """One thread that shuts down the socket of every guard whose deadline has passed.

    ``arm`` and ``disarm`` take one uncontended lock each and wake the thread only when the new
    deadline comes before the moment it already meant to look again. The socket is duplicated
    under the same lock: the owner cannot have disarmed (and so cannot have closed or reused its
    file descriptor) while the watchdog holds it, so the shutdown always hits the right socket.
    """

    # With no guard left, the thread looks once more after this long, then sleeps until woken.
    LINGER = 1.0

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._lock = threading.Lock()
        # arm and disarm are on every query's path: bound methods, and no `with`, cost half as much.
        self._acquire = self._lock.acquire
        self._release = self._lock.release
        self._wake = threading.Event()
        self._guards: set[Guard] = set()
        self._wake_at = math.inf
        self._armed = 0
        self._thread: threading.Thread | None = None
        self.fired = 0

    def arm(self, target: HasSocket, timeout: float, until: float | None = None) -> Guard:
        started = time.monotonic()
        deadline = started + timeout
        if until is not None and until < deadline:
            deadline = until
        guard = Guard(target, started, deadline)
        # Nothing between acquire and release can raise.
        self._acquire()
        self._guards.add(guard)
        self._armed += 1
        wake = deadline < self._wake_at
        if wake:
            self._wake_at = deadline
        self._release()
        if wake:
            self._wake_up()
        return guard

    def disarm(self, guard: Guard) -> None:
        self._acquire()
        self._guards.discard(guard)
        self._release()

    def _wake_up(self) -> None:
        if self._thread is None:
            with self._lock:
                thread = None
                if self._thread is None:
                    thread = self._thread = threading.Thread(target=self._run, name="db-deadline-watchdog", daemon=True)
            if thread is not None:
                thread.start()
        self._wake.set()

    def active(self) -> int:
        with self._lock:
            return len(self._guards)

    def _run(self) -> None:
        timeout: float | None = None
        seen = -1
        while True:
            self._wake.wait(timeout)
            self._wake.clear()
            try:
                timeout, seen = self._pass(seen)
            except Exception:
                # The thread must outlive any surprise: without it no deadline holds.
                logger.exception("Database deadline watchdog pass failed")
                timeout = self.LINGER

    def _pass(self, seen: int) -> tuple[float | None, int]:
        """Shut down what is due; return how long to sleep and the arm count seen."""
        due: list[tuple[Guard, int]] = []
        with self._lock:
            now = time.monotonic()
            for guard in [guard for guard in self._guards if guard.deadline <= now]:
                self._guards.discard(guard)
                guard.fired = True
                self.fired += 1
                try:
                    due.append((guard, os.dup(guard.target.fileno())))
                except Exception:
                    # Closed already: there is no socket left to wait on.
                    logger.debug("Deadline passed on a closed database connection", exc_info=True)
            if self._guards:
                self._wake_at = min(guard.deadline for guard in self._guards)
            elif self._armed != seen:
                self._wake_at = now + self.LINGER
            else:
                self._wake_at = math.inf
            seen = self._armed
            timeout = None if self._wake_at == math.inf else max(self._wake_at - now, 0.0)
        for guard, fd in due:
            _shut_down(fd)
            logger.warning("A database call got no answer within %d ms; its connection was shut down.", guard.budget_ms)
        return timeout, seen


def _shut_down(fd: int) -> None:
    try:
        sock = socket.socket(fileno=fd)
    except OSError:
        os.close(fd)
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        sock.close()


watchdog = Watchdog()
# A forked child (a gunicorn worker) has none of its parent's threads: start afresh.
os.register_at_fork(after_in_child=watchdog._reset)


def seconds(milliseconds: int | float | None) -> float | None:
    """A setting in milliseconds as seconds; 0 or None means no deadline."""
    return milliseconds / 1000 if milliseconds else None


@contextmanager
def deadline(timeout: float | None, *, until: float | None = None) -> Iterator[None]:
    """Round trips in this block wait at most ``timeout`` seconds each and none past ``until``.

    Only ever tightens what an outer block set; None leaves a bound as it is.
    """
    previous = state.timeout, state.until
    if timeout is not None:
        state.timeout = timeout if previous[0] is None else min(previous[0], timeout)
    if until is not None:
        state.until = until if previous[1] is None else min(previous[1], until)
    try:
        yield
    finally:
        state.timeout, state.until = previous


@contextmanager
def request_scope(timeout: float | None, *, unreachable: bool = False) -> Iterator[None]:
    """Serve one request: each round trip waits at most ``timeout`` seconds, one connect failure ends it.

    ``unreachable``: the database already failed to answer for this request (in front of
    Django, config/repeated_reads.py), so no connect is tried again.
    """
    previous = state.timeout, state.until, state.in_request, state.unreachable
    state.timeout, state.until, state.in_request, state.unreachable = timeout, None, True, unreachable
    try:
        yield
    finally:
        state.timeout, state.until, state.in_request, state.unreachable = previous


# Set in a request's WSGI environ when the database failed to answer in front of Django.
UNREACHABLE = "hybrid.database_unreachable"


def exceeded(exc: BaseException | None) -> bool:
    """Whether this error (or the driver error it wraps) is a deadline that passed."""
    for _ in range(4):
        if exc is None:
            return False
        if getattr(exc, "deadline_exceeded", False):
            return True
        exc = exc.__cause__
    return False
