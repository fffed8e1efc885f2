"""The watchdog alone: a guarded call blocked on a silent socket returns at its deadline."""

import os
import socket
import threading
import time
from unittest import mock

import pytest

from config.db.deadline import Watchdog, deadline, exceeded, request_scope, state, watchdog


@pytest.fixture
def silent_pair():
    """A connected socket whose peer never sends anything: a recv() on it blocks."""
    mine, peer = socket.socketpair()
    yield mine, peer
    mine.close()
    peer.close()


def blocked_recv(dog: Watchdog, sock: socket.socket, timeout: float, until: float | None = None):
    started = time.monotonic()
    guard = dog.arm(sock, timeout, until)
    try:
        data = sock.recv(1)
    finally:
        dog.disarm(guard)
    return data, time.monotonic() - started, guard


def test_a_call_blocked_past_its_deadline_returns_at_the_deadline(silent_pair):
    mine, _ = silent_pair
    data, waited, guard = blocked_recv(Watchdog(), mine, 0.2)
    # shutdown(SHUT_RDWR) ends the blocked read as if the peer had closed.
    assert data == b""
    assert guard.fired
    assert 0.19 <= waited < 0.5, waited


def test_a_call_that_answers_in_time_keeps_its_connection(silent_pair):
    mine, peer = silent_pair
    dog = Watchdog()
    peer.send(b"x")
    data, _, guard = blocked_recv(dog, mine, 0.2)
    assert data == b"x"
    time.sleep(0.4)
    assert not guard.fired and dog.fired == 0 and dog.active() == 0
    # The socket still works both ways.
    mine.send(b"y")
    assert peer.recv(1) == b"y"


def test_an_earlier_deadline_armed_later_fires_first():
    dog = Watchdog()
    slow_mine, slow_peer = socket.socketpair()
    fast_mine, fast_peer = socket.socketpair()
    try:
        slow_guard = dog.arm(slow_mine, 5.0)
        data, waited, fast_guard = blocked_recv(dog, fast_mine, 0.2)
        assert data == b"" and fast_guard.fired and waited < 0.5
        assert not slow_guard.fired
        dog.disarm(slow_guard)
    finally:
        for sock in (slow_mine, slow_peer, fast_mine, fast_peer):
            sock.close()


def test_until_caps_the_deadline(silent_pair):
    mine, _ = silent_pair
    _, waited, guard = blocked_recv(Watchdog(), mine, 10.0, until=time.monotonic() + 0.2)
    assert guard.fired and waited < 0.5
    assert guard.budget_ms <= 200


def test_many_threads_each_get_their_own_deadline():
    dog = Watchdog()
    pairs = [socket.socketpair() for _ in range(8)]
    results = {}

    def worker(index, sock):
        results[index] = blocked_recv(dog, sock, 0.1 + 0.05 * index)[1]

    threads = [threading.Thread(target=worker, args=(i, pair[0])) for i, pair in enumerate(pairs)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=5)
        assert sorted(results) == list(range(8))
        for index, waited in results.items():
            assert 0.1 + 0.05 * index - 0.01 <= waited < 0.1 + 0.05 * index + 0.3, (index, waited)
        assert dog.fired == 8 and dog.active() == 0
    finally:
        for mine, peer in pairs:
            mine.close()
            peer.close()


def test_a_closed_target_is_skipped_without_harm():
    class Closed:
        def fileno(self):
            raise OSError("closed")

    dog = Watchdog()
    guard = dog.arm(Closed(), 0.05)
    time.sleep(0.3)
    assert guard.fired and dog.active() == 0
    # The thread survived: it still serves the next guard.
    mine, peer = socket.socketpair()
    with mine, peer:
        assert blocked_recv(dog, mine, 0.1)[2].fired


def test_the_thread_outlives_a_failed_pass(silent_pair, caplog):
    from config.db import deadline as module

    real = module._shut_down
    calls = []

    def fail_once(fd):
        calls.append(fd)
        if len(calls) == 1:
            os.close(fd)
            raise RuntimeError("surprise")
        real(fd)

    dog = Watchdog()
    first_mine, first_peer = socket.socketpair()
    with mock.patch.object(module, "_shut_down", fail_once), first_mine, first_peer:
        guard = dog.arm(first_mine, 0.05)
        assert wait_for(lambda: guard.fired and calls)
        dog.disarm(guard)
        mine, _ = silent_pair
        data, waited, second = blocked_recv(dog, mine, 0.1)
    assert data == b"" and second.fired and waited < 0.5
    assert "watchdog pass failed" in caplog.text


def wait_for(predicate, timeout=2.0):
    deadline_at = time.monotonic() + timeout
    while time.monotonic() < deadline_at and not predicate():
        time.sleep(0.01)
    return predicate()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_gets_a_watchdog_of_its_own(silent_pair):
    mine, _ = silent_pair
    # The parent's watchdog has a thread; the child inherits none and must start its own.
    blocked_recv(watchdog, mine, 0.05)
    child_sock, child_peer = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        code = 1
        try:
            data, waited, guard = blocked_recv(watchdog, child_sock, 0.1)
            code = 0 if data == b"" and guard.fired and waited < 1 else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    child_sock.close()
    child_peer.close()
    assert os.waitstatus_to_exitcode(status) == 0


def test_deadline_only_tightens_and_request_scope_resets():
    assert state.timeout is None and not state.in_request
    with request_scope(3.0):
        assert state.timeout == 3.0 and state.in_request and not state.unreachable
        state.unreachable = True
        with deadline(1.0, until=100.0):
            assert (state.timeout, state.until) == (1.0, 100.0)
            with deadline(5.0, until=200.0):
                assert (state.timeout, state.until) == (1.0, 100.0)
        assert (state.timeout, state.until) == (3.0, None)
        with request_scope(None):
            assert state.timeout is None and not state.unreachable
        assert state.unreachable
    assert state.timeout is None and not state.in_request and not state.unreachable


def test_exceeded_follows_the_wrapped_driver_error():
    class DriverTimeout(Exception):
        deadline_exceeded = True

    try:
        try:
            raise DriverTimeout
        except DriverTimeout as driver_error:
            raise RuntimeError("wrapped") from driver_error
    except RuntimeError as wrapped:
        assert exceeded(wrapped)
    assert not exceeded(RuntimeError("other"))
    assert not exceeded(None)
