"""What the client-side deadline costs per database round trip (docs/deadlines.md).

    DATABASE_URL=postgres://... python -m bench.deadline_overhead [--queries 10000] [--batches 20]

Runs SELECT 1 (execute + fetchone) on one connection, five ways: psycopg2's own cursor; the
guarded cursor outside any deadline (a management command); the guarded cursor inside a
request's deadline; and Django's cursor wrapper without and with the deadline. The queries are
split into batches run in alternating order, so machine drift and other load cancel out; for
each way it prints the median over batches of the wall time and of this process's CPU time per
query (the guard's cost is CPU time in this process), then the cost of arm + disarm alone.
"""

import argparse
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=10_000, help="queries per way (default 10,000)")
    parser.add_argument("--batches", type=int, default=20, help="batches the queries are split into")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL=postgres://... (the deadline guards PostgreSQL connections).")
    django.setup()

    import psycopg2
    from django.db import connection

    from config.db.deadline import request_scope, watchdog

    connection.ensure_connection()
    guarded = connection.connection
    params = connection.get_connection_params() | {"connection_factory": None, "cursor_factory": None}
    plain = psycopg2.connect(**params)
    plain.autocommit = True

    batch = max(args.queries // args.batches, 1)

    def raw_loop(conn) -> None:
        cursor = conn.cursor()
        for _ in range(batch):
            cursor.execute("SELECT 1")
            cursor.fetchone()

    def django_loop() -> None:
        for _ in range(batch):
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()

    def in_request(loop):
        def run() -> None:
            with request_scope(3.0):
                loop()

        return run

    variants = {
        "psycopg2 cursor (no guard)": lambda: raw_loop(plain),
        "guarded cursor, no deadline": lambda: raw_loop(guarded),
        "guarded cursor, 3 s deadline": in_request(lambda: raw_loop(guarded)),
        "Django cursor, no deadline": django_loop,
        "Django cursor, 3 s deadline": in_request(django_loop),
    }
    wall: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    order = list(variants)
    for variant in order:  # warm-up
        variants[variant]()
    for number in range(args.batches):
        for name in order if number % 2 == 0 else reversed(order):
            started, started_cpu = time.perf_counter(), time.process_time()
            variants[name]()
            wall[name].append((time.perf_counter() - started) / batch * 1e6)
            cpu[name].append((time.process_time() - started_cpu) / batch * 1e6)

    print(
        f"{batch * args.batches:,} x SELECT 1 per way on {connection.settings_dict['HOST']}, "
        f"medians over {args.batches} batches (us per query):"
    )
    print(f"  {'':<30} {'wall':>7} {'CPU':>7}")
    for name in variants:
        print(f"  {name:<30} {statistics.median(wall[name]):7.1f} {statistics.median(cpu[name]):7.1f}")

    # The guard alone: arm and disarm with no I/O in between.
    count = 100_000
    started = time.perf_counter()
    for _ in range(count):
        watchdog.disarm(watchdog.arm(guarded, 3.0))
    print(f"  arm + disarm alone, no I/O     {(time.perf_counter() - started) / count * 1e6:7.2f} us")
    print(f"  watchdog deadlines fired: {watchdog.fired}")
    plain.close()


if __name__ == "__main__":
    main()
