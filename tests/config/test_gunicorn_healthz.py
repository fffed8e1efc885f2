"""gunicorn with config/gunicorn.py answers GET /healthz from its main loop: no free thread needed."""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.throwaway_postgres import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
THREADS = 2


def echo_app(environ, start_response):
    """Sleeps on /sleep; otherwise says what it was asked, so a test can tell who answered."""
    if environ["PATH_INFO"] == "/sleep":
        time.sleep(2)
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    text = f"app {environ['REQUEST_METHOD']} {environ['PATH_INFO']}?{environ['QUERY_STRING']} {body.decode()}"
    data = text.encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(data)))])
    return [data]


@pytest.fixture(scope="module")
def gunicorn():
    port = free_port(range(18100, 18200))
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": str(THREADS),
    }
    env.pop("GUNICORN_WORKER_CLASS", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "tests.config.test_gunicorn_healthz:echo_app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_until(
            lambda: raw(port, b"GET /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").startswith(
                b"HTTP/1.1 200"
            ),
            15,
        )
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def raw(port: int, request: bytes, *, pause: float = 0, timeout: float = 10) -> bytes:
    """Send bytes on a new connection (after `pause` seconds), read until the server closes."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            if pause:
                time.sleep(pause)
            sock.sendall(request)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
            return b"".join(chunks)
    except OSError:
        return b""


PROBE = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: kube-probe/1.31\r\nAccept: */*\r\n\r\n"


def split(answer: bytes) -> tuple[str, dict[str, str], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode().split("\r\n")
    return status, {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}, body


def test_healthz_answers_at_once_while_every_thread_is_stuck(gunicorn):
    sleepers = [
        threading.Thread(target=lambda: urllib.request.urlopen(f"http://127.0.0.1:{gunicorn}/sleep", timeout=20).read())
        for _ in range(2 * THREADS)
    ]
    for sleeper in sleepers:
        sleeper.start()
    time.sleep(0.3)
    try:
        for _ in range(5):
            started = time.monotonic()
            answer = raw(gunicorn, PROBE, timeout=5)
            took = time.monotonic() - started
            status, headers, body = split(answer)
            assert status == "HTTP/1.1 200 OK"
            assert body == b'{"status": "ok"}'
            assert headers["content-type"] == "application/json"
            assert headers["content-length"] == "16"
            assert headers["cache-control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
            assert headers["connection"] == "close"
            assert took < 0.5, took
        # Anything else still waits for a thread.
        started = time.monotonic()
        assert raw(gunicorn, b"GET /other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").endswith(
            b"app GET /other? "
        )
        assert time.monotonic() - started > 1
    finally:
        for sleeper in sleepers:
            sleeper.join(timeout=20)


def test_healthz_on_a_kept_alive_connection_is_answered_while_every_thread_is_stuck(gunicorn):
    with socket.create_connection(("127.0.0.1", gunicorn), timeout=10) as sock:
        sock.sendall(b"GET /first HTTP/1.1\r\nHost: x\r\n\r\n")
        first = b""
        while not first.endswith(b"app GET /first? "):
            chunk = sock.recv(65536)
            assert chunk, first
            first += chunk
        assert first.startswith(b"HTTP/1.1 200") and b"Connection: keep-alive" in first
        sleepers = [
            threading.Thread(
                target=lambda: urllib.request.urlopen(f"http://127.0.0.1:{gunicorn}/sleep", timeout=20).read()
            )
            for _ in range(THREADS)
        ]
        for sleeper in sleepers:
            sleeper.start()
        time.sleep(0.3)
        started = time.monotonic()
        sock.sendall(PROBE)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        took = time.monotonic() - started
        for sleeper in sleepers:
            sleeper.join(timeout=20)
    status, headers, body = split(b"".join(chunks))
    assert status == "HTTP/1.1 200 OK" and body == b'{"status": "ok"}' and headers["connection"] == "close"
    assert took < 0.5, took


@pytest.mark.parametrize(
    ("request_bytes", "expected"),
    [
        (b"GET /healthz?verbose=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", b"app GET /healthz?verbose=1 "),
        (
            b"POST /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi",
            b"app POST /healthz? hi",
        ),
        (
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi",
            b"app GET /healthz? hi",
        ),
        (b"GET /healthzz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", b"app GET /healthzz? "),
        (
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /x HTTP/1.1\r\n\r\n",
            b"app GET /healthz? ",
        ),
    ],
    ids=["query", "post", "body", "other-path", "pipelined"],
)
def test_anything_but_a_plain_probe_goes_to_the_application(gunicorn, request_bytes, expected):
    status, _, body = split(raw(gunicorn, request_bytes))
    assert status == "HTTP/1.1 200 OK"
    assert body == expected


def test_a_request_sent_a_while_after_connecting_is_served(gunicorn):
    status, _, body = split(raw(gunicorn, PROBE, pause=0.3))
    assert status == "HTTP/1.1 200 OK" and body == b'{"status": "ok"}'
    status, _, body = split(raw(gunicorn, b"GET /late HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", pause=0.3))
    assert status == "HTTP/1.1 200 OK" and body == b"app GET /late? "


def test_connections_closed_without_a_request_leave_the_worker_serving(gunicorn):
    for _ in range(50):
        socket.create_connection(("127.0.0.1", gunicorn), timeout=2).close()
    assert split(raw(gunicorn, PROBE))[2] == b'{"status": "ok"}'
    assert (
        split(raw(gunicorn, b"GET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))[2] == b"app GET /after? "
    )
