"""Benchmark the REST and GraphQL APIs against a hand-written baseline, under wrk.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python -m bench.run [--books 10000] [--duration 4] [--rounds 3]
    DATABASE_URL=postgres://... python -m bench.run --scale 10000,1000000
    DATABASE_URL=postgres://... python -m bench.run --memory 1000,10000
    DATABASE_URL=postgres://... python -m bench.run --cases n+1 --output n+1

Starts gunicorn with the production settings (DEBUG off, Redis as the shared cache from
REDIS_URL, under a key prefix of its own, the throttle rates off) plus the baseline views
on 127.0.0.1, checks that every variant gets the answer it is meant to measure (status,
X-Cache), warms up, then runs every case's variants in alternating order (A B C, C B A,
...) so machine drift cancels. Writes bench/results/latest.json, .md and .png.

--scale runs the scale cases once per dataset size, each in its own database (the
DATABASE_URL's name plus _<books>, created and seeded when missing), and writes
bench/results/scale.md and .json. --memory serves the books page from workers that are
never recycled and writes their memory after each number of requests per worker to
bench/results/memory.md and .json.
"""

import argparse
import contextlib
import dataclasses
import functools
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from bench.cases import CACHED_CASE, CACHED_SIZE, FLOOR

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "wrk" / "request.lua"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# Sixteen connections from one address would spend any client's budget in a second.
THROTTLES_OFF = {
    name: "off"
    for name in ("THROTTLE_ANON_RATE", "THROTTLE_USER_RATE", "THROTTLE_LOGIN_RATE", "THROTTLE_LOGIN_ADDRESS_RATE")
}
# What the benchmark process shares with the server it starts (the in-process SQL counts
# read the same database, the same Redis and the same keys).
SHARED_SETTINGS = ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "CACHE_KEY_PREFIX")


def server_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        REQUEST_METRICS="0",
        WORKSHOP_MODE="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        CACHE_KEY_PREFIX=env.get("BENCH_CACHE_PREFIX") or "hc-bench",
        # One client at thousands of requests a second: the production budgets would answer 429.
        # A rate set in the environment is kept (to measure what charging a budget costs).
        **{name: env.get(name, off) for name, off in THROTTLES_OFF.items()},
    )
    return env


def setup_django(env: dict[str, str]) -> None:
    os.environ.update({k: env[k] for k in (*SHARED_SETTINGS, *THROTTLES_OFF)})
    import django

    django.setup()


def clear_cache() -> int:
    """Delete the benchmark's keys (its own prefix) from the shared Redis; how many there were."""
    from django.core.cache import cache

    return cache.delete_pattern("*") or 0


DEEP_PAGE = 1_000  # page 1,000 of 100 books: rows 99,901 to 100,000


