"""Scenarios under load: each style's steps as one use case, repeated by concurrent clients.

``manage.py compare --load 1,4,16,64`` runs the chosen scenarios in both styles at each
concurrency against a server on this machine. One point is N client threads, each with a
kept-alive HTTP connection of its own, running the style's steps one use case after the
other until the point's time is up or its request budget is spent. A use case counts when
every request of it answered below 400 (a 304 counts; so does the ``PERSISTED_QUERY_NOT_FOUND``
handshake of a persisted query); a timeout, a lost connection or an error status fails it.

Before the points, one use case per style runs unmeasured: it checks that the server is
there and registers the persisted documents, so the measured use cases send the hash alone.
Only scenarios that read are run: the others act on one demo user's cart, which concurrent
clients would share.

The clients are threads of one Python process, which runs Python code on one core at a
time. Each point records the CPU time the process used per second: near 100 %, the client
sets the pace, not the server. When this machine can tell which process serves the port, each
point also records the server's CPU time per use case, which counts the work and not the
waiting for a core (workshop.server_cpu).
"""

import http.client
import ipaddress
import json
import math
import os
import platform
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from catalog.errors import ErrorCode

from .registry import STYLES, Scenario
from .runner import HttpTransport, Response, Runner, ScenarioFailed, error_codes
from .server_cpu import cpu_seconds, server_pid

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_LEVELS = "1,4,16,64"
MAX_CONCURRENCY = 256
MAX_DURATION_S = 120.0
RUNS_KEPT = 20
# Reasons a use case failed that are not an HTTP status.
TIMEOUT, CONNECTION, INCOMPLETE = "timeout", "connection", "incomplete"


class LoadError(ValueError):
    """A load run that cannot start or go on: bad input, or no server at the address."""


def parse_levels(text: str) -> tuple[int, ...]:
    """``"1,4,16,64"`` as concurrency levels, ascending and without repeats."""
    levels = set()
    for part in text.split(","):
        try:
            level = int(part.strip())
        except ValueError:
            raise LoadError(f"--load takes whole numbers separated by commas (like 1,4,16,64), not {part!r}") from None
        if not 1 <= level <= MAX_CONCURRENCY:
            raise LoadError(f"a concurrency level must be between 1 and {MAX_CONCURRENCY}, not {level}")
        levels.add(level)
    return tuple(sorted(levels))


def loopback_url(base_url: str) -> str:
    """The base URL, if it names a server on this machine; a load run sends nothing elsewhere."""
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LoadError(f"--base-url must look like http://127.0.0.1:8000, not {base_url!r}")
    try:
        parts.port  # noqa: B018 (a malformed port raises here)
    except ValueError:
        raise LoadError(f"--base-url has a malformed port: {base_url!r}") from None
    if parts.query or parts.fragment:
        raise LoadError(f"--base-url takes no query or fragment: {base_url!r}")
    host = parts.hostname
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise LoadError(
            f"a load run only goes to a server on this machine (127.0.0.1, ::1 or localhost), not {host}: "
            "load someone else's server only with its owner's leave, and with tools of their choosing"
        )
    return base_url.rstrip("/")


def shares_state(scenario: Scenario) -> bool:
    """A scenario acting on a demo user's cart: concurrent clients would all act on the same one."""
    return scenario.user is not None or scenario.fresh_cart


def choose_scenarios(registry: dict[str, Scenario], slugs: list[str]) -> list[Scenario]:
    readers = [s.slug for s in registry.values() if not shares_state(s)]
    unknown = [slug for slug in slugs if slug not in registry]
    if unknown:
        raise LoadError(f"Unknown scenario(s): {', '.join(unknown)}. Known: {', '.join(registry)}.")
    chosen = [registry[slug] for slug in dict.fromkeys(slugs)] or [registry[slug] for slug in readers]
    writers = [s.slug for s in chosen if shares_state(s)]
    if writers:
        raise LoadError(
            f"{', '.join(writers)}: these act on one demo user's cart, which concurrent clients would share "
            f"(and checkout would use up the stock); a load run takes the scenarios that read: {', '.join(readers)}"
        )
    return chosen


