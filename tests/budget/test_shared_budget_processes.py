"""Two gunicorn workers count one budget: through Redis, and through the database cache without it."""

import json
import os
import random
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.live_gunicorn import free_port, redis_reachable, serve, stop


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


RATE = {"THROTTLE_ANON_RATE": "30/minute"}


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
    process, port = serve(tmp_path, {**RATE, "REDIS_URL": "redis://127.0.0.1:6379/5", "CACHE_KEY_PREFIX": prefix})
    try:
        assert_one_budget(port)
    finally:
        stop(process)


def test_two_workers_share_one_budget_in_the_database_cache(tmp_path):
    process, port = serve(tmp_path, RATE)
    try:
        assert_one_budget(port)
    finally:
        stop(process)


@pytest.mark.skipif(not redis_reachable() and os.environ.get("CI") != "true", reason="no Redis on 127.0.0.1:6379")
def test_a_redis_that_is_away_degrades_to_serving_with_a_log_line(tmp_path):
    # Nothing listens on this port: every cache call fails fast, requests are still served.
    process, port = serve(tmp_path, {**RATE, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"})
    try:
        statuses = [request(port, "/api/books/?page_size=1") for _ in range(5)]
        statuses.append(request(port, "/graphql/", {"query": "{ books(first: 1) { totalCount } }"}))
    finally:
        stop(process)
    assert statuses == [200] * 6
    log = process.stderr.read().decode()
    assert "Shared cache unavailable, request served without it: ConnectionError" in log
    assert "Traceback" not in log