def prepare_data(books: int) -> dict:
    """Migrate, seed up to ``books`` books, give alice a three-line cart, and pick the rows the cases ask for."""
    from django.core.management import call_command
    from django.db import connection

    from bench.cases import DeepPage
    from catalog.demo import DEMO_USERS
    from catalog.models import Book, Cart, CartItem
    from catalog.pagination import encode_cursor

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed_demo", verbosity=0)
    missing = books - Book.objects.count()
    if missing > 0:
        log(f"seeding {missing:,} synthetic books")
        started = time.monotonic()
        call_command("seed_demo", books=missing, stdout=sys.stderr)
        log(f"seeded in {time.monotonic() - started:.0f} s")
    with connection.cursor() as cursor:
        # What autovacuum does some time after a bulk load: planner statistics and the visibility
        # map (index-only scans).
        cursor.execute("VACUUM ANALYZE catalog_book, catalog_bookauthor, catalog_author")
    alice = next(u for u in DEMO_USERS if u.username == "alice")
    cart = Cart.objects.get(user__username="alice")
    CartItem.objects.filter(cart=cart).delete()
    for book in Book.objects.filter(stock__gt=5).order_by("id")[:3]:
        CartItem.objects.create(cart=cart, book=book, quantity=2)
    total = Book.objects.count()
    middle = Book.objects.order_by("id").values("id", "isbn")[total // 2]
    # Page 1,000 of 100 in the default order (title, id); with fewer books, the last full page.
    number = min(DEEP_PAGE, total // 100)
    before = Book.objects.order_by("title", "id").values_list("title", "id")[(number - 1) * 100 - 1]
    return {
        "book_id": middle["id"],
        "isbn": middle["isbn"],
        "token": alice.token,
        "deep": DeepPage(number=number, cursor=encode_cursor(before)),
        "total": total,
    }


def sql_queries(variant, port: int, *, request_metrics: bool = False) -> int:
    """SQL statements one request costs, counted in-process with the same settings.

    The same Host as wrk's and the same Redis keys, so a warm variant is answered from what
    the server stored and a 304 variant's ETag matches.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client(HTTP_HOST=f"127.0.0.1:{port}")
    with override_settings(REQUEST_METRICS=request_metrics), CaptureQueriesContext(connection) as queries:
        response = client.generic(
            variant.method,
            variant.path,
            data=variant.body_bytes() or b"",
            content_type="application/json" if variant.body else "",
            headers=variant.headers,
        )
    if response.status_code != variant.status or (variant.cache and response.get("X-Cache") != variant.cache):
        raise RuntimeError(
            f"{variant.name} {variant.path} answered {response.status_code} X-Cache {response.get('X-Cache')} "
            f"in-process: {response.content[:300]!r}"
        )
    return len(queries)


def http(port: int, variant) -> tuple[int, dict[str, str], bytes]:
    """One request as wrk sends it: (status, headers, body); a 304 or an error status is no exception."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{variant.path}",
        data=variant.body_bytes(),
        method=variant.method,
        headers={**({"Content-Type": "application/json"} if variant.body else {}), **variant.headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def prepared(send, variant):
    """The variant ready to measure: its document registered, its ETag fetched, its answer checked.

    ``send(variant)`` makes one request and returns (status, headers, body): over HTTP to the
    server, or in-process. Two requests, so a warm variant's answer is stored before the
    second; the second must have the variant's status and X-Cache state, else the run stops
    (it would measure something else).
    """
    if variant.register is not None:
        status, _, body = send(dataclasses.replace(variant, method="POST", path="/graphql/", body=variant.register))
        if status != 200 or b'"errors"' in body:
            raise RuntimeError(f"{variant.name}: registering the persisted document answered {status}: {body[:300]!r}")
    if variant.revalidate:
        status, headers, body = send(variant)
        if status != 200 or "ETag" not in headers:
            raise RuntimeError(f"{variant.name}: no ETag to revalidate with ({status}): {body[:300]!r}")
        variant = variant.with_headers(**{"If-None-Match": headers["ETag"]})
    for _ in range(2):
        status, headers, body = send(variant)
    if status != variant.status or (variant.cache and headers.get("X-Cache") != variant.cache):
        raise RuntimeError(
            f"{variant.name} {variant.method} {variant.path} answered {status} X-Cache {headers.get('X-Cache')}, "
            f"expected {variant.status} X-Cache {variant.cache}: {body[:300]!r}"
        )
    if status == 200 and b'"errors"' in body:
        raise RuntimeError(f"{variant.name} answered errors: {body[:300]!r}")
    return variant


class Server:
    def __init__(self, port: int, env: dict[str, str]) -> None:
        self.port = port
        self.env = env
        self.process: subprocess.Popen | None = None
        # gunicorn's error log goes to a file: a pipe nobody reads fills up after a few hundred
        # worker restarts and then blocks the server.
        self.log = tempfile.NamedTemporaryFile("w+b", prefix="bench-gunicorn-", suffix=".log")  # noqa: SIM115

    def __enter__(self) -> "Server":
        command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1):
                    self.first_boots = self.boots()
                    return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.log_text()[-2000:]) from None
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz within 30 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()

    def log_text(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def boots(self) -> int:
        """Workers booted so far (the first ones and every recycled one)."""
        return self.log_text().count("Booting worker")

    def worker_rss(self) -> int:
        import psutil

        try:
            children = psutil.Process(self.process.pid).children()
        except psutil.Error:
            return 0
        sizes = []
        for child in children:
            with contextlib.suppress(psutil.Error):
                sizes.append(child.memory_info().rss)
        return max(sizes, default=0)


class PeakMemory:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.server.worker_rss())
            self._stop.wait(0.25)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> tuple[float, float]:
    """(CPU time of every thread of ``pid``, CPU time of its children it has reaped), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])  # fields 14-17 of proc(5)
    return (utime + stime) / CLOCK_TICKS, (cutime + cstime) / CLOCK_TICKS


class CpuMeter:
    """CPU time spent serving a wrk run: gunicorn (master, workers, workers recycled meanwhile),
    the PostgreSQL backends of the benchmark database, and wrk itself.

    Unlike requests per second, this hardly moves when other jobs share the machine: time
    spent waiting for a CPU is not counted. Not counted: Redis (a server shared with
    others; a few microseconds per command) and backends that exit during the run.
    """

    def __init__(self, server: "Server") -> None:
        self.server = server

    def _server(self) -> float:
        own, reaped = _cpu_seconds(self.server.process.pid)
        total = own + reaped  # a recycled worker's time moves from "live" to "reaped": counted once
        for child in Path(f"/proc/{self.server.process.pid}/task").iterdir():
            for pid in (child / "children").read_text().split():
                with contextlib.suppress(OSError):
                    total += _cpu_seconds(int(pid))[0]
        return total

    @staticmethod
    def _backends() -> dict[int, float]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            pids = [row[0] for row in cursor.fetchall()]
        seconds = {}
        for pid in pids:
            with contextlib.suppress(OSError):
                seconds[pid] = _cpu_seconds(pid)[0]
        return seconds

    def __enter__(self) -> "CpuMeter":
        import resource

        self._start = (self._server(), self._backends(), resource.getrusage(resource.RUSAGE_CHILDREN))
        return self

    def __exit__(self, *exc) -> None:
        import resource

        server, backends, children = self._server(), self._backends(), resource.getrusage(resource.RUSAGE_CHILDREN)
        server_start, backends_start, children_start = self._start
        self.server_s = server - server_start
        self.postgres_s = sum(cpu - backends_start.get(pid, 0.0) for pid, cpu in backends.items())
        self.wrk_s = (children.ru_utime + children.ru_stime) - (children_start.ru_utime + children_start.ru_stime)


def wrk(port: int, variant, *, duration: float, connections: int, threads: int) -> dict:
    with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as body_file:
        body_file.write(variant.body_bytes() or b"")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{round(duration)}s", "--timeout", "10s", "-s", str(LUA)]
    for name, value in variant.headers.items():
        command += ["-H", f"{name}: {value}"]
    command += [f"http://127.0.0.1:{port}{variant.path}", "--", variant.method, body_file.name if variant.body else ""]
    try:
        finished = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    finally:
        os.unlink(body_file.name)
    if finished.returncode != 0:
        raise RuntimeError(f"wrk failed: {finished.stderr.strip() or finished.stdout.strip()}")
    output = finished.stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    result = json.loads(line.removeprefix("WRK_JSON "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(
        result[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    return result


def cpu_per_request(results: list[dict]) -> dict[str, float]:
    """Milliseconds of CPU per request over all rounds: gunicorn, PostgreSQL, wrk and their total."""
    requests = sum(r["requests"] for r in results) or 1
    parts = {part: sum(r[f"{part}_s"] for r in results) / requests * 1000 for part in ("server", "postgres", "wrk")}
    return {**parts, "total": sum(parts.values())}


def run_cases(args, server: Server, cases) -> list[dict]:
    rows = []
    for case in cases:
        send = functools.partial(http, server.port)
        case = dataclasses.replace(case, variants=tuple(prepared(send, v) for v in case.variants))
        per_variant: dict[str, list[dict]] = {v.name: [] for v in case.variants}
        peaks: dict[str, int] = dict.fromkeys(per_variant, 0)
        for variant in case.variants:  # warm-up, not recorded
            wrk(server.port, variant, duration=1, connections=args.connections, threads=args.threads)
        for round_number in range(args.rounds):
            order = case.variants if round_number % 2 == 0 else tuple(reversed(case.variants))
            for variant in order:
                boots = server.boots()
                with PeakMemory(server) as memory, CpuMeter(server) as cpu:
                    result = wrk(
                        server.port, variant, duration=args.duration, connections=args.connections, threads=args.threads
                    )
                result.update(
                    server_s=cpu.server_s, postgres_s=cpu.postgres_s, wrk_s=cpu.wrk_s, restarts=server.boots() - boots
                )
                per_variant[variant.name].append(result)
                peaks[variant.name] = max(peaks[variant.name], memory.peak)
                cpu_ms = (cpu.server_s + cpu.postgres_s + cpu.wrk_s) / max(result["requests"], 1) * 1000
                log(
                    f"{case.name:<12} {variant.name:<17} round {round_number + 1}: {result['rps']:8.1f} req/s  "
                    f"p50 {result['p50_us'] / 1000:6.2f} ms  p99 {result['p99_us'] / 1000:7.2f} ms  "
                    f"CPU {cpu_ms:5.2f} ms/request  restarts {result['restarts']}  errors {result['errors']}"
                )
        baseline_rps = statistics.mean(r["rps"] for r in per_variant["baseline"])
        baseline_cpu = cpu_per_request(per_variant["baseline"])
        for variant in case.variants:
            results = per_variant[variant.name]
            rps = statistics.mean(r["rps"] for r in results)
            cpu = cpu_per_request(results)
            rows.append(
                {
                    "case": case.name,
                    "title": case.title,
                    "variant": variant.name,
                    "rps": round(rps, 1),
                    "p50_ms": round(statistics.median(r["p50_us"] for r in results) / 1000, 2),
                    "p99_ms": round(max(r["p99_us"] for r in results) / 1000, 2),
                    "errors": sum(r["errors"] for r in results),
                    "restarts": sum(r["restarts"] for r in results),
                    "sql_queries": sql_queries(
                        variant, server.port, request_metrics=server.env["REQUEST_METRICS"] == "1"
                    ),
                    "peak_worker_mb": round(peaks[variant.name] / 2**20, 1),
                    "ratio": round(rps / baseline_rps, 2) if baseline_rps else None,
                    "cpu_ms": {part: round(ms, 3) for part, ms in cpu.items()},
                    "cpu_ratio": round(baseline_cpu["total"] / cpu["total"], 2) if cpu["total"] else None,
                }
            )
    return rows


def gunicorn_setup(env: dict[str, str]) -> str:
    """The worker model the server ran with, read from config/gunicorn.py under the same environment."""
    code = (
        "import runpy, json; c = runpy.run_path('config/gunicorn.py'); k = c['worker_class']; "
        "print(json.dumps([getattr(k, '__name__', str(k)), c['workers'], c['threads']]))"
    )
    name, workers, threads = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        ).stdout
    )
    return f"gunicorn {name} x {workers} workers x {threads} threads"


def markdown(rows: list[dict], meta: dict) -> str:
    out = [
        f"Run {meta['stamp']}: {meta['books']:,} books, {meta['connections']} connections, "
        f"{meta['rounds']} rounds x {meta['duration']} s per variant, {meta['workers']}, {meta['cache']}.",
        "CPU: milliseconds of CPU per request, gunicorn + PostgreSQL + wrk; its ratio is the baseline's over the "
        "variant's (the ratio in requests per second, on a machine nobody else uses).",
        "",
        "| case | variant | req/s | ratio to baseline | p50 ms | p99 ms | CPU ms | CPU ratio | SQL/request "
        "| peak worker MB | worker restarts | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['case']} | {r['variant']} | {r['rps']:.0f} | {r['ratio']:.2f}x | {r['p50_ms']} | {r['p99_ms']} | "
            f"{r['cpu_ms']['total']:.2f} | {r['cpu_ratio']:.2f}x | {r['sql_queries']} | {r['peak_worker_mb']} | "
            f"{r['restarts']} | {r['errors']} |"
        )
    goals = targets(rows)
    if goals:
        out += ["", "| target | variant | ratio | CPU ratio | |", "|---|---|---:|---:|---|"]
        for goal in goals:
            out.append(
                f"| {goal['target']} | {goal['variant']} | {goal['ratio']:.2f}x | {goal['cpu_ratio']:.2f}x | "
                f"{'met' if goal['met'] else '**not met**'} |"
            )
    return "\n".join(out) + "\n"


# What a cached read must reach, as a ratio of the uncached baseline's requests per second.
CACHE_TARGETS = {"warm": 5.0, "304": 8.0}


def targets(rows: list[dict]) -> list[dict]:
    """Each cached variant of this run against its target (warm >= 5x, 304 >= 8x)."""
    goals = []
    for r in rows:
        state = r["variant"].rsplit("-", 1)[-1]
        if r["case"] == CACHED_CASE and state in CACHE_TARGETS:
            goal = CACHE_TARGETS[state]
            goals.append(
                {
                    "target": f"{state} >= {goal:g}x",
                    "variant": r["variant"],
                    "ratio": r["ratio"],
                    "cpu_ratio": r["cpu_ratio"],
                    "met": r["ratio"] >= goal,
                }
            )
    return goals


COLOURS = {
    "baseline": "#9aa5b1",
    "rest": "#2f6fb3",
    "graphql": "#c2185b",
    "rest-offset": "#9cc3e8",
    "rest-n+1": "#9cc3e8",
    "graphql-n+1": "#e8a0bd",
}
CACHE_STATES = {"cold": "#f2c14e", "warm": "#e07a1f", "304": "#8c3b0c"}
CACHE_STYLES = {
    "rest": "REST GET",
    "graphql-post": "GraphQL POST",
    "graphql-get": "GraphQL GET",
    "persisted": "GraphQL persisted GET\n(hash only)",
}


def _ratio_panel(axis, rows: list[dict]) -> None:
    """One group of bars per case, one bar per variant: the uncached cases."""
    cases = list(dict.fromkeys(r["case"] for r in rows))
    variants = list(dict.fromkeys(r["variant"] for r in rows))
    width = 0.8 / len(variants)
    for i, variant in enumerate(variants):
        present = [
            (x, r["ratio"])
            for x, case in enumerate(cases)
            for r in rows
            if r["case"] == case and r["variant"] == variant
        ]
        bars = axis.bar(
            [x + i * width for x, _ in present],
            [v for _, v in present],
            width,
            label=variant,
            color=COLOURS.get(variant),
        )
        axis.bar_label(bars, labels=[f"{v:.2f}" for _, v in present], fontsize=7, padding=2)
        ratios = {r["case"]: r["cpu_ratio"] for r in rows if r["variant"] == variant}
        _cpu_marks(axis, [x + i * width for x, _ in present], [ratios[cases[x]] for x, _ in present])
    axis.axhline(0.75, color="#2f6fb3", linestyle=":", linewidth=1, label="REST target 0.75x")
    axis.axhline(0.45, color="#c2185b", linestyle=":", linewidth=1, label="GraphQL target 0.45x")
    axis.set_xticks([x + width * (len(variants) - 1) / 2 for x in range(len(cases))], cases)
    axis.set_ylabel("throughput / hand-written baseline")
    axis.legend(loc="upper center", fontsize=8, ncols=7, bbox_to_anchor=(0.5, -0.07), frameon=False)
    axis.set_ylim(0, max(1.3, max(max(r["ratio"], r["cpu_ratio"]) for r in rows) * 1.12))


def _cpu_marks(axis, xs: list[float], ratios: list[float]) -> None:
    """A black diamond on each bar at its CPU ratio (what the throughput ratio is on an idle machine)."""
    first = not any(c.get_label() == "CPU ratio" for c in axis.collections)
    axis.scatter(xs, ratios, marker="D", s=12, color="black", zorder=3, label="CPU ratio" if first else None)


def _cache_panel(axis, rows: list[dict]) -> None:
    """The cached-page case: one group per style and transport, cold, warm and 304 side by side."""
    by_name = {r["variant"]: r for r in rows}
    floor = by_name.get(FLOOR)
    width = 0.8 / len(CACHE_STATES)
    styles = [style for style in CACHE_STYLES if any(f"{style}-{state}" in by_name for state in CACHE_STATES)]
    for i, (state, colour) in enumerate(CACHE_STATES.items()):
        present = [(x, by_name[f"{style}-{state}"]) for x, style in enumerate(styles) if f"{style}-{state}" in by_name]
        bars = axis.bar(
            [x + i * width for x, _ in present],
            [r["ratio"] for _, r in present],
            width,
            label=state if state != "cold" else "cold (no-cache)",
            color=colour,
        )
        axis.bar_label(bars, labels=[f"{r['ratio']:.2f}\n{r['rps']:.0f}/s" for _, r in present], fontsize=7, padding=2)
        _cpu_marks(axis, [x + i * width for x, _ in present], [r["cpu_ratio"] for _, r in present])
    axis.axhline(1, color=COLOURS["baseline"], linewidth=1.5, label="uncached baseline (1x)")
    cached = [r for r in rows if r["variant"] not in (FLOOR, "baseline")]
    top = max(10, max((max(r["ratio"], r["cpu_ratio"]) for r in cached), default=0) * 1.35)
    if floor is not None:
        label = f"floor: /healthz ({floor['ratio']:.1f}x)"
        if floor["ratio"] <= top:
            axis.axhline(floor["ratio"], color="#555555", linestyle="--", linewidth=1, label=label)
        else:  # answered in gunicorn's main loop: far above any answer from Django, off this scale
            axis.plot([], [], " ", label=f"{label}, off the scale")
    axis.axhline(5, color="#e07a1f", linestyle=":", linewidth=1, label="warm target 5x")
    axis.axhline(8, color="#8c3b0c", linestyle=":", linewidth=1, label="304 target 8x")
    axis.set_xticks(
        [x + width * (len(CACHE_STATES) - 1) / 2 for x in range(len(styles))], [CACHE_STYLES[s] for s in styles]
    )
    axis.set_ylabel("throughput / uncached hand-written baseline")
    axis.legend(loc="upper left", fontsize=8, ncols=4, frameon=False)
    axis.set_ylim(0, top)


def chart(rows: list[dict], path: Path, title: str) -> None:
    """A panel of the uncached cases, and one of the cached page when it was measured."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cached = [r for r in rows if r["case"] == CACHED_CASE]
    uncached = [r for r in rows if r["case"] != CACHED_CASE]
    panels = [p for p in (uncached, cached) if p]
    figure, axes = plt.subplots(
        len(panels), 1, figsize=(11, 5.5 * len(panels)), squeeze=False, height_ratios=[1] * len(panels)
    )
    for axis, panel in zip(axes[:, 0], panels, strict=True):
        if panel is cached:
            baseline = next((r for r in cached if r["variant"] == "baseline"), None)
            _cache_panel(axis, [r for r in cached if r["variant"] != "baseline"])
            note = f" (baseline {baseline['rps']:.0f} req/s)" if baseline else ""
            axis.set_title(f"The same page of {CACHED_SIZE} books with authors and the count, cached{note}")
        else:
            _ratio_panel(axis, panel)
            axis.set_title(title + (": every read uncached (Cache-Control: no-cache)" if cached else ""))
    figure.tight_layout()
    figure.savefig(path, dpi=110)


SCALE_CASES = "books-50,deep-page,search,search-count,isbn"


def database_url(url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def ensure_database(url: str, name: str) -> None:
    """Create database ``name`` next to the one in ``url`` (same server and role) unless it exists."""
    from urllib.parse import urlsplit

    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname=parts.path.lstrip("/"),
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            log(f"creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def run_scale(args) -> int:
    """One run of the scale cases per dataset size, each in its own database; then one table."""
    from urllib.parse import urlsplit

    url = os.environ["DATABASE_URL"]
    base_name = urlsplit(url).path.lstrip("/")
    sizes = [int(size) for size in args.scale.split(",")]
    runs = {}
    for books in sizes:
        name = f"{base_name}_{books}"
        ensure_database(url, name)
        env = dict(os.environ, DATABASE_URL=database_url(url, name))
        command = [sys.executable, "-m", "bench.run", "--books", str(books), "--output", f"scale-{books}"]
        command += [
            "--cases",
            args.cases or SCALE_CASES,
            "--duration",
            str(args.duration),
            "--rounds",
            str(args.rounds),
        ]
        command += ["--connections", str(args.connections), "--port", str(args.port)]
        log(f"scale: {books:,} books in database {name}")
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        runs[books] = json.loads((RESULTS / f"scale-{books}.json").read_text())
    rows = []
    smallest = sizes[0]
    for row in runs[smallest]["rows"]:
        entry = {"case": row["case"], "variant": row["variant"], "sizes": {}}
        for books in sizes:
            match = next(r for r in runs[books]["rows"] if (r["case"], r["variant"]) == (row["case"], row["variant"]))
            entry["sizes"][books] = {
                "rps": match["rps"],
                "p50_ms": match["p50_ms"],
                "sql_queries": match["sql_queries"],
            }
        # Time per request relative to the smallest dataset: throughput there over throughput here.
        entry["slowdown"] = {
            books: round(entry["sizes"][smallest]["rps"] / entry["sizes"][books]["rps"], 2) for books in sizes
        }
        rows.append(entry)
    meta = {**runs[sizes[-1]]["meta"], "sizes": sizes}
    (RESULTS / "scale.json").write_text(json.dumps({"meta": meta, "rows": rows, "targets": targets(rows)}, indent=2))
    header = " | ".join(f"{b:,} req/s | p50 ms" for b in sizes)
    out = [
        f"Scale run {meta['stamp']}: {meta['connections']} connections, {meta['rounds']} rounds x "
        f"{meta['duration']} s per variant, {meta['workers']}. Slowdown: time per request relative to "
        f"{smallest:,} books (target: at most 1.5x).",
        "",
        f"| case | variant | {header} | SQL/request | slowdown at {sizes[-1]:,} |",
        "|---|---|" + "---:|---:|" * len(sizes) + "---:|---:|",
    ]
    for r in rows:
        cells = " | ".join(f"{r['sizes'][b]['rps']:.0f} | {r['sizes'][b]['p50_ms']}" for b in sizes)
        out.append(
            f"| {r['case']} | {r['variant']} | {cells} | {r['sizes'][sizes[-1]]['sql_queries']} | "
            f"{r['slowdown'][sizes[-1]]:.2f}x |"
        )
    (RESULTS / "scale.md").write_text("\n".join(out) + "\n")
    print("\n".join(out))
    return 0


def run_memory(args, server: "Server", variants) -> dict:
    """Worker memory after each checkpoint of requests per worker, with workers never recycled."""
    import psutil

    checkpoints = sorted(int(n) for n in args.memory.split(","))
    workers = len(psutil.Process(server.process.pid).children())
    done, sizes, turn = 0, {}, 0
    for checkpoint in checkpoints:
        while done < checkpoint * workers:
            variant = variants[turn % len(variants)]
            turn += 1
            done += wrk(server.port, variant, duration=2, connections=args.connections, threads=args.threads)[
                "requests"
            ]
        children = psutil.Process(server.process.pid).children()
        sizes[checkpoint] = {
            "requests": done,
            "worker_mb": sorted(round(child.memory_info().rss / 2**20, 1) for child in children),
        }
        log(f"memory after {done:,} requests ({checkpoint:,}+ per worker): {sizes[checkpoint]['worker_mb']} MB")
    return {"workers": workers, "checkpoints": sizes}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=4, help="seconds per variant per round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (A B C, C B A, ...)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (one leaves a core to the server)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--cases", help="comma-separated case names (default: all but n+1, which runs on its own)")
    parser.add_argument("--output", default="latest", help="results file name in bench/results/")
    parser.add_argument("--scale", metavar="N,N", help="dataset sizes for a scale run, e.g. 10000,1000000")
    parser.add_argument("--memory", metavar="N,N", help="requests per worker to measure memory after, e.g. 1000,10000")
    parser.add_argument("--checkout", action="store_true", help="purchases under concurrent load, REST against GraphQL")
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...", file=sys.stderr)
        return 2
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk (make bench does it)", file=sys.stderr)
        return 2
    if not os.environ.get("REDIS_URL", "").startswith(("redis://", "rediss://", "unix://")):
        print(
            "The benchmark runs with Redis as the shared cache, as production does: set REDIS_URL=redis://...",
            file=sys.stderr,
        )
        return 2

    if args.scale:
        return run_scale(args)
    started = time.monotonic()
    env = server_env(args.port)
    if args.memory:
        env["GUNICORN_MAX_REQUESTS"] = "0"  # never recycle: growth would hide behind restarts
    setup_django(env)
    log(f"Redis {env['REDIS_URL']}, key prefix {env['CACHE_KEY_PREFIX']!r}: {clear_cache()} old keys deleted")
    data = prepare_data(args.books)

    from bench.cases import build_cases

    cases = build_cases(book_id=data["book_id"], token=data["token"], isbn=data["isbn"], deep=data["deep"])
    if args.cases:
        wanted = set(args.cases.split(","))
        cases = [c for c in cases if c.name in wanted]
    else:
        cases = [c for c in cases if c.group == "main"]
    from django.conf import settings

    if not settings.READ_CACHE:
        # READ_CACHE=0: what the uncached cases cost with no cache in the way at all.
        if any(c.name == CACHED_CASE for c in cases):
            print(f"READ_CACHE=0 leaves nothing to measure in {CACHED_CASE}: leave it out (--cases).", file=sys.stderr)
            return 2
        cases = [
            dataclasses.replace(c, variants=tuple(dataclasses.replace(v, cache=None) for v in c.variants))
            for c in cases
        ]
    if any(c.group == "n+1" for c in cases):
        if any(c.group != "n+1" for c in cases):
            print("Run the n+1 case on its own: it needs REQUEST_METRICS on for the whole server.", file=sys.stderr)
            return 2
        env["REQUEST_METRICS"] = "1"  # the only setting that honours X-Query-Optimization: off
    if args.checkout:
        from bench.checkout import run_checkout

        with Server(args.port, env) as server:
            log(f"gunicorn on 127.0.0.1:{args.port}; checkout under load")
            rows, table = run_checkout(args, server.port)
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "checkout.json").write_text(json.dumps({"setup": gunicorn_setup(env), "rows": rows}, indent=2))
        (RESULTS / "checkout.md").write_text(table)
        print(table)
        return 0 if all(r["consistent"] for r in rows) else 1
    if args.memory:
        books = next(c for c in cases if c.name == "books-50")
        with Server(args.port, env) as server:
            log(f"gunicorn on 127.0.0.1:{args.port}, max_requests off; books-50 from REST and GraphQL in turn")
            memory = run_memory(args, server, [v for v in books.variants if v.name != "baseline"])
        memory["workers_setup"] = gunicorn_setup(env)
        memory["stamp"] = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        first, last = (
            memory["checkpoints"][n]["worker_mb"] for n in (min(memory["checkpoints"]), max(memory["checkpoints"]))
        )
        memory["growth"] = round(max(last) / max(first) - 1, 3)
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "memory.json").write_text(json.dumps(memory, indent=2))
        lines = [
            f"Memory run {memory['stamp']}: {memory['workers_setup']}, GUNICORN_MAX_REQUESTS=0, "
            f"books-50 (REST and GraphQL in turn) at {args.connections} connections.",
            "",
            "| requests per worker | requests in all | worker RSS MB (each) |",
            "|---:|---:|---|",
        ]
        for n, point in memory["checkpoints"].items():
            lines.append(f"| {n:,} | {point['requests']:,} | {', '.join(map(str, point['worker_mb']))} |")
        lines += ["", f"Largest worker grew by {memory['growth']:.1%} between the first and last checkpoint."]
        (RESULTS / "memory.md").write_text("\n".join(lines) + "\n")
        print("\n".join(lines))
        return 0

    try:
        with Server(args.port, env) as server:
            log(f"gunicorn on 127.0.0.1:{args.port}; {len(cases)} cases")
            rows = run_cases(args, server, cases)
    finally:
        clear_cache()

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    meta = {
        "stamp": stamp,
        "books": args.books,
        "connections": args.connections,
        "rounds": args.rounds,
        "duration": args.duration,
        "workers": gunicorn_setup(env),
        "cache": "Redis (django-redis), throttle rates off" + ("" if settings.READ_CACHE else ", READ_CACHE off"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / args.output
    out.with_suffix(".json").write_text(json.dumps({"meta": meta, "rows": rows, "targets": targets(rows)}, indent=2))
    out.with_suffix(".md").write_text(markdown(rows, meta))
    chart(rows, out.with_suffix(".png"), f"Throughput relative to the hand-written baseline ({args.books:,} books)")
    print()
    print(markdown(rows, meta))
    log(f"done in {time.monotonic() - started:.0f} s: bench/results/{args.output}.md, .json, .png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
