"""A frozen PostgreSQL server (every process SIGSTOPped, sockets open): every wait is bounded.

The server is a throwaway cluster of this module's own (tests/throwaway_postgres.py), never the
machine's main one. The last test runs the production stack (gunicorn with config/gunicorn.py,
several workers and threads, DEBUG off) against it and prints the figures docs/deadlines.md
quotes; rerun with ``pytest tests/config/test_frozen_database.py -s``.
"""

import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.test import override_settings

from catalog.demo import DEMO_USERS
from config.db.deadline import exceeded, request_scope
from tests.config.test_database_outage import GRAPHQL_JSON, HTML, JSON, UNAVAILABLE
from tests.throwaway_postgres import (
    ThrowawayCluster,
    child_pids,
    free_port,
    throwaway_cluster,
    unavailable_reason,
    wait_until,
)

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "catalog"
WORKERS = 2
THREADS = 6
APP_PORTS = range(18100, 18200)
SECRET_KEY = "frozen-database-test-secret-key-not-for-production-0123456789"


def app_env(cluster: ThrowawayCluster, **extra: str) -> dict[str, str]:
    """The production settings (DEBUG off) on the throwaway cluster; nothing else from this session."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    env.update(
        # The test settings only serve static files without collectstatic; DEBUG stays off.
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=cluster.url(DATABASE),
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def manage(cluster: ThrowawayCluster, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=app_env(cluster),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def cluster():
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    with throwaway_cluster() as server:
        server.create_database(DATABASE)
        manage(server, "migrate", "--no-input")
        manage(server, "seed_demo")
        yield server


@pytest.fixture
def cluster_connection(cluster, django_db_blocker):
    """A connection to the throwaway cluster standing in as the default one; thawed afterwards."""
    original = connections[DEFAULT_DB_ALIAS]
    settings = {
        **original.settings_dict,
        "HOST": "127.0.0.1",
        "PORT": str(cluster.port),
        "NAME": DATABASE,
        "USER": "postgres",
        "PASSWORD": "",
    }
    own = original.__class__(settings, alias=DEFAULT_DB_ALIAS)
    with django_db_blocker.unblock():
        connections[DEFAULT_DB_ALIAS] = own
        try:
            yield own
        finally:
            cluster.thaw()
            own.close()
            connections[DEFAULT_DB_ALIAS] = original


@contextmanager
def frozen(cluster: ThrowawayCluster):
    cluster.freeze()
    try:
        yield
    finally:
        cluster.thaw()


def seconds_for(call) -> float:
    started = time.monotonic()
    call()
    return time.monotonic() - started


# What each driver call does once the server stopped answering (the connection was opened before).


def _cursor_execute(connection):
    cursor = connection.cursor()
    return lambda: cursor.execute("SELECT 1")


def _cursor_executemany(connection):
    cursor = connection.cursor()
    return lambda: cursor.executemany("SELECT %s", [(1,), (2,)])


def _commit(connection):
    connection.set_autocommit(False)
    connection.cursor().execute("SELECT 1")
    return connection.commit


def _rollback(connection):
    connection.set_autocommit(False)
    connection.cursor().execute("SELECT 1")
    return connection.rollback


def _named_cursor_fetch(connection):
    connection.set_autocommit(False)
    cursor = connection.chunked_cursor()
    cursor.execute("SELECT generate_series(1, 1000)")
    return lambda: cursor.fetchmany(10)


@pytest.mark.parametrize(
    "prepare", [_cursor_execute, _cursor_executemany, _commit, _rollback, _named_cursor_fetch], ids=lambda f: f.__name__
)
def test_each_driver_call_on_a_frozen_server_ends_at_its_deadline(cluster, cluster_connection, prepare):
    call = prepare(cluster_connection)
    with frozen(cluster), request_scope(0.3), pytest.raises(OperationalError) as caught:
        started = time.monotonic()
        try:
            call()
        finally:
            waited = time.monotonic() - started
    assert exceeded(caught.value)
    assert 0.3 <= waited < 0.9, waited


def test_the_health_check_of_a_kept_connection_has_a_short_deadline(cluster, cluster_connection):
    cluster_connection.ensure_connection()
    with frozen(cluster), override_settings(DB_HEALTH_CHECK_TIMEOUT_MS=300):
        started = time.monotonic()
        assert cluster_connection.is_usable() is False
        waited = time.monotonic() - started
    assert 0.3 <= waited < 0.9, waited


def test_connecting_to_a_frozen_server_gives_up_once_per_request(cluster, cluster_connection):
    timeout = cluster_connection.settings_dict["OPTIONS"]["connect_timeout"]
    with frozen(cluster), request_scope(3.0):
        with pytest.raises(OperationalError):
            first = time.monotonic()
            try:
                cluster_connection.ensure_connection()
            finally:
                first = time.monotonic() - first
        with pytest.raises(OperationalError, match="did not answer earlier in this request"):
            second = time.monotonic()
            try:
                cluster_connection.ensure_connection()
            finally:
                second = time.monotonic() - second
    assert timeout - 0.1 <= first < timeout + 0.5, first
    assert second < 0.05, second
    # Thawed, the next request connects.
    with request_scope(3.0), cluster_connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def test_readyz_on_a_kept_connection_to_a_frozen_server_answers_within_its_own_timeout(
    cluster, cluster_connection, client
):
    assert client.get("/readyz").status_code == 200
    with frozen(cluster):
        started = time.monotonic()
        response = client.get("/readyz")
        waited = time.monotonic() - started
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["checks"] == {"database": "unavailable", "migrations": "unknown"}
    # READYZ_DB_TIMEOUT_MS (1 s): a silent kept connection means a silent server, no reconnect.
    assert 1.0 <= waited < 1.5, waited
    assert client.get("/readyz").status_code == 200


def test_readyz_connecting_to_a_frozen_server_answers_within_the_connect_timeout(cluster, cluster_connection, client):
    with frozen(cluster):
        started = time.monotonic()
        response = client.get("/readyz")
        waited = time.monotonic() - started
    assert response.status_code == 503
    assert 1.9 <= waited < 2.6, waited


def test_readyz_replaces_a_broken_kept_connection_once(cluster, cluster_connection, client):
    assert client.get("/readyz").status_code == 200
    backend_pid = cluster_connection.connection.info.backend_pid
    with cluster_connection.__class__(cluster_connection.settings_dict).cursor() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    assert wait_until(lambda: backend_pid not in cluster.server_pids(), timeout=5)
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert cluster_connection.connection.info.backend_pid != backend_pid


# The production stack against a frozen server.


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body)


def fetch(port: int, path: str, *, method: str = "GET", body: bytes | None = None, timeout: float = 20, **headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.monotonic()
    try:
        connection.request(method, path, body=body, headers={"Connection": "close", **headers})
        response = connection.getresponse()
        data = response.read()
        return Answer(
            response.status, {k.lower(): v for k, v in response.getheaders()}, data, time.monotonic() - started
        )
    finally:
        connection.close()


GRAPHQL_QUERY = json.dumps({"query": "{ books(first: 2) { edges { node { title } } } }"}).encode()
ALICE_TOKEN = next(user.token for user in DEMO_USERS if user.username == "alice")

# Every way in: REST anonymous and with a token, GraphQL, the website, a session cookie.
SURFACES = {
    "rest": ("GET", "/api/books/", None, {"Accept": "application/json"}),
    "rest_token": ("GET", "/api/cart/", None, {"Authorization": f"Token {ALICE_TOKEN}"}),
    "graphql": ("POST", "/graphql/", GRAPHQL_QUERY, {"Content-Type": "application/json"}),
    "website": ("GET", "/", None, {"Accept": "text/html"}),
    "session": ("GET", "/admin/", None, {"Accept": "text/html", "Cookie": "sessionid=" + "x" * 32}),
}
# Not a way in: Django's own /healthz view, which a query string keeps from gunicorn's main loop.
HEALTHZ_THROUGH_DJANGO = ("GET", "/healthz?through=django", None, {})


def request_surface(port: int, name: str) -> Answer:
    method, path, body, headers = HEALTHZ_THROUGH_DJANGO if name == "healthz_django" else SURFACES[name]
    return fetch(port, path, method=method, body=body, **headers)


def in_parallel(calls: dict[str, callable], timeout: float) -> dict[str, Answer]:
    results: dict[str, Answer | BaseException] = {}

    def run(name, call):
        try:
            results[name] = call()
        except BaseException as exc:
            results[name] = exc

    threads = [threading.Thread(target=run, args=item, daemon=True) for item in calls.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    failures = {name: result for name, result in results.items() if isinstance(result, BaseException)}
    assert not failures and len(results) == len(calls), (failures, sorted(results))
    return results


CONTENT_TYPES = {"rest": JSON, "rest_token": JSON, "graphql": GRAPHQL_JSON, "website": HTML, "session": HTML}


def assert_unavailable(name: str, answer: Answer) -> None:
    assert answer.status == 503, (name, answer)
    assert (answer.headers.get("retry-after"), answer.headers.get("cache-control")) == ("5", "no-store"), (
        name,
        answer.headers,
    )
    assert answer.headers["content-type"] == CONTENT_TYPES[name], (name, answer.headers)
    if CONTENT_TYPES[name] == HTML:
        assert b"Service unavailable" in answer.body
    else:
        assert answer.json() == UNAVAILABLE, (name, answer.body)


def assert_one_answer_per_kind(answers: dict[str, Answer]) -> None:
    """The same 503 on every surface: one JSON body, one page, byte for byte."""
    for kind in (True, False):
        bodies = {answer.body for name, answer in answers.items() if (CONTENT_TYPES[name] == HTML) is kind}
        assert len(bodies) == 1, bodies


# A thread blocked inside libpq waits in poll(2); idle pool threads wait on a futex, the main loop
# in epoll_wait. /proc/<pid>/task/<tid>/syscall names the system call each thread is in.
POLL_SYSCALLS = {"x86_64": {7, 271}, "aarch64": {73}}.get(os.uname().machine)


def stuck_threads(server: "Gunicorn") -> dict[int, int]:
    """Per worker, how many of its threads wait on a database socket."""
    counts = {}
    for pid in server.workers():
        count = 0
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                number = int((task / "syscall").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue
            count += number in (POLL_SYSCALLS or ())
        counts[pid] = count
    return counts


def every_thread_stuck(server: "Gunicorn") -> bool:
    counts = stuck_threads(server)
    return len(counts) == WORKERS and all(count >= THREADS for count in counts.values())


class Crowd:
    """Requests stuck on the frozen database, each in a thread of its own."""

    def __init__(self, port: int, names: tuple[str, ...] = ("rest", "website", "graphql")) -> None:
        self.port = port
        self.names = names
        self.results: list[tuple[str, Answer | BaseException]] = []
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()

    def add(self, count: int) -> None:
        for _ in range(count):
            name = self.names[len(self.threads) % len(self.names)]
            thread = threading.Thread(target=self._request, args=(name,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _request(self, name: str) -> None:
        try:
            answer: Answer | BaseException = request_surface(self.port, name)
        except BaseException as exc:
            answer = exc
        with self.lock:
            self.results.append((name, answer))

    def join(self, timeout: float) -> list[tuple[str, Answer | BaseException]]:
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(deadline - time.monotonic(), 0))
        assert len(self.results) == len(self.threads), "stuck requests did not end"
        return self.results


@dataclass
class Gunicorn:
    process: subprocess.Popen
    port: int
    log: Path
    figures: dict = field(default_factory=dict)

    def workers(self) -> list[int]:
        return child_pids(self.process.pid)


@pytest.fixture
def gunicorn(cluster):
    port = free_port(APP_PORTS)
    log = Path(tempfile.mkstemp(prefix="frozen-db-gunicorn-", suffix=".log")[1])
    env = app_env(
        cluster,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(WORKERS),
        GUNICORN_THREADS=str(THREADS),
        GUNICORN_GRACEFUL_TIMEOUT="5",
        GUNICORN_LOG_LEVEL="warning",
    )
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Gunicorn(process, port, log)
    try:
        ready = wait_until(lambda: len(server.workers()) == WORKERS and _answers(port, "/readyz"), timeout=30)
        assert ready, log.read_text()[-3000:]
        yield server
    finally:
        cluster.thaw()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        if server.figures:
            print("\nfrozen-database figures:", json.dumps(server.figures, indent=2))
        log.unlink(missing_ok=True)


def _answers(port: int, path: str) -> bool:
    try:
        return fetch(port, path, timeout=2).status == 200
    except OSError:
        return False


def test_gunicorn_in_front_of_a_frozen_database_answers_503_in_bounded_time_and_recovers(cluster, gunicorn):
    port, figures = gunicorn.port, gunicorn.figures
    workers = gunicorn.workers()

    # Warm: every thread gets a connection, kept open (CONN_MAX_AGE) when the server freezes.
    warm = {f"{name}-{i}": (lambda name=name: request_surface(port, name)) for name in SURFACES for i in range(8)}
    warmed = in_parallel(warm, timeout=60)
    assert {answer.status for name, answer in warmed.items() if name.startswith(("rest-", "graphql", "website"))} == {
        200
    }
    figures["open_connections_when_frozen"] = cluster.client_backends(DATABASE)
    assert figures["open_connections_when_frozen"] >= WORKERS

    with frozen(cluster):
        # Each way in answers 503 well within 5 s (fewer requests than a worker has threads).
        answers = in_parallel({name: (lambda name=name: request_surface(port, name)) for name in SURFACES}, 30)
        for name, answer in answers.items():
            assert_unavailable(name, answer)
            assert answer.seconds < 5, (name, answer.seconds)
        assert_one_answer_per_kind(answers)
        figures["seconds_to_503"] = {name: round(answer.seconds, 2) for name, answer in answers.items()}

        readyz = fetch(port, "/readyz")
        assert readyz.status == 503 and readyz.headers.get("retry-after") == "5"
        assert readyz.json()["checks"]["database"] == "unavailable"
        assert readyz.seconds < 3, readyz.seconds
        figures["readyz_seconds"] = round(readyz.seconds, 2)

        # Every thread of every worker stuck on the database (checked in /proc): /healthz still answers.
        crowd = Crowd(port)
        crowd.add(2 * WORKERS * THREADS)
        probes: list[tuple[float, bool]] = []
        through_django = None
        give_up = time.monotonic() + 20
        while sum(verified for _, verified in probes) < 6 and time.monotonic() < give_up:
            if POLL_SYSCALLS is not None and not wait_until(lambda: every_thread_stuck(gunicorn), 0.5, 0.02):
                # The kernel may hand one worker more connections than the other: add until both are full.
                crowd.add(THREADS)
                continue
            probe = fetch(port, "/healthz", timeout=5)
            assert probe.status == 200 and probe.json() == {"status": "ok"}
            probes.append((probe.seconds, POLL_SYSCALLS is None or every_thread_stuck(gunicorn)))
            if through_django is None:
                # The same view through Django needs a thread: it waits behind the stuck requests.
                through_django = Crowd(port, ("healthz_django",))
                through_django.add(1)
            time.sleep(0.05)
        stuck_results = crowd.join(timeout=90)
        [(_, via_thread)] = through_django.join(timeout=30)
        assert via_thread.status == 200 and via_thread.json() == {"status": "ok"}
        for name, answer in stuck_results:
            assert isinstance(answer, Answer) and answer.status == 503, (name, answer)
        seconds = [round(took, 4) for took, _ in probes]
        figures["healthz_seconds_with_every_thread_stuck"] = [round(took, 4) for took, verified in probes if verified]
        figures["healthz_seconds_max"] = max(seconds)
        figures["healthz_through_a_thread_seconds"] = round(via_thread.seconds, 2)
        figures["stuck_requests"] = len(stuck_results)
        figures["stuck_request_seconds_max"] = round(max(answer.seconds for _, answer in stuck_results), 2)
        # Six probes, each seen with every thread stuck right before and right after it.
        assert sum(verified for _, verified in probes) >= 6, (probes, stuck_threads(gunicorn))
        assert max(seconds) < 0.5, probes

    # Thawed: the very next request succeeds, with no restart.
    first = request_surface(port, "rest")
    assert first.status == 200, first
    figures["first_request_after_thaw_seconds"] = round(first.seconds, 3)
    after = in_parallel({name: (lambda name=name: request_surface(port, name)) for name in SURFACES}, 30)
    for name in ("rest", "rest_token", "graphql", "website"):
        assert after[name].status == 200, (name, after[name])
    assert after["graphql"].json()["data"]["books"]["edges"]
    assert fetch(port, "/readyz").status == 200
    assert gunicorn.workers() == workers
