"""Two gunicorn workers count one budget: through Redis, and through the database cache without it."""

import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS = ("127.0.0.1", 6379)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_reachable() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
        return True
    except OSError:
        return False


def request(port: int, path: str, body: dict | None = None, headers: dict | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def serve(tmp_path, extra_env: dict):
    database = tmp_path / "db.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("THROTTLE_", "GUNICORN_", "REDIS_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "0",
        "WORKSHOP_MODE": "0",
        "SECRET_KEY": "shared-budget-test-key-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": f"sqlite:///{database}",
        "THROTTLE_ANON_RATE": "30/minute",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "1",
        **extra_env,
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if request(port, "/healthz") == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise TimeoutError(process.stderr.read().decode()[-2000:])


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def forged() -> dict:
    return {"X-Forwarded-For": f"198.51.{random.randrange(256)}.{random.randrange(256)}"}


def assert_one_budget(port: int) -> None:
    # 45 anonymous REST requests with random X-Forwarded-For, in parallel over both workers.
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda _: request(port, "/api/books/?page_size=1", headers=forged()), range(45)))
    assert statuses.count(200) <= 30
    assert statuses.count(200) >= 25, statuses  # the budget is spent, not the service
    assert set(statuses) <= {200, 429}
    assert request(port, "/graphql/", {"query": "{ books(first: 1) { totalCount } }"}, forged()) == 429


@pytest.mark.skipif(not redis_reachable() and os.environ.get("CI") != "true", reason="no Redis on 127.0.0.1:6379")
def test_two_workers_share_one_budget_in_redis(tmp_path):
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    process, port = serve(tmp_path, {"REDIS_URL": "redis://127.0.0.1:6379/5", "CACHE_KEY_PREFIX": prefix})
    try:
        assert_one_budget(port)
    finally:
        stop(process)


def test_two_workers_share_one_budget_in_the_database_cache(tmp_path):
    process, port = serve(tmp_path, {})
    try:
        assert_one_budget(port)
    finally:
        stop(process)


@pytest.mark.skipif(not redis_reachable() and os.environ.get("CI") != "true", reason="no Redis on 127.0.0.1:6379")
def test_a_redis_that_is_away_degrades_to_serving_with_a_log_line(tmp_path):
    # Nothing listens on this port: every cache call fails fast, requests are still served.
    process, port = serve(tmp_path, {"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"})
    try:
        statuses = [request(port, "/api/books/?page_size=1") for _ in range(5)]
        statuses.append(request(port, "/graphql/", {"query": "{ books(first: 1) { totalCount } }"}))
    finally:
        stop(process)
    assert statuses == [200] * 6
    log = process.stderr.read().decode()
    assert "Shared cache unavailable, request served without it: ConnectionError" in log
    assert "Traceback" not in log