class RequestFailed(Exception):
    """A request that got no answer: it timed out or its connection failed."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind


@dataclass
class Outcome:
    status: int
    ms: float
    received: int
    handshake: bool


class KeepAliveTransport(HttpTransport):
    """The runner's requests over one connection kept alive, as one client of the load holds it.

    A request that finds its reused connection closed by the server (an idle timeout, a
    worker recycled) is sent once more on a new one, as HTTP clients do for a request that
    changes nothing; every request a load run sends only reads.
    """

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__(base_url, timeout)
        parts = urllib.parse.urlsplit(self.base_url)
        self._https = parts.scheme == "https"
        self._host, self._port, self._prefix = parts.hostname, parts.port, parts.path.rstrip("/")
        self._connection: http.client.HTTPConnection | None = None
        self.outcomes: list[Outcome] = []
        self.connections = 0
        self.server: str | None = None

    def _connect(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        self._connection = kind(self._host, self._port, timeout=self.timeout)
        self.connections += 1
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Response:
        for attempt in range(2):
            reused = self._connection is not None
            connection = self._connection or self._connect()
            started = time.perf_counter()
            try:
                connection.request(method, self._prefix + path, body=body, headers=headers)
                reply = connection.getresponse()
                content = reply.read()
            except TimeoutError:
                self.close()
                raise RequestFailed(TIMEOUT, f"no answer within {self.timeout:g} s") from None
            except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected) as exc:
                self.close()
                if reused and attempt == 0:
                    continue
                raise RequestFailed(CONNECTION, str(exc) or type(exc).__name__) from None
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                raise RequestFailed(CONNECTION, str(exc) or type(exc).__name__) from None
            elapsed_ms = (time.perf_counter() - started) * 1000
            if reply.will_close:
                self.close()
            response = Response(reply.status, {k.lower(): v for k, v in reply.getheaders()}, content)
            self.server = response.headers.get("server", self.server)
            self.outcomes.append(Outcome(reply.status, elapsed_ms, len(content), _handshake(response)))
            return response
        raise AssertionError("unreachable: the second attempt returns or raises")


def _handshake(response: Response) -> bool:
    """A persisted query's first try, which asks the client for the document: part of the protocol."""
    if response.status < 400 or not response.body.startswith(b"{"):
        return False
    try:
        return ErrorCode.PERSISTED_QUERY_NOT_FOUND in error_codes(json.loads(response.body))
    except ValueError:
        return False


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (``share`` of 0.95 is p95); None without values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


@dataclass
class _Tally:
    """What one client counted during a point."""

    use_case_ms: list[float] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    failed: int = 0
    connections: int = 0


def use_case(runner: Runner, transport: KeepAliveTransport, scenario: Scenario, style: str) -> tuple[float, list[str]]:
    """Run one use case: its time in milliseconds and why it failed (nothing when it did not)."""
    first = len(transport.outcomes)
    started = time.perf_counter()
    failures: list[str] = []
    try:
        runner.run_style(scenario, style)
    except RequestFailed as exc:
        failures.append(exc.kind)
    except ScenarioFailed:
        failures.append(INCOMPLETE)
    elapsed_ms = (time.perf_counter() - started) * 1000
    statuses = [str(o.status) for o in transport.outcomes[first:] if o.status >= 400 and not o.handshake]
    # An answer that was missing a value a later step needed is explained by its status, if it had one.
    if statuses and failures == [INCOMPLETE]:
        failures = []
    return elapsed_ms, statuses + failures


@dataclass(frozen=True)
class Settings:
    duration_s: float = 5.0
    max_requests: int = 20_000
    timeout_s: float = 10.0
    max_total_s: float = 900.0


class _Budget:
    """The requests a point may still send, shared by its clients."""

    def __init__(self, requests: int) -> None:
        self.left = requests
        self._lock = threading.Lock()

    def spend(self, requests: int) -> None:
        with self._lock:
            self.left -= requests


def _client(base_url: str, scenario: Scenario, style: str, settings: Settings, deadline: float, budget: _Budget):
    tally = _Tally()
    transport = KeepAliveTransport(base_url, settings.timeout_s)
    runner = Runner(transport, lean=True)
    try:
        while time.monotonic() < deadline and budget.left > 0:
            sent = len(transport.outcomes)
            elapsed_ms, failures = use_case(runner, transport, scenario, style)
            budget.spend(max(len(transport.outcomes) - sent, 1))
            if failures:
                tally.failed += 1
                tally.errors.update(failures)
            else:
                tally.use_case_ms.append(elapsed_ms)
    finally:
        transport.close()
    tally.outcomes = transport.outcomes
    tally.connections = transport.connections
    return tally


