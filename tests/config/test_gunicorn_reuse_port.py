"""GUNICORN_REUSE_PORT=1: two gunicorn masters share one port and both get connections.

This is how replicas on one host network (the offline Docker engine) scale out.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pid_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Connection", "close")])
    return [str(os.getpid()).encode()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_REUSE_PORT": "1",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "1",
    }
    env.pop("GUNICORN_WORKER_CLASS", None)
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "tests.config.test_gunicorn_reuse_port:pid_app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def get(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
        return response.read().decode()


def test_two_masters_share_one_port_and_both_serve():
    port = free_port()
    masters = [start(port), start(port)]
    try:
        seen: set[str] = set()
        deadline = time.monotonic() + 30
        # New connections come from new source ports, so the kernel spreads them over both
        # listening sockets once both masters listen; the second may still be booting at first.
        for _ in range(1500):
            if len(seen) == 2 or time.monotonic() > deadline:
                break
            with contextlib.suppress(OSError):
                seen.add(get(port))
            time.sleep(0.02)
        assert all(master.poll() is None for master in masters), "a master failed to bind the shared port"
        assert len(seen) == 2, f"only worker(s) {seen} answered"
    finally:
        for master in masters:
            if master.poll() is None:
                master.terminate()
        for master in masters:
            try:
                master.wait(timeout=30)
            except subprocess.TimeoutExpired:
                master.kill()
                master.wait(timeout=10)
