#!/usr/bin/env python3
"""Probe the abuse budget of a running service (loopback only, bounded): prints a summary.

    THROTTLE_ANON_RATE=30/minute THROTTLE_LOGIN_RATE=5/minute <start the service> ...
    python scripts/budget_probe.py http://127.0.0.1:8000 --username alice

1. Ten wrong passwords for one account over REST, GraphQL and aliased tokenCreate, then one more.
2. 45 anonymous REST requests, each with a random X-Forwarded-For, then one GraphQL request
   (the sign-in attempts of step 1 were charged to the same budget: 12 requests' worth).
3. How long hostile GraphQL documents take to be refused.
Run it against a fresh window (or a fresh cache): it spends the budgets it measures.
"""

import argparse
import json
import random
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

JSON = "application/json"


def call(base: str, method: str, path: str, body: dict | None = None, headers: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", JSON)
    request.add_header("Accept", "application/graphql-response+json, application/json")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, payload, response_headers = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, payload, response_headers = error.code, error.read(), error.headers
    return status, payload, response_headers, time.perf_counter() - started


def forged() -> dict:
    return {"X-Forwarded-For": f"198.51.{random.randrange(256)}.{random.randrange(256)}"}


def rest_budget(base: str) -> bool:
    print("2. anonymous budget: 45 REST requests with random X-Forwarded-For, then GraphQL")
    statuses = []
    for i in range(45):
        statuses.append(call(base, "GET", "/api/books/?page_size=1", headers=forged())[0])
        if (i + 1) % 15 == 0:
            print(f"   {i + 1}/45 sent", flush=True)
    status, _, headers, _ = call(base, "POST", "/graphql/", {"query": "{ books(first: 1) { totalCount } }"}, forged())
    other = len(statuses) - statuses.count(200) - statuses.count(429)
    print(f"   200: {statuses.count(200)}   429: {statuses.count(429)}   other: {other}")
    print(f"   the next GraphQL request: {status} (Retry-After {headers.get('Retry-After')})")
    return statuses.count(200) <= 30 and status == 429


def login_budget(base: str, username: str) -> bool:
    print(f"1. sign-in budget of {username!r}: ten wrong passwords over both styles and aliases")
    outcomes = []
    for i in range(4):
        outcomes.append(call(base, "POST", "/api/auth/token/", {"username": username, "password": f"wrong-{i}"})[0])
    for batch in (3, 3):
        fields = " ".join(
            f'a{i}: tokenCreate(username: "{username}", password: "wrong-x{i}") {{ token errors {{ code }} }}'
            for i in range(batch)
        )
        outcomes.append(call(base, "POST", "/graphql/", {"query": f"mutation {{ {fields} }}"})[0])
    status, body, headers, _ = call(base, "POST", "/api/auth/token/", {"username": username, "password": "any"})
    print(f"   statuses on the way: {outcomes}")
    code = json.loads(body)["errors"][0]["code"]
    print(f"   the next attempt: {status} {code} (Retry-After {headers.get('Retry-After')})")
    return status == 429


HOSTILE = {
    "1,100 duplicated me { id }": "{" + "me{id} " * 1100 + "}",
    "900 repeated fields": "{ me { " + "id " * 900 + "} }",
    "100 directives": "{ me { id" + " @include(if: true)" * 100 + " } }",
    "fragment bomb (2^20 fields)": " ".join(
        ["{ ...F0 }"]
        + [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(20)]
        + ["fragment F20 on Query { me { id } }"]
    ),
    "400 levels deep": "{ " + "me { " * 400 + "id" + " }" * 400 + " }",
}


def refusals(base: str) -> bool:
    print("3. hostile documents (wall clock over loopback, best of 3)")
    worst = 0.0
    cases = {name: {"query": query} for name, query in HOSTILE.items()}
    cases["orderBy of 20,000 items"] = {
        "query": "query($o: [BookOrder!]) { books(orderBy: $o) { totalCount } }",
        "variables": {"o": ["TITLE_ASC"] * 20_000},
    }
    cases["orderBy of 80,000 items"] = dict(cases["orderBy of 20,000 items"], variables={"o": ["TITLE_ASC"] * 80_000})
    for name, body in cases.items():
        runs = []
        for attempt in range(3):
            sent = dict(body, query=body["query"] + f"\n# {attempt} {random.random()}")
            status, payload, _, elapsed = call(base, "POST", "/graphql/", sent)
            runs.append(elapsed)
        code = json.loads(payload)["errors"][0]["extensions"]["code"]
        best = min(runs)
        worst = max(worst, best)
        print(f"   {name:<30} {status} {code:<18} {best * 1000:6.1f} ms")
    return worst < 0.05


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8000")
    parser.add_argument("--username", default="alice", help="an account whose sign-in budget may be spent")
    args = parser.parse_args()
    host = urllib.parse.urlsplit(args.base_url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("loopback addresses only")
    base = args.base_url.rstrip("/")
    results = {"login": login_budget(base, args.username), "budget": rest_budget(base), "refusals": refusals(base)}
    print("summary: " + ", ".join(f"{name} {'ok' if ok else 'FAILED'}" for name, ok in results.items()))
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
