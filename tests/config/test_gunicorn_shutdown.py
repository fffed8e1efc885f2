"""gunicorn with config/gunicorn.py stops gracefully: requests taken finish, new ones are refused."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def slow_app(environ, start_response):
    time.sleep(float(environ.get("QUERY_STRING") or 0))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"done"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"gunicorn did not listen on {port}")


@pytest.fixture
def gunicorn():
    port = free_port()
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "2"}
    env.pop("GUNICORN_WORKER_CLASS", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "tests.config.test_gunicorn_shutdown:slow_app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, time.monotonic() + 15)
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        process.stderr.close()


def test_sigterm_lets_requests_in_flight_finish_and_refuses_new_connections(gunicorn):
    process, port = gunicorn
    results = {}

    def slow_request():
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?4", timeout=15) as response:
            results["status"], results["body"] = response.status, response.read()

    in_flight = threading.Thread(target=slow_request)
    in_flight.start()
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)

    # Not queued in the backlog only to be reset later: refused soon after the signal (however
    # busy the machine), while the request in flight is still running, so a client can retry elsewhere.
    refused = False
    deadline = time.monotonic() + 3
    while not refused and time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            time.sleep(0.1)
        except ConnectionRefusedError:
            refused = True
    assert refused
    assert results == {}, "refused while the request in flight still runs"

    in_flight.join(timeout=15)
    assert results == {"status": 200, "body": b"done"}
    assert process.wait(timeout=10) == 0
