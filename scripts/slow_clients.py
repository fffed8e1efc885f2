#!/usr/bin/env python3
"""Slow and idle clients against a running service, while ordinary requests are timed.

    scripts/slow_clients.py [BASE_URL] [--drip 200] [--idle 200] [--duration 20]

BASE_URL (default http://127.0.0.1:8000) must be a loopback address. The probe opens
--drip connections that send a request's headers one byte a second and never finish them,
and --idle connections that send nothing; a connection the server closes is opened again,
so the pressure holds for the whole --duration. Meanwhile it times, one after the other on
fresh connections, an ordinary request (GET /api/books/?page_size=5) and GET /healthz.

Passes when, under that pressure, every ordinary request answers 200 within --max-request
(2 s) and every /healthz within --max-healthz (0.5 s). Prints progress every few seconds and
a summary table; exit status 0 on pass, 1 on failure, 2 when the service was not reachable
before the pressure began. Bounded: it stops after --duration plus a few seconds whatever
happens, and closes every socket it opened.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import socket
import statistics
import sys
import time
import urllib.parse
from dataclasses import dataclass, field

ORDINARY_PATH = "/api/books/?page_size=5"
HEALTH_PATH = "/healthz"


@dataclass
class Timings:
    name: str
    limit: float
    samples: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def add(self, seconds: float, outcome: str) -> None:
        self.samples.append(seconds)
        if outcome != "200":
            self.failures.append(outcome)
        elif seconds > self.limit:
            self.failures.append(f"{seconds:.2f}s")

    def row(self) -> tuple[str, ...]:
        if not self.samples:
            return (self.name, "0", "-", "-", "-", str(len(self.failures)))
        ordered = sorted(self.samples)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        return (
            self.name,
            str(len(self.samples)),
            f"{statistics.median(ordered) * 1000:.0f}",
            f"{p95 * 1000:.0f}",
            f"{ordered[-1] * 1000:.0f}",
            str(len(self.failures)),
        )


@dataclass
class Pressure:
    drip_open: int = 0
    idle_open: int = 0
    drip_opened: int = 0
    idle_opened: int = 0
    closed_by_server: int = 0
    connect_failures: int = 0


class Probe:
    def __init__(self, args: argparse.Namespace) -> None:
        url = urllib.parse.urlsplit(args.base_url)
        self.host = url.hostname or "127.0.0.1"
        self.port = url.port or 80
        self.host_header = f"{self.host}:{self.port}"
        self.args = args
        self.pressure = Pressure()
        self.stop = asyncio.Event()
        self.writers: set[asyncio.StreamWriter] = set()
        self.open_samples: list[int] = []
        self.began = time.monotonic()

    def log(self, message: str) -> None:
        print(f"[slow-clients {time.monotonic() - self.began:5.1f}s] {message}", flush=True)

    # --- one timed request ------------------------------------------------------------------
    async def timed(self, path: str, timeout: float) -> tuple[float, str]:
        started = time.monotonic()
        writer = None
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), timeout)
            request = (
                f"GET {path} HTTP/1.1\r\nHost: {self.host_header}\r\nAccept: application/json\r\n"
                "Connection: close\r\n\r\n"
            )
            writer.write(request.encode())
            await writer.drain()
            status_line = await asyncio.wait_for(reader.readline(), timeout - (time.monotonic() - started))
            remaining = timeout - (time.monotonic() - started)
            await asyncio.wait_for(reader.read(), max(remaining, 0.01))  # until the server closes
            parts = status_line.decode(errors="replace").split()
            outcome = parts[1] if len(parts) > 1 else "no status line"
        except TimeoutError:
            outcome = f"timeout>{timeout:.0f}s"
        except OSError as exc:
            outcome = type(exc).__name__
        finally:
            if writer is not None:
                writer.close()
        return time.monotonic() - started, outcome

    async def measure(self, timings: Timings, path: str, until: float, pause: float) -> None:
        while time.monotonic() < until and not self.stop.is_set():
            seconds, outcome = await self.timed(path, timeout=self.args.request_timeout)
            timings.add(seconds, outcome)
            await asyncio.sleep(pause)

    # --- the pressure ---------------------------------------------------------------------
    async def slow_client(self, kind: str, number: int) -> None:
        # Endless headers, one byte a second; a header line never ends, so neither does the request.
        head = f"GET {ORDINARY_PATH} HTTP/1.1\r\nHost: {self.host_header}\r\nX-Slow-Client-{number}: ".encode()
        while not self.stop.is_set():
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), 5)
            except (OSError, TimeoutError):
                self.pressure.connect_failures += 1
                await self.sleep_or_stop(1)
                continue
            self.writers.add(writer)
            setattr(self.pressure, f"{kind}_open", getattr(self.pressure, f"{kind}_open") + 1)
            setattr(self.pressure, f"{kind}_opened", getattr(self.pressure, f"{kind}_opened") + 1)
            sent = 0
            try:
                while not self.stop.is_set():
                    if kind == "drip":
                        byte = head[sent : sent + 1] if sent < len(head) else b"a"
                        writer.write(byte)
                        await writer.drain()
                        sent += 1
                    # A closed connection reads as EOF (or a reset) at once.
                    try:
                        data = await asyncio.wait_for(reader.read(1024), 1.0)
                    except TimeoutError:
                        continue
                    if not data:
                        if not self.stop.is_set():
                            self.pressure.closed_by_server += 1
                        break
            except OSError:
                if not self.stop.is_set():
                    self.pressure.closed_by_server += 1
            finally:
                setattr(self.pressure, f"{kind}_open", getattr(self.pressure, f"{kind}_open") - 1)
                self.writers.discard(writer)
                writer.close()

    async def sleep_or_stop(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), seconds)

    async def sample_open(self) -> None:
        while not self.stop.is_set():
            self.open_samples.append(self.pressure.drip_open + self.pressure.idle_open)
            await self.sleep_or_stop(0.25)

    async def progress(self, ordinary: Timings, health: Timings) -> None:
        while not self.stop.is_set():
            await self.sleep_or_stop(self.args.progress)
            p = self.pressure
            last = [f"{s * 1000:.0f}" for s in ordinary.samples[-3:]]
            self.log(
                f"drip open {p.drip_open}/{self.args.drip}, idle open {p.idle_open}/{self.args.idle}, "
                f"closed by the server {p.closed_by_server}; ordinary {len(ordinary.samples)} "
                f"(last ms {', '.join(last) or '-'}), failures {len(ordinary.failures)}; "
                f"healthz {len(health.samples)}, failures {len(health.failures)}"
            )

    # --- the run --------------------------------------------------------------------------
    async def run(self) -> int:
        args = self.args
        self.log(f"target {self.host}:{self.port}; baseline for {args.baseline:.0f} s")
        base_ordinary = Timings("ordinary, no pressure", args.max_request)
        base_health = Timings("/healthz, no pressure", args.max_healthz)
        until = time.monotonic() + args.baseline
        await asyncio.gather(
            self.measure(base_ordinary, ORDINARY_PATH, until, 0.2), self.measure(base_health, HEALTH_PATH, until, 0.2)
        )
        if not base_ordinary.samples or len(base_ordinary.failures) == len(base_ordinary.samples):
            self.log(f"the service does not answer {ORDINARY_PATH}: {base_ordinary.failures[:3]}")
            return 2

        self.log(f"opening {args.drip} dripping and {args.idle} idle connections")
        clients = [asyncio.create_task(self.slow_client("drip", n)) for n in range(args.drip)]
        clients += [asyncio.create_task(self.slow_client("idle", n)) for n in range(args.idle)]
        ramp_deadline = time.monotonic() + 10
        while (
            self.pressure.drip_open + self.pressure.idle_open < args.drip + args.idle
            and time.monotonic() < ramp_deadline
        ):
            await asyncio.sleep(0.1)
        opened = self.pressure.drip_open + self.pressure.idle_open
        self.log(f"{opened} slow connections open; measuring for {args.duration:.0f} s")

        ordinary = Timings("ordinary, under pressure", args.max_request)
        health = Timings("/healthz, under pressure", args.max_healthz)
        reporter = asyncio.create_task(self.progress(ordinary, health))
        sampler = asyncio.create_task(self.sample_open())
        until = time.monotonic() + args.duration
        await asyncio.gather(
            self.measure(ordinary, ORDINARY_PATH, until, 0.25), self.measure(health, HEALTH_PATH, until, 0.25)
        )
        self.stop.set()
        for writer in list(self.writers):
            writer.close()
        await asyncio.wait([*clients, reporter, sampler], timeout=5)
        for task in clients:
            task.cancel()

        rows = [
            ("probe", "requests", "p50 ms", "p95 ms", "max ms", "failures"),
            base_ordinary.row(),
            base_health.row(),
            ordinary.row(),
            health.row(),
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        print()
        for row in rows:
            print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        p = self.pressure
        print(
            f"\n  slow connections: {args.drip} dripping + {args.idle} idle wanted, {opened} open after the ramp, "
            f"{statistics.mean(self.open_samples or [0]):.0f} on average while measuring (a connection the server "
            f"closes is reopened within a second); opened {p.drip_opened + p.idle_opened} in all, "
            f"{p.closed_by_server} closed by the server, {p.connect_failures} connects failed"
        )
        checks = [
            (f"every ordinary request 200 within {args.max_request:g} s", not ordinary.failures and ordinary.samples),
            (f"every /healthz 200 within {args.max_healthz:g} s", not health.failures and health.samples),
            ("the slow connections were open", opened >= (args.drip + args.idle) * 0.9),
        ]
        print()
        for name, ok in checks:
            print(f"  {'PASS' if ok else 'FAIL'}  {name}")
        for timings in (ordinary, health):
            if timings.failures:
                print(f"        {timings.name}: {', '.join(timings.failures[:8])}")
        failed = sum(1 for _, ok in checks if not ok)
        print(f"\n{len(checks) - failed} passed, {failed} failed")
        return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--drip", type=int, default=200, help="connections that drip their headers")
    parser.add_argument("--idle", type=int, default=200, help="connections that send nothing")
    parser.add_argument("--duration", type=float, default=20, help="seconds under pressure")
    parser.add_argument("--baseline", type=float, default=3, help="seconds measured before the pressure")
    parser.add_argument("--max-request", type=float, default=2.0, help="limit for an ordinary request (s)")
    parser.add_argument("--max-healthz", type=float, default=0.5, help="limit for /healthz (s)")
    parser.add_argument("--request-timeout", type=float, default=10, help="a timed request gives up after this")
    parser.add_argument("--progress", type=float, default=5, help="seconds between progress lines")
    args = parser.parse_args()
    host = urllib.parse.urlsplit(args.base_url).hostname or ""
    try:
        loopback = ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
    except (OSError, ValueError):
        loopback = False
    if not loopback:
        parser.error(f"{host!r} is not a loopback address: this probe only targets this machine")
    if not 0 < args.duration <= 600:
        parser.error("--duration must be between 0 and 600 seconds")
    return asyncio.run(asyncio.wait_for(Probe(args).run(), args.baseline + args.duration + 60))


if __name__ == "__main__":
    sys.exit(main())
