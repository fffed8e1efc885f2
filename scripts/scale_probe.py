#!/usr/bin/env python3
"""Scale-out probe of the compose stack through its proxy: replicas, failover, shared state.

    scripts/scale_probe.py [--base-url http://127.0.0.1:8000] [--compose "docker compose"]
                           [--steps throughput,kill,checkout,throttle] [--duration 15] [--rounds 1]

Run from the project folder with the stack up (`docker compose up -d`, demo data loaded).
Where compose is another command (an engine whose containers share the host's network, say),
pass it with --compose, and the proxy's address with --base-url.
Steps, in this order (each prints progress; a summary table closes the run):

  throughput  wrk on loopback through the proxy, with 1 and then 3 web replicas, same run:
              a REST list (GET) and a GraphQL query (POST).
  kill        3 replicas under load (GET and GraphQL POST clients); one replica is killed
              (docker kill) a few seconds in. No request sent after the kill may be lost, and
              only some of those in flight at the kill: nginx retries a GET that met the dead
              replica before any of its answer was sent, never a POST. The replica is started
              again.
  checkout    30 shoppers, each with the same book in the cart, check out at once over the
              replicas; the book has 5 copies: exactly 5 orders, stock 0, 25 insufficient_stock.
  throttle    web replicas recreated with THROTTLE_ANON_RATE=30/minute; 45 anonymous requests,
              in three waves of 15 at once, spread over the replicas: at most 30 may pass
              (one budget in the shared cache). The replicas are recreated with the defaults.

The load steps run with the per-client budgets off (THROTTLE_ANON_RATE=off,
THROTTLE_USER_RATE=off): the probe is one address, and would otherwise measure the budget.

Only loopback addresses are used; every loop is bounded in count and time. Needs Python 3.11,
wrk and the docker CLI. Exit status 0 when every check holds.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

GRAPHQL_QUERY = "{ books(first: 10) { edges { node { id title price } } } }"
# Load from one address would spend any per-client budget in a second: off for the load steps.
UNMETERED = {"THROTTLE_ANON_RATE": "off", "THROTTLE_USER_RATE": "off"}
START = time.monotonic()


def log(message: str) -> None:
    print(f"[scale-probe {time.monotonic() - START:6.1f}s] {message}", flush=True)


@dataclass
class Check:
    step: str
    name: str
    ok: bool
    detail: str


@dataclass
class Probe:
    base_url: str
    compose: list[str]
    duration: int
    connections: int
    rounds: int = 1
    checks: list[Check] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)

    # --- plumbing --------------------------------------------------------------------------
    @property
    def host(self) -> str:
        return urllib.parse.urlsplit(self.base_url).hostname or "127.0.0.1"

    @property
    def port(self) -> int:
        return urllib.parse.urlsplit(self.base_url).port or 80

    def check(self, step: str, name: str, ok: bool, detail: str) -> None:
        self.checks.append(Check(step, name, ok, detail))
        log(f"{'PASS' if ok else 'FAIL'} {step}: {name} ({detail})")

    def run(self, *args: str, env: dict | None = None, timeout: float = 300, capture: bool = True) -> str:
        result = subprocess.run(
            list(args),
            env={**os.environ, **(env or {})},
            capture_output=capture,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{shlex.join(args)} failed ({result.returncode}): {(result.stderr or '')[-2000:]}")
        return result.stdout or ""

    def compose_run(self, *args: str, env: dict | None = None, timeout: float = 600) -> str:
        return self.run(*self.compose, *args, env=env, timeout=timeout)

    def web_containers(self) -> list[str]:
        return self.compose_run("ps", "-q", "web").split()

    def health(self, container: str) -> str:
        template = "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}"
        return self.run("docker", "inspect", "-f", template, container).strip()

    def scale(self, replicas: int, env: dict | None = None) -> list[str]:
        log(f"scaling web to {replicas} replica(s){' with ' + str(env) if env else ''}")
        self.compose_run("up", "-d", "--scale", f"web={replicas}", env=env)
        deadline = time.monotonic() + 180
        while True:
            containers = self.web_containers()
            states = [self.health(c) for c in containers]
            if len(containers) == replicas and all(s == "running healthy" for s in states):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"web replicas not healthy after 180 s: {states}")
            time.sleep(1)
        # nginx resolves the upstream name when it starts: on a compose network it must see
        # the new set of replicas (on a shared host network this only costs a second).
        self.compose_run("restart", "proxy", env=env)
        self.wait_for_proxy()
        return containers

    def wait_for_proxy(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _ = self.request("GET", "/healthz", close=True)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError("the proxy did not answer /healthz within 60 s")

    def request(
        self, method: str, path: str, body: dict | None = None, token: str | None = None, *, close: bool = False,
        conn: http.client.HTTPConnection | None = None,
    ) -> tuple[int, bytes]:  # fmt: skip
        headers = {"Accept": "application/json", "Host": f"{self.host}:{self.port}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Token {token}"
        if close:
            headers["Connection"] = "close"
        own = conn is None
        conn = conn or http.client.HTTPConnection(self.host, self.port, timeout=15)
        try:
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            if own:
                conn.close()

    def manage_shell(self, code: str) -> str:
        """Run Python in a web replica's Django shell; returns what it printed."""
        return self.compose_run("exec", "-T", "web", "python", "manage.py", "shell", "-c", code, timeout=120)

    def replica_counts(self, containers: list[str], since: float, pattern: str) -> list[int]:
        counts = []
        for container in containers:
            logs = subprocess.run(
                ["docker", "logs", "--since", str(int(since)), container], capture_output=True, text=True, timeout=60
            )
            counts.append(len(re.findall(pattern, logs.stdout + logs.stderr)))
        return counts

    # --- wrk ------------------------------------------------------------------------------
    def wrk(self, path: str, lua: str | None = None) -> dict:
        command = ["wrk", "-t2", f"-c{self.connections}", f"-d{self.duration}s", "--timeout", "10s", "--latency"]
        if lua:
            command += ["-s", lua]
        command.append(self.base_url + path)
        out = self.run(*command, timeout=self.duration + 60)
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        total = int(re.search(r"(\d+) requests in", out).group(1))
        non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
        sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
        socket_errors = sum(int(x) for x in sock.groups()) if sock else 0

        def pct(label: str) -> float:
            m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
            value, unit = float(m.group(1)), m.group(2)
            return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

        return {"rps": rps, "requests": total, "p50": pct("50"), "p99": pct("99"), "errors": non2xx + socket_errors}

    # --- steps ----------------------------------------------------------------------------
    def step_throughput(self) -> None:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(
                'wrk.method = "POST"\n'
                f"wrk.body = {json.dumps(json.dumps({'query': GRAPHQL_QUERY}))}\n"
                'wrk.headers["Content-Type"] = "application/json"\n'
            )
        results: dict[tuple[int, str], list[dict]] = {}
        # Rounds alternate the order (1, 3, then 3, 1, ...) so that a drift in the machine's
        # other load does not favour one side.
        for round_number in range(self.rounds):
            for replicas in (1, 3) if round_number % 2 == 0 else (3, 1):
                containers = self.scale(replicas, env=UNMETERED)
                self.wrk("/api/books/?page_size=10")  # warm-up, not counted
                since = time.time()
                for label, path, script in (
                    ("REST GET /api/books/?page_size=10", "/api/books/?page_size=10", None),
                    ("GraphQL POST books(first: 10)", "/graphql/", lua.name),
                ):
                    log(f"round {round_number + 1}: wrk {self.duration}s x {self.connections} connections, "
                        f"{replicas} replica(s): {label}")  # fmt: skip
                    load = os.getloadavg()[0]
                    result = self.wrk(path, script)
                    results.setdefault((replicas, label), []).append(result)
                    self.figures.append(
                        (
                            f"throughput round {round_number + 1}, {replicas} replica(s): {label}",
                            f"{result['rps']:.0f} req/s, p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f} ms, "
                            f"{result['errors']} errors of {result['requests']} (load average {load:.1f})",
                        )
                    )
                    self.check("throughput", f"{replicas} replica(s), {label}: no errors", result["errors"] == 0,
                               f"{result['errors']} of {result['requests']}")  # fmt: skip
                if replicas == 3:
                    spread = self.replica_counts(containers, since, r'"(GET /api/books/|POST /graphql/)')
                    self.figures.append(
                        (
                            f"throughput round {round_number + 1}, 3 replicas: requests per replica",
                            " / ".join(map(str, spread)),
                        )
                    )
                    self.check("throughput", "every replica served requests", all(n > 0 for n in spread), str(spread))
        for (replicas, label), runs in sorted(results.items()):
            self.figures.append(
                (
                    f"throughput median, {replicas} replica(s): {label}",
                    f"{statistics.median(r['rps'] for r in runs):.0f} req/s over {len(runs)} run(s), "
                    f"p99 {statistics.median(r['p99'] for r in runs):.0f} ms",
                )
            )
        os.unlink(lua.name)

    def step_kill(self) -> None:
        containers = self.scale(3, env=UNMETERED)
        victim = containers[1]
        results: list[tuple[str, float, float, str]] = []  # method, started, ended, outcome
        lock = threading.Lock()
        stop = threading.Event()
        run_for, kill_at = 12.0, 4.0

        def client(method: str) -> None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=15)
            try:
                while not stop.is_set():
                    started = time.monotonic()
                    try:
                        if method == "GET":
                            status, _ = self.request("GET", "/api/books/?page_size=5", conn=conn)
                        else:
                            status, _ = self.request("POST", "/graphql/", {"query": GRAPHQL_QUERY}, conn=conn)
                        outcome = str(status)
                    except (OSError, http.client.HTTPException) as exc:
                        outcome = type(exc).__name__
                        conn.close()
                        conn = http.client.HTTPConnection(self.host, self.port, timeout=15)
                    with lock:
                        results.append((method, started, time.monotonic(), outcome))
            finally:
                conn.close()

        threads = [threading.Thread(target=client, args=("GET",)) for _ in range(12)]
        threads += [threading.Thread(target=client, args=("POST",)) for _ in range(4)]
        log(f"load: 12 GET and 4 GraphQL POST clients, {run_for:.0f} s; docker kill {victim[:12]} at {kill_at:.0f} s")
        began, since = time.monotonic(), time.time()
        for thread in threads:
            thread.start()
        time.sleep(kill_at)
        kill_started = time.monotonic()
        self.run("docker", "kill", victim)
        kill_done = time.monotonic()
        time.sleep(run_for - kill_at)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        failed = [r for r in results if r[3] != "200"]
        # In flight: sent before the kill had completed, not answered before it began.
        in_flight = [r for r in results if r[1] <= kill_done and r[2] >= kill_started]
        after_kill = [r for r in failed if r[1] > kill_done]
        gets = sum(1 for r in results if r[0] == "GET")
        failed_get = sum(1 for r in failed if r[0] == "GET")
        # nginx logs every upstream it tried: "upstream=a, b" is a request retried elsewhere.
        proxy = self.compose_run("ps", "-q", "proxy").split()[0]
        proxy_log = subprocess.run(
            ["docker", "logs", "--since", str(int(since)), proxy], capture_output=True, text=True, timeout=60
        ).stdout
        retried = [line for line in proxy_log.splitlines() if re.search(r"upstream=\S+, ", line)]
        retried_ok = sum(1 for line in retried if '" 200 ' in line)
        for method, started, ended, outcome in failed:
            sent, answered = started - kill_started, ended - kill_started
            log(f"  lost: {method} sent {sent:+.3f} s, ended {answered:+.3f} s after the kill began: {outcome}")
        self.figures.append(
            (
                "kill one of 3 replicas under load",
                f"{len(results)} requests in {time.monotonic() - began:.1f} s "
                f"({gets} GET, {len(results) - gets} POST); "
                f"in flight while docker kill ran {len(in_flight)}; "
                f"lost {failed_get} GET + {len(failed) - failed_get} POST "
                f"({', '.join(sorted({r[3] for r in failed})) or 'none'}); retried by nginx {len(retried)} "
                f"({retried_ok} answered 200)",
            )
        )
        self.check("kill", "no request sent after the kill was lost", not after_kill, f"{len(after_kill)}")
        self.check(
            "kill",
            "lost requests are among those in flight at the kill",
            set(failed) <= set(in_flight),
            f"{len(failed)} lost, {len(in_flight)} in flight",
        )
        self.check("kill", "nginx retried GETs that met the dead replica", retried_ok > 0 or not in_flight,
                   f"{retried_ok} retried and answered")  # fmt: skip
        self.scale(3, env=UNMETERED)

    def step_checkout(self) -> None:
        containers = self.scale(3, env=UNMETERED)
        shoppers, stock = 30, 5
        log(f"preparing {shoppers} shoppers with one copy each in the cart; stock {stock}")
        out = self.manage_shell(
            "import json\n"
            "from django.contrib.auth import get_user_model\n"
            "from rest_framework.authtoken.models import Token\n"
            "from catalog.models import Book, CartItem, Order\n"
            "from catalog import services\n"
            "book = Book.objects.order_by('id').first()\n"
            "User = get_user_model()\n"
            f"users = [User.objects.get_or_create(username=f'scale-probe-{{n:02d}}')[0] for n in range({shoppers})]\n"
            "CartItem.objects.filter(cart__user__in=users).delete()\n"
            f"Book.objects.filter(pk=book.pk).update(stock={shoppers})\n"
            "[services.cart_item_add(user=u, book_id=book.pk, quantity=1) for u in users]\n"
            f"Book.objects.filter(pk=book.pk).update(stock={stock})\n"
            "print(json.dumps({'book': book.pk, 'orders': Order.objects.filter(lines__book=book).count(),"
            " 'tokens': [Token.objects.get_or_create(user=u)[0].key for u in users]}))\n"
        )
        prepared = json.loads(out.strip().splitlines()[-1])
        barrier = threading.Barrier(shoppers, timeout=60)
        outcomes: list[str] = []
        lock = threading.Lock()

        def shopper(token: str) -> None:
            barrier.wait()
            try:
                status, body = self.request("POST", "/api/cart/checkout/", {}, token, close=True)
                codes = [e.get("code") for e in json.loads(body).get("errors", [])] if status != 201 else []
                outcome = f"{status} {','.join(codes)}".strip()
            except (OSError, http.client.HTTPException, ValueError) as exc:
                outcome = type(exc).__name__
            with lock:
                outcomes.append(outcome)

        since = time.time()
        threads = [threading.Thread(target=shopper, args=(t,)) for t in prepared["tokens"]]
        log(f"{shoppers} concurrent checkouts through the proxy")
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)
        ledger = json.loads(
            self.manage_shell(
                "import json\nfrom catalog.models import Book, Order\n"
                f"book = Book.objects.get(pk={prepared['book']})\n"
                "print(json.dumps({'stock': book.stock, 'orders': Order.objects.filter(lines__book=book).count()}))\n"
            )
            .strip()
            .splitlines()[-1]
        )
        made = ledger["orders"] - prepared["orders"]
        created = outcomes.count("201")
        short = outcomes.count("409 insufficient_stock")
        spread = self.replica_counts(containers, since, r'"POST /api/cart/checkout/')
        tally = {o: outcomes.count(o) for o in sorted(set(outcomes))}
        per_replica = " / ".join(map(str, spread))
        self.figures.append(
            (
                "30 checkouts on a stock of 5",
                f"answers {tally}; orders made {made}; stock left {ledger['stock']}; per replica {per_replica}",
            )
        )
        self.check("checkout", "exactly 5 orders", made == stock and created == stock, f"{made} made, {created} x 201")
        self.check("checkout", "the other 25 are insufficient_stock", short == shoppers - stock, f"{short}")
        self.check("checkout", "stock never below zero", ledger["stock"] == 0, f"stock {ledger['stock']}")
        self.check("checkout", "checkouts spread over the replicas", sum(1 for n in spread if n) >= 2, str(spread))

    def step_throttle(self) -> None:
        rate, attempts = "30/minute", 45
        containers = self.scale(3, env={"THROTTLE_ANON_RATE": rate, "THROTTLE_USER_RATE": "off"})
        # Budgets are fixed windows aligned on the clock: a minute boundary in the middle of the
        # run would refill the budget, so start early in a minute.
        if time.time() % 60 > 45:
            pause = 61 - time.time() % 60
            log(f"waiting {pause:.0f} s for the next minute window")
            time.sleep(pause)
        since = time.time()
        statuses: list[int | str] = []
        lock = threading.Lock()

        def anonymous() -> None:
            try:
                status, _ = self.request("GET", "/api/authors/?page_size=1", close=True)
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
            with lock:
                statuses.append(status)

        # In waves of 15 at once: nginx then opens several connections to gunicorn, which the
        # replicas share (one request after another would all ride one kept-alive connection).
        for _ in range(attempts // 15):
            wave = [threading.Thread(target=anonymous) for _ in range(15)]
            for thread in wave:
                thread.start()
            for thread in wave:
                thread.join(timeout=30)
        passed = statuses.count(200)
        refused = statuses.count(429)
        spread = self.replica_counts(containers, since, r'"GET /api/authors/\?page_size=1')
        self.figures.append(
            (
                f"throttle THROTTLE_ANON_RATE={rate}, {attempts} requests",
                f"{passed} x 200, {refused} x 429, other {attempts - passed - refused}; "
                f"per replica {' / '.join(map(str, spread))}",
            )
        )
        self.check("throttle", "requests spread over the replicas", sum(1 for n in spread if n) >= 2, str(spread))
        self.check("throttle", "one budget across replicas: at most 30 pass", passed <= 30, f"{passed} passed")
        log("recreating the replicas with the default budgets")
        self.scale(3)

    def summary(self) -> int:
        print("\nFigures")
        width = max((len(k) for k, _ in self.figures), default=10)
        for key, value in self.figures:
            print(f"  {key:<{width}}  {value}")
        print("\nChecks")
        print(f"  {'step':<10} {'result':<6} {'check':<52} detail")
        for c in self.checks:
            print(f"  {c.step:<10} {'PASS' if c.ok else 'FAIL':<6} {c.name:<52} {c.detail}")
        failed = sum(1 for c in self.checks if not c.ok)
        print(f"\n{len(self.checks) - failed} passed, {failed} failed")
        return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default=os.environ.get("PROBE_BASE_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--compose", default="docker compose", help='compose command, e.g. "docker compose"')
    parser.add_argument("--steps", default="throughput,kill,checkout,throttle")
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--rounds", type=int, default=1, help="throughput rounds (1 and 3 replicas each)")
    args = parser.parse_args()
    host = urllib.parse.urlsplit(args.base_url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the probe only sends traffic to loopback addresses")
    probe = Probe(args.base_url.rstrip("/"), shlex.split(args.compose), args.duration, args.connections, args.rounds)
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    unknown = [s for s in steps if not hasattr(probe, f"step_{s}")]
    if unknown:
        parser.error(f"unknown step(s): {', '.join(unknown)}")
    for step in steps:
        log(f"--- {step}")
        try:
            getattr(probe, f"step_{step}")()
        except (RuntimeError, subprocess.TimeoutExpired, threading.BrokenBarrierError) as exc:
            probe.check(step, "step ran to the end", False, str(exc)[:300])
    return probe.summary()


if __name__ == "__main__":
    sys.exit(main())