def run_point(
    base_url: str,
    scenario: Scenario,
    style: str,
    concurrency: int,
    settings: Settings,
    round_trips: int = 1,
    server: int | None = None,
) -> dict[str, Any]:
    """``concurrency`` clients running the style's use case for the point's time; the figures.

    ``server`` is the pid of the serving process, when this machine can tell (workshop.server_cpu).
    """
    budget = _Budget(settings.max_requests)
    tallies: list[_Tally] = []
    crashes: list[BaseException] = []
    deadline = time.monotonic() + settings.duration_s

    def work() -> None:
        try:
            tallies.append(_client(base_url, scenario, style, settings, deadline, budget))
        except BaseException as exc:  # a defect in the driver: raised again below, not lost in a thread
            crashes.append(exc)

    threads = [threading.Thread(target=work, name=f"load-client-{i}", daemon=True) for i in range(concurrency)]
    server_started = cpu_seconds(server) if server else None
    cpu_started, started = time.process_time(), time.perf_counter()
    for thread in threads:
        thread.start()
    # A use case in flight when the time is up still finishes; each of its requests is bounded by the timeout.
    longest = settings.duration_s + settings.timeout_s * (round_trips + 2)
    for thread in threads:
        thread.join(max(longest - (time.perf_counter() - started), 0.1))
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    server_ended = cpu_seconds(server) if server else None
    server_cpu = server_ended - server_started if server_started is not None and server_ended is not None else None
    if crashes:
        raise crashes[0]
    if any(thread.is_alive() for thread in threads):
        raise LoadError(f"{scenario.slug} {style}: clients still busy {seconds:.0f} s after the point's end")
    use_case_ms = [ms for t in tallies for ms in t.use_case_ms]
    outcomes = [o for t in tallies for o in t.outcomes]
    errors: Counter = sum((t.errors for t in tallies), Counter())
    received = sum(o.received for o in outcomes)

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 2)

    return {
        "scenario": scenario.slug,
        "style": style,
        "concurrency": concurrency,
        "seconds": round(seconds, 3),
        "use_cases": len(use_case_ms),
        "failed_use_cases": sum(t.failed for t in tallies),
        "requests": len(outcomes),
        "bytes_received": received,
        "use_cases_per_s": round(len(use_case_ms) / seconds, 2),
        "requests_per_s": round(len(outcomes) / seconds, 2),
        "kb_per_s": round(received / 1024 / seconds, 1),
        "p50_ms": rounded(percentile(use_case_ms, 0.50)),
        "p95_ms": rounded(percentile(use_case_ms, 0.95)),
        "request_p50_ms": rounded(percentile([o.ms for o in outcomes], 0.50)),
        "request_p95_ms": rounded(percentile([o.ms for o in outcomes], 0.95)),
        "errors": dict(sorted(errors.items())),
        "connections": sum(t.connections for t in tallies),
        "client_cpu_pct": round(cpu / seconds * 100, 1),
        "server_cpu_pct": None if server_cpu is None else round(server_cpu / seconds * 100, 1),
        "server_cpu_ms": None
        if server_cpu is None or not use_case_ms
        else round(server_cpu * 1000 / len(use_case_ms), 2),
    }


def warm_up(base_url: str, scenario: Scenario, style: str, timeout_s: float) -> tuple[int, str | None]:
    """One use case, unmeasured: the requests it took and the server's name; a clear error if none answered."""
    transport = KeepAliveTransport(base_url, timeout_s)
    try:
        Runner(transport, lean=True).run_style(scenario, style)
    except RequestFailed as exc:
        # A server that answers nothing at all is not there; a slow one is measured (its timeouts counted).
        if exc.kind == CONNECTION and not transport.outcomes:
            raise LoadError(
                f"cannot reach {base_url} ({exc}): start the server (`make run`, or gunicorn) or point --base-url at it"
            ) from None
    except ScenarioFailed as exc:
        statuses = sorted({o.status for o in transport.outcomes})
        raise LoadError(
            f"{scenario.slug} ({style}) cannot run against {base_url}: {exc} (statuses {statuses}); "
            "is it this project, with the demo data (`manage.py seed_demo`)?"
        ) from None
    finally:
        transport.close()
    return len(transport.outcomes), transport.server


