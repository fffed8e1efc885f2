"""Where one benchmark variant spends its time: pyinstrument around requests through the test client.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python -m bench.profile rest-304 [--requests 1000]
    python -m bench.profile --list

The variant is sent as the benchmark sends it (same settings, same Redis and key prefix,
its document registered and its ETag fetched first, its X-Cache state checked), through
the whole middleware stack but no HTTP server. Prints pyinstrument's tree, then the CPU
time per request of this process and of its PostgreSQL backend (from /proc, so time spent
waiting for a CPU on a busy machine is left out).
"""

import argparse
import re
import sys
import threading
import time
from pathlib import Path


def _schedstat_ns(path: str) -> int:
    return int(Path(path).read_text().split()[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("variant", nargs="?", help="e.g. rest-304, persisted-warm, baseline (see --list)")
    parser.add_argument("--case", default="cached-page", help="the case the variant belongs to")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--port", type=int, default=8765, help="the Host the benchmark's requests name")
    parser.add_argument("--interval", type=float, default=0.0001, help="pyinstrument's sampling interval, seconds")
    parser.add_argument("--list", action="store_true", help="list the variants of --case")
    args = parser.parse_args()

    from bench.run import clear_cache, prepare_data, prepared, server_env, setup_django

    setup_django(server_env(args.port))
    data = prepare_data(0)

    from django.db import connection
    from django.test import Client
    from pyinstrument import Profiler

    from bench.cases import build_cases

    cases = build_cases(book_id=data["book_id"], token=data["token"], isbn=data["isbn"], deep=data["deep"])
    case = next((c for c in cases if c.name == args.case), None)
    if case is None:
        print(f"No case {args.case!r}: {', '.join(c.name for c in cases)}", file=sys.stderr)
        return 2
    if args.list or not args.variant:
        print("\n".join(v.name for v in case.variants))
        return 0
    variant = next((v for v in case.variants if v.name == args.variant), None)
    if variant is None:
        print(f"No variant {args.variant!r} in {case.name}", file=sys.stderr)
        return 2

    client = Client(HTTP_HOST=f"127.0.0.1:{args.port}")

    def send(v):
        response = client.generic(
            v.method,
            v.path,
            data=v.body_bytes() or b"",
            content_type="application/json" if v.body else "",
            headers=v.headers,
        )
        return response.status_code, dict(response.headers), response.content

    try:
        variant = prepared(send, variant)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        thread = f"/proc/self/task/{threading.get_native_id()}/schedstat"
        profiler = Profiler(interval=args.interval)
        python, database, wall = _schedstat_ns(thread), _schedstat_ns(f"/proc/{backend}/schedstat"), time.perf_counter()
        profiler.start()
        for _ in range(args.requests):
            send(variant)
        profiler.stop()
        wall = time.perf_counter() - wall
        python = _schedstat_ns(thread) - python
        database = _schedstat_ns(f"/proc/{backend}/schedstat") - database
    finally:
        clear_cache()
    # The project's own frames shown, libraries folded (the virtualenv may sit inside the checkout).
    root = re.escape(str(Path(__file__).resolve().parent.parent))
    options = {"show_regex": rf"^{root}/(?!\.venv/)", "hide_regex": r".*(site-packages|/lib/python3)"}
    print(profiler.output_text(unicode=False, color=False, processor_options=options, flat=True, flat_time="total"))
    per = 1e6 * args.requests
    print(
        f"{variant.name}: {args.requests} requests; CPU per request {python / per:.3f} ms in this process "
        f"(pyinstrument's own cost included), {database / per:.3f} ms in PostgreSQL; "
        f"wall {wall / args.requests * 1000:.3f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
