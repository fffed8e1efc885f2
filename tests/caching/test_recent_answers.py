"""Each process keeps the answers it served last in front of the shared cache, and is never stale for it."""

import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from django.test import Client

from catalog.read_cache import RecentEntries, StoredAnswer
from tests.live_gunicorn import serve, stop


@pytest.mark.django_db
def test_a_warm_answer_is_served_by_the_process_without_the_shared_cache(shelf, django_assert_num_queries):
    client = Client()
    first = client.get("/api/books/")
    cache.clear()  # the shared copy is gone; this process still has its own
    with django_assert_num_queries(1):  # the catalog version, nothing else
        second = client.get("/api/books/")
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert second.content == first.content


@pytest.mark.django_db
def test_with_no_room_in_the_process_every_hit_comes_from_the_shared_cache(shelf, settings):
    settings.READ_CACHE_LOCAL_BYTES = 0
    client = Client()
    client.get("/api/books/")
    assert client.get("/api/books/")["X-Cache"] == "hit"
    cache.clear()
    assert client.get("/api/books/")["X-Cache"] == "miss"


@pytest.mark.django_db
def test_a_write_makes_the_processs_copy_unreachable_at_once(shelf, staff):
    from tests.api_graphql.conftest import token_for

    client = Client()
    path = f"/api/books/{shelf['hobbit'].pk}/"
    client.get(path)
    assert client.get(path)["X-Cache"] == "hit"
    headers = {"HTTP_AUTHORIZATION": f"Token {token_for(staff)}"}
    assert client.patch(path, {"title": "Renamed"}, "application/json", **headers).status_code == 200
    after = client.get(path)
    assert after["X-Cache"] == "miss"
    assert after.json()["title"] == "Renamed"


def answer(size: int) -> StoredAnswer:
    return StoredAnswer("application/json", b"x" * size)


def test_the_processs_copies_stay_within_their_bytes_least_recently_used_out(settings):
    settings.READ_CACHE_LOCAL_BYTES = 250
    recent = RecentEntries("READ_CACHE_LOCAL_BYTES")
    recent.put("a", answer(100), 100)
    recent.put("b", answer(100), 100)
    assert recent.get("a") is not None  # a is now the most recently used
    recent.put("c", answer(100), 100)
    assert recent.get("b") is None
    assert recent.get("a") is not None and recent.get("c") is not None
    recent.put("huge", answer(251), 251)
    assert recent.get("huge") is None
    recent.put("a", answer(10), 10)  # replacing an entry counts its new size only
    assert recent._bytes == 110


def test_the_processs_copies_age_out_with_the_shared_ones(settings, monkeypatch):
    settings.READ_CACHE_SECONDS = 60
    recent = RecentEntries("READ_CACHE_LOCAL_BYTES")
    now = time.monotonic()
    monkeypatch.setattr("catalog.read_cache.time.monotonic", lambda: now)
    recent.put("a", answer(10), 10)
    monkeypatch.setattr("catalog.read_cache.time.monotonic", lambda: now + 61)
    assert recent.get("a") is None
    assert recent._bytes == 0


def test_threads_of_one_worker_share_the_copies_safely(settings):
    settings.READ_CACHE_LOCAL_BYTES = 5_000
    recent = RecentEntries("READ_CACHE_LOCAL_BYTES")
    errors = []

    def churn(n: int) -> None:
        try:
            for i in range(2_000):
                key = f"{n}-{i % 37}"
                recent.put(key, answer(1 + i % 300), 1 + i % 300)
                recent.get(key)
        except Exception as error:  # any failure is the finding
            errors.append(error)

    threads = [threading.Thread(target=churn, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert recent._bytes == sum(len(a.body) for _, a, _ in recent._entries.values()) <= 5_000


def _request(port: int, path: str, method: str = "GET", body: dict | None = None, token: str | None = None):
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, response.headers.get("X-Cache"), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None, json.loads(error.read() or b"null")


def test_after_a_write_no_worker_answers_from_its_own_copy(tmp_path):
    """Three gunicorn workers, each holding its copy of a page: the next reads after a write, whichever
    worker takes them, all see the write."""
    from catalog.demo import DEMO_USERS

    process, port = serve(
        tmp_path,
        {"THROTTLE_ANON_RATE": "off", "THROTTLE_USER_RATE": "off", "WEB_CONCURRENCY": "3"},
        seed=True,
    )
    try:
        _, _, page = _request(port, "/api/books/?page_size=1")
        book = page["results"][0]
        path = f"/api/books/{book['id']}/"
        with ThreadPoolExecutor(max_workers=6) as pool:
            warm = list(pool.map(lambda _: _request(port, path), range(60)))
        assert [status for status, _, _ in warm] == [200] * 60
        assert [state for _, state, _ in warm].count("hit") >= 50  # every worker answers from a copy

        admin = next(user for user in DEMO_USERS if user.username == "admin")
        status, _, _ = _request(port, path, "PATCH", {"title": "Written Just Now"}, admin.token)
        assert status == 200
        with ThreadPoolExecutor(max_workers=6) as pool:
            after = list(pool.map(lambda _: _request(port, path), range(30)))
        assert {body["title"] for _, _, body in after} == {"Written Just Now"}
    finally:
        stop(process)