def planned_seconds(scenarios: list[Scenario], levels: tuple[int, ...], settings: Settings) -> float:
    return len(scenarios) * len(STYLES) * len(levels) * settings.duration_s


def run_load(
    base_url: str,
    scenarios: list[Scenario],
    levels: tuple[int, ...],
    settings: Settings,
    progress: Callable[[str], None] = lambda line: None,
) -> dict[str, Any]:
    """Every scenario, both styles, at every level: the whole run as JSON-ready data."""
    base_url = loopback_url(base_url)
    planned = planned_seconds(scenarios, levels, settings)
    if planned > settings.max_total_s:
        raise LoadError(
            f"{len(scenarios)} scenario(s) x {len(STYLES)} styles x {len(levels)} levels x {settings.duration_s:g} s "
            f"is {planned:g} s, over --max-total {settings.max_total_s:g} s: "
            "choose fewer scenarios or levels, or a shorter --duration"
        )
    started_at, started = datetime.now(UTC), time.monotonic()
    total = len(scenarios) * len(STYLES) * len(levels)
    parts = urllib.parse.urlsplit(base_url)
    serving = server_pid(parts.port or (443 if parts.scheme == "https" else 80))
    run: dict[str, Any] = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "base_url": base_url,
        "server": None,
        "server_cpu_measured": serving is not None,
        "levels": list(levels),
        "duration_s": settings.duration_s,
        "max_requests": settings.max_requests,
        "timeout_s": settings.timeout_s,
        "client": {
            "python": platform.python_version(),
            "how": "one thread per client, each with its own kept-alive http.client connection",
            "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        },
        "scenarios": [],
        "points": [],
        "stopped": None,
    }
    for scenario in scenarios:
        round_trips = {}
        for style in STYLES:
            round_trips[style], server_name = warm_up(base_url, scenario, style, settings.timeout_s)
            run["server"] = run["server"] or server_name
        run["scenarios"].append({"slug": scenario.slug, "title": scenario.title, "round_trips": round_trips})
        for index, level in enumerate(levels):
            # Alternate which style goes first, so a drift of the machine does not favour one.
            for style in STYLES if index % 2 == 0 else tuple(reversed(STYLES)):
                if time.monotonic() - started + settings.duration_s > settings.max_total_s:
                    run["stopped"] = (
                        f"the total cap of {settings.max_total_s:g} s was reached after "
                        f"{len(run['points'])} of {total} points"
                    )
                    progress(f"Stopped: {run['stopped']}.")
                    return _finish(run)
                point = run_point(base_url, scenario, style, level, settings, round_trips[style], serving)
                run["points"].append(point)
                progress(progress_line(point, len(run["points"]), total))
    return _finish(run)


def _finish(run: dict[str, Any]) -> dict[str, Any]:
    run["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return run


STYLE_NAMES = {"rest": "REST", "graphql": "GraphQL"}


def error_count(point: dict[str, Any]) -> int:
    return sum(point["errors"].values())


def progress_line(point: dict[str, Any], number: int, total: int) -> str:
    def ms(value: float | None) -> str:
        return "   n/a" if value is None else f"{value:6.1f}"

    return (
        f"[{number:>{len(str(total))}}/{total}] {point['scenario']:<24} {STYLE_NAMES[point['style']]:<7} "
        f"x{point['concurrency']:<3} {point['use_cases_per_s']:8.1f} use cases/s {point['requests_per_s']:8.1f} req/s  "
        f"p50 {ms(point['p50_ms'])} ms  p95 {ms(point['p95_ms'])} ms  errors {error_count(point)}  "
        f"client CPU {point['client_cpu_pct']:.0f}%"
    )


def save_run(run: dict[str, Any]):
    """Keep the run in the database, where every replica's compare page finds it; the oldest go."""
    from .models import LoadRun

    saved = LoadRun.objects.create(
        started_at=datetime.fromisoformat(run["started_at"]), base_url=run["base_url"], run=run
    )
    LoadRun.objects.filter(pk__in=LoadRun.objects.order_by("-started_at", "-pk").values("pk")[RUNS_KEPT:]).delete()
    return saved


def latest_run() -> dict[str, Any] | None:
    from .models import LoadRun

    saved = LoadRun.objects.order_by("-started_at", "-pk").first()
    return saved.run if saved else None
