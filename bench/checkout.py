"""Checkout under concurrent load: purchases per second, and the stock still adds up.

Each wrk thread is one shopper with one connection. A REST purchase is two requests (add
the book to the cart, check out); a GraphQL purchase is one document with both mutations.
After every run the stock taken must equal the copies ordered, and never go below zero.
"""

import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

LUA = Path(__file__).resolve().parent / "wrk" / "checkout.lua"
SHOPPERS = 16
STOCK = 1_000_000


def prepare_shoppers() -> tuple[int, list[str]]:
    """Shoppers with tokens and empty carts, and one book with plenty of stock."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from catalog.models import Book, CartItem

    users = [get_user_model().objects.get_or_create(username=f"bench-shopper-{n:02d}")[0] for n in range(SHOPPERS)]
    CartItem.objects.filter(cart__user__in=users).delete()
    book = Book.objects.order_by("id").first()
    Book.objects.filter(pk=book.pk).update(stock=STOCK)
    return book.pk, [Token.objects.get_or_create(user=user)[0].key for user in users]


def _ledger(book_id: int) -> tuple[int, int, int]:
    from django.db.models import Sum

    from catalog.models import Book, Order, OrderLine

    stock = Book.objects.get(pk=book_id).stock
    ordered = OrderLine.objects.filter(book_id=book_id).aggregate(copies=Sum("quantity"))["copies"] or 0
    return stock, ordered, Order.objects.count()


def run_variant(port: int, mode: str, book_id: int, tokens_file: str, duration: int) -> dict:
    stock_before, ordered_before, orders_before = _ledger(book_id)
    command = [
        "wrk", f"-t{SHOPPERS}", f"-c{SHOPPERS}", f"-d{duration}s", "--timeout", "10s", "-s", str(LUA),
        f"http://127.0.0.1:{port}/", "--", mode, str(book_id), tokens_file,
    ]  # fmt: skip
    finished = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    if finished.returncode != 0:
        raise RuntimeError(f"wrk failed: {finished.stderr.strip() or finished.stdout.strip()}")
    line = next(line for line in finished.stdout.splitlines() if line.startswith("WRK_JSON "))
    result = json.loads(line.removeprefix("WRK_JSON "))
    time.sleep(0.5)  # let the last in-flight requests commit
    stock_after, ordered_after, orders_after = _ledger(book_id)
    seconds = result["duration_us"] / 1e6
    taken, ordered = stock_before - stock_after, ordered_after - ordered_before
    return {
        "variant": mode,
        "purchases_per_s": (orders_after - orders_before) / seconds,
        "requests_per_s": result["requests"] / seconds,
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "errors": result["status_errors"] + result["timeouts"] + result["connect_errors"] + result["read_errors"],
        "stock_taken": taken,
        "copies_ordered": ordered,
        "consistent": taken == ordered and stock_after >= 0,
    }


def run_checkout(args, port: int) -> tuple[list[dict], str]:
    book_id, tokens = prepare_shoppers()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(tokens) + "\n")
    runs: dict[str, list[dict]] = {"rest": [], "graphql": []}
    for round_number in range(args.rounds):
        order = ("rest", "graphql") if round_number % 2 == 0 else ("graphql", "rest")
        for mode in order:
            result = run_variant(port, mode, book_id, handle.name, args.duration)
            runs[mode].append(result)
            print(
                f"checkout {mode:<8} round {round_number + 1}: {result['purchases_per_s']:7.1f} purchases/s "
                f"({result['requests_per_s']:.1f} req/s)  p99 {result['p99_ms']:.1f} ms  "
                f"stock taken {result['stock_taken']} = ordered {result['copies_ordered']}: {result['consistent']}",
                flush=True,
            )
    Path(handle.name).unlink()
    rows = []
    for mode, results in runs.items():
        rows.append(
            {
                "variant": mode,
                "purchases_per_s": round(statistics.mean(r["purchases_per_s"] for r in results), 1),
                "requests_per_s": round(statistics.mean(r["requests_per_s"] for r in results), 1),
                "p50_ms": round(statistics.median(r["p50_ms"] for r in results), 2),
                "p99_ms": round(max(r["p99_ms"] for r in results), 2),
                "errors": sum(r["errors"] for r in results),
                "stock_taken": sum(r["stock_taken"] for r in results),
                "copies_ordered": sum(r["copies_ordered"] for r in results),
                "consistent": all(r["consistent"] for r in results),
            }
        )
    lines = [
        f"Checkout under load: {SHOPPERS} shoppers, one connection each, {args.rounds} rounds x {args.duration} s "
        "per variant. A REST purchase is two requests (add to cart, check out), a GraphQL purchase one.",
        "",
        "| variant | purchases/s | requests/s | p50 ms | p99 ms | errors | stock taken | copies ordered | consistent |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['variant']} | {r['purchases_per_s']} | {r['requests_per_s']} | {r['p50_ms']} | {r['p99_ms']} | "
            f"{r['errors']} | {r['stock_taken']:,} | {r['copies_ordered']:,} | {'yes' if r['consistent'] else 'NO'} |"
        )
    return rows, "\n".join(lines) + "\n"
