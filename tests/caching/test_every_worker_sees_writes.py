"""Two gunicorn workers with warm caches: a write is seen by the very next read on every worker."""

import hashlib
import json
import os
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.live_gunicorn import redis_reachable, serve, stop

UNTHROTTLED = {"THROTTLE_ANON_RATE": "off", "THROTTLE_USER_RATE": "off"}
ADMIN_TOKEN = hashlib.sha1(b"hybrid-catalog-demo:admin").hexdigest()
READ = '{ books(first: 3, search: "Dune") { edges { node { databaseId title stock } } } }'


def call(port: int, method: str, path: str, body: dict | None = None, headers: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")


def reads(port: int, count: int = 24):
    """REST and GraphQL reads in parallel, so both workers answer some of them.

    Each worker sees the same two requests several times: after a miss and a hit, the rest
    are repeats, answered in front of Django (config/repeated_reads.py).
    """

    def one(i):
        if i % 2:
            _, headers, body = call(port, "GET", "/api/books/?search=Dune&page_size=3")
            return headers.get("X-Cache"), {b["id"]: (b["title"], b["stock"]) for b in body["results"]}
        _, headers, body = call(port, "POST", "/graphql/", {"query": READ})
        nodes = [e["node"] for e in body["data"]["books"]["edges"]]
        return headers.get("X-Cache"), {n["databaseId"]: (n["title"], n["stock"]) for n in nodes}

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(one, range(count)))


def assert_writes_are_seen_at_once(port: int) -> None:
    warm = reads(port)
    assert {state for state, _ in warm} >= {"hit"}, "the caches are warm"
    (book_id, (title, stock)), *_ = warm[0][1].items()
    admin = {"Authorization": f"Token {ADMIN_TOKEN}"}

    status, _, _ = call(port, "PATCH", f"/api/books/{book_id}/", {"stock": stock + 7}, admin)
    assert status == 200
    after_rest_write = reads(port)
    assert all(seen[book_id] == (title, stock + 7) for _, seen in after_rest_write), after_rest_write

    mutation = f'mutation {{ bookUpdate(id: "{book_id}", title: "{title} (revised)") {{ errors {{ code }} }} }}'
    status, _, body = call(port, "POST", "/graphql/", {"query": mutation}, admin)
    assert status == 200 and body["data"]["bookUpdate"]["errors"] == []
    after_graphql_write = reads(port)
    assert all(seen[book_id] == (f"{title} (revised)", stock + 7) for _, seen in after_graphql_write)


@pytest.mark.skipif(not redis_reachable() and os.environ.get("CI") != "true", reason="no Redis on 127.0.0.1:6379")
def test_every_worker_sees_a_write_at_once_with_redis(tmp_path):
    env = {"REDIS_URL": "redis://127.0.0.1:6379/5", "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}"}
    process, port = serve(tmp_path, {**UNTHROTTLED, **env}, seed=True)
    try:
        assert_writes_are_seen_at_once(port)
    finally:
        stop(process)


def test_every_worker_sees_a_write_at_once_with_the_database_cache(tmp_path):
    process, port = serve(tmp_path, UNTHROTTLED, seed=True)
    try:
        assert_writes_are_seen_at_once(port)
    finally:
        stop(process)
