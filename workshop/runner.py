"""Run a scenario both ways against the live application and measure what each cost.

The figures come from the application itself (``X-DB-Queries`` and ``Server-Timing``
headers), so the runner measures the same way in-process and against a base URL.
In-process runs happen inside a transaction that is rolled back: the data is left as
it was. Against a base URL, cart scenarios empty the demo user's cart before and after.

Every request says ``Cache-Control: no-cache``, so a step measures the work itself rather
than an answer the read cache kept from an earlier run; a step that wants the cache says
``headers: {Cache-Control: null}``. A persisted GraphQL step is sent as Apollo Client
sends automatic persisted queries: the hash alone, then, if the server answers
``PERSISTED_QUERY_NOT_FOUND``, the document with its hash by POST. Its document carries a
comment unique to the run, so every run starts as a client the server has never seen.
"""

import gzip
import hashlib
import json
import logging
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from catalog.demo import DEMO_USERS
from catalog.errors import ErrorCode

from .registry import STYLES, GraphQLStep, RestStep, Scenario, extract

GRAPHQL_PATH = "/graphql/"
# REST answers JSON; GraphQL is asked for its own media type first, as GraphQL over HTTP recommends.
ACCEPT = {
    "rest": "application/json",
    "graphql": "application/graphql-response+json; charset=utf-8, application/json; charset=utf-8",
}
_VARIABLE = re.compile(r"\$\{(\w+)\}")
_TIMING = re.compile(r"(\w+);dur=([\d.]+)")
TOKENS = {user.username: user.token for user in DEMO_USERS}


class ScenarioFailed(RuntimeError):
    """A step could not run (a saved value was missing, the server refused a setup step)."""


@dataclass
class Exchange:
    step: str
    method: str
    path: str
    status: int
    media_type: str | None
    request_bytes: int
    response_bytes: int
    request_gzip_bytes: int
    response_gzip_bytes: int
    sql_queries: int | None
    sql_ms: float | None
    server_ms: float | None
    request_body: str | None
    response_body: Any
    # What the server did with a catalog read (X-Cache: miss, hit or revalidated), if it says.
    cache: str | None = None
    # Statements of a cache that lives in the database (budget counts, stored answers), counted apart.
    cache_sql_queries: int | None = None
    request_headers: dict[str, str] = field(default_factory=dict)
    response_headers: dict[str, str] = field(default_factory=dict)


@dataclass
class StyleRun:
    style: str
    exchanges: list[Exchange] = field(default_factory=list)
    result: Any = None
    client_ms: float = 0.0

    @property
    def metered(self) -> bool:
        return all(e.sql_queries is not None for e in self.exchanges)

    def totals(self) -> dict[str, Any]:
        def total(name: str) -> Any:
            values = [getattr(e, name) for e in self.exchanges]
            return None if any(v is None for v in values) else round(sum(values), 2)

        return {
            "round_trips": len(self.exchanges),
            "request_bytes": total("request_bytes"),
            "request_gzip_bytes": total("request_gzip_bytes"),
            "response_bytes": total("response_bytes"),
            "response_gzip_bytes": total("response_gzip_bytes"),
            "sql_queries": total("sql_queries"),
            "cache_sql_queries": total("cache_sql_queries"),
            "sql_ms": total("sql_ms"),
            "server_ms": total("server_ms"),
            "client_ms": round(self.client_ms, 2),
            "statuses": [e.status for e in self.exchanges],
        }


@dataclass
class ScenarioRun:
    scenario: Scenario
    optimized: bool
    runs: dict[str, StyleRun]

    @property
    def equal(self) -> bool:
        return self.runs["rest"].result == self.runs["graphql"].result

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.scenario.slug,
            "title": self.scenario.title,
            "optimized": self.optimized,
            "equal": self.equal,
            "styles": {
                style: {
                    "totals": run.totals(),
                    "result": run.result,
                    "exchanges": [asdict(e) for e in run.exchanges],
                }
                for style, run in self.runs.items()
            },
        }


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


class HttpTransport:
    """Requests over HTTP to a running server (``--base-url``)."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def request(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Response:
        request = urllib.request.Request(self.base_url + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                return Response(reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())

    def isolated(self):
        return _NoIsolation()

    def __enter__(self) -> "HttpTransport":
        return self

    def __exit__(self, *exc) -> None:
        return None


class InProcessTransport:
    """Requests through Django's handler in this process, with request metrics on."""

    def __init__(self, host: str | None = None, *, remote_addr: str = "127.0.0.1") -> None:
        from django.test import Client

        # remote_addr: whose budget the requests charge (the client a request is run for).
        self.client = Client(raise_request_exception=False, HTTP_HOST=host or _allowed_host(), REMOTE_ADDR=remote_addr)
        self._override = None

    def __enter__(self) -> "InProcessTransport":
        from django.conf import settings
        from django.test import override_settings

        if not getattr(settings, "REQUEST_METRICS", False):
            self._override = override_settings(REQUEST_METRICS=True)
            self._override.enable()
        # Scenarios answer 4xx on purpose (the error case); those are results, not warnings.
        self._request_log = logging.getLogger("django.request")
        self._log_level = self._request_log.level
        self._request_log.setLevel(logging.ERROR)
        return self

    def __exit__(self, *exc) -> None:
        self._request_log.setLevel(self._log_level)
        if self._override:
            self._override.disable()

    def request(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Response:
        response = self.client.generic(
            method, path, data=body or b"", content_type=headers.pop("Content-Type", ""), headers=headers
        )
        content = b"".join(response.streaming_content) if response.streaming else response.content
        return Response(response.status_code, {k.lower(): v for k, v in response.headers.items()}, content)

    def isolated(self):
        from django.db import transaction

        return _RolledBack(transaction)


def _allowed_host() -> str:
    from django.conf import settings

    hosts = [h for h in settings.ALLOWED_HOSTS if h and "*" not in h and not h.startswith(".")]
    return hosts[0] if hosts else "localhost"


class _NoIsolation:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _RolledBack:
    def __init__(self, transaction) -> None:
        self.transaction = transaction
        self.atomic = transaction.atomic()

    def __enter__(self):
        self.atomic.__enter__()
        return self

    def __exit__(self, *exc):
        self.transaction.set_rollback(True)
        return self.atomic.__exit__(*exc)


def _substitute(value: Any, variables: dict[str, Any]) -> Any:
    if isinstance(value, str):
        whole = _VARIABLE.fullmatch(value)
        if whole:
            return _lookup(variables, whole.group(1))
        return _VARIABLE.sub(lambda m: urllib.parse.quote(str(_lookup(variables, m.group(1))), safe=""), value)
    if isinstance(value, dict):
        return {k: _substitute(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, variables) for v in value]
    return value


class _Missing:
    """A saved value that was not there, and why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _lookup(variables: dict[str, Any], name: str) -> Any:
    value = variables.get(name)
    if isinstance(value, _Missing):
        raise ScenarioFailed(f"no value saved for ${{{name}}}: {value.reason}")
    if value is None:
        raise ScenarioFailed(f"no value saved for ${{{name}}}")
    return value


def _gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0)) if data else 0


# Figures about the request rather than its data: the workshop's request metrics and the
# budget's cost report, which REST sends in no body (it has none of the first, headers for the second).
_REQUEST_EXTENSIONS = ("metrics", "cost")


def _without_metrics(body: bytes) -> bytes:
    """The response as it is without figures about the request: the cost figures must not count themselves."""
    try:
        payload = json.loads(body)
    except ValueError:
        return body
    extensions = payload.get("extensions") if isinstance(payload, dict) else None
    if not isinstance(extensions, dict) or not any(key in extensions for key in _REQUEST_EXTENSIONS):
        return body
    for key in _REQUEST_EXTENSIONS:
        extensions.pop(key, None)
    if not payload["extensions"]:
        del payload["extensions"]
    return json.dumps(payload, separators=(",", ":")).encode()


def _decode(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return body.decode("utf-8", "replace")[:2000]


class Runner:
    def __init__(self, transport, *, optimize: bool = True, lean: bool = False) -> None:
        self.transport = transport
        self.optimize = optimize
        # Lean runs skip what only a report shows (gzip sizes, the normalised result): a load run
        # repeats a use case for its time, and the client's own CPU must stay small beside the server's.
        self.lean = lean
        self._marker = ""

    def run(self, scenario: Scenario) -> ScenarioRun:
        self._marker = secrets.token_hex(4)
        return ScenarioRun(scenario, self.optimize, {style: self.run_style(scenario, style) for style in STYLES})

    def _headers(
        self, scenario: Scenario, *, style: str, json_body: bool, extra: dict[str, str | None], variables: dict
    ) -> dict[str, str]:
        headers = {"Accept": ACCEPT[style], "X-Query-Optimization": "on" if self.optimize else "off"}
        # Each run measures the work itself, not an answer the read cache kept from the last run.
        headers["Cache-Control"] = "no-cache"
        if json_body:
            headers["Content-Type"] = "application/json"
        if scenario.user:
            if scenario.user not in TOKENS:
                raise ScenarioFailed(f"unknown demo user {scenario.user!r}")
            headers["Authorization"] = f"Token {TOKENS[scenario.user]}"
        for name, value in extra.items():
            headers.pop(next((key for key in headers if key.lower() == name.lower()), name), None)
            if value is not None:
                headers[name] = _VARIABLE.sub(lambda m: str(_lookup(variables, m.group(1))), value)
        return headers

    def _send(
        self,
        scenario: Scenario,
        style: str,
        step: RestStep | GraphQLStep | str,
        method: str,
        path: str,
        payload: Any,
        variables: dict[str, Any] | None = None,
    ) -> Exchange:
        if isinstance(step, RestStep) and step.raw_body is not None:
            body = step.raw_body.encode()
        else:
            body = json.dumps(payload).encode() if payload is not None else None
        extra = step.headers if not isinstance(step, str) else {}
        headers = self._headers(
            scenario, style=style, json_body=body is not None, extra=extra, variables=variables or {}
        )
        sent = {name: value for name, value in headers.items() if name != "Authorization"}
        response = self.transport.request(method, path, body, dict(headers))
        if response.status == 401 and scenario.user:
            raise ScenarioFailed(f"the demo user {scenario.user!r} was refused: run `manage.py seed_demo` first")
        timings = {name: float(value) for name, value in _TIMING.findall(response.headers.get("server-timing", ""))}
        queries = response.headers.get("x-db-queries")
        cache_queries = response.headers.get("x-db-cache-queries")
        plain = _without_metrics(response.body)
        target = len(path.encode())
        return Exchange(
            step=step if isinstance(step, str) else step.name,
            method=method,
            path=path,
            status=response.status,
            media_type=response.headers.get("content-type", "").split(";", 1)[0].strip() or None,
            # The request target counts: a GET carries its query in the URL, and a URL is never compressed.
            request_bytes=target + len(body or b""),
            response_bytes=len(plain),
            request_gzip_bytes=target + (0 if self.lean else _gzip_size(body or b"")),
            response_gzip_bytes=0 if self.lean else _gzip_size(plain),
            sql_queries=int(queries) if queries is not None else None,
            sql_ms=timings.get("db"),
            server_ms=timings.get("app"),
            request_body=body.decode() if body else None,
            response_body=_decode(plain),
            cache=response.headers.get("x-cache"),
            cache_sql_queries=int(cache_queries) if cache_queries is not None else None,
            request_headers=sent,
            response_headers=response.headers,
        )

    def _rest(self, scenario: Scenario, step: RestStep, variables: dict[str, Any]) -> list[Exchange]:
        items = [None]
        if step.for_each:
            items = _lookup(variables, step.for_each)
            if not isinstance(items, list):
                raise ScenarioFailed(f"{step.for_each} is not a list")
        exchanges = []
        for item in items:
            scope = dict(variables, item=item)
            path = _substitute(step.path, scope)
            body = _substitute(step.body, scope)
            exchanges.append(self._send(scenario, "rest", step, step.method, path, body, scope))
        return exchanges

    def _graphql(self, scenario: Scenario, step: GraphQLStep, variables: dict[str, Any]) -> list[Exchange]:
        query = step.query
        params: dict[str, Any] = {"query": query}
        if step.persisted:
            query = f"{query.rstrip()}\n# workshop run {self._marker}\n"
            digest = hashlib.sha256(query.encode()).hexdigest()
            params = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}
        values = _substitute(step.variables, variables)
        if values or not step.persisted:
            params["variables"] = values
        exchanges = [self._graphql_request(scenario, step, step.method, params, variables)]
        codes = error_codes(exchanges[0].response_body) if step.persisted else set()
        if ErrorCode.PERSISTED_QUERY_NOT_IN_LIST in codes:
            raise ScenarioFailed(
                f"step {step.name}: this server runs only the documents of its manifest (GRAPHQL_PERSISTED_ONLY), "
                "and a persisted step's document is new in every run, so it cannot be registered there"
            )
        if ErrorCode.PERSISTED_QUERY_NOT_FOUND in codes:
            # The server asks for the document: send it once with its hash, by POST as Apollo Client does.
            exchanges.append(self._graphql_request(scenario, step, "POST", dict(params, query=query), variables))
        return exchanges

    def _graphql_request(
        self, scenario: Scenario, step: GraphQLStep, method: str, params: dict[str, Any], variables: dict[str, Any]
    ) -> Exchange:
        if method == "POST":
            return self._send(scenario, "graphql", step, "POST", GRAPHQL_PATH, params, variables)
        encoded = {
            name: value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
            for name, value in params.items()
            if value or name == "query"
        }
        path = GRAPHQL_PATH + "?" + urllib.parse.urlencode(encoded)
        return self._send(scenario, "graphql", step, "GET", path, None, variables)

    def _save(self, step, exchanges: list[Exchange], variables: dict[str, Any]) -> None:
        several = getattr(step, "for_each", None)
        body = [e.response_body for e in exchanges] if several else exchanges[-1].response_body
        for name, path in step.save.items():
            variables[name] = extract(body, path)
        for name, header in step.save_headers.items():
            values = [
                e.response_headers.get(header.lower())
                or _Missing(f"step {step.name} answered {e.method} {e.status} with no {header} header")
                for e in exchanges
            ]
            variables[name] = values if several else values[-1]

    def _clear_cart(self, scenario: Scenario) -> None:
        if scenario.fresh_cart:
            self._send(scenario, "rest", "clear cart", "DELETE", "/api/cart/", None)

    @contextmanager
    def prepared(self, scenario: Scenario) -> Iterator[dict[str, Any]]:
        """The scenario's setup, run in the transport's isolation on a fresh cart: the values it saved.

        What runs inside sees the data the setup made; the cart is emptied again afterwards.
        """
        with self.transport.isolated():
            self._clear_cart(scenario)
            try:
                variables: dict[str, Any] = {}
                for setup in scenario.setup:
                    exchanges = self._rest(scenario, setup, variables)
                    if any(e.status >= 400 for e in exchanges):
                        raise ScenarioFailed(f"setup step {setup.method} {setup.path} answered {exchanges[0].status}")
                    self._save(setup, exchanges, variables)
                yield variables
            finally:
                self._clear_cart(scenario)

    def measure(
        self, scenario: Scenario, style: str, steps: tuple, variables: dict[str, Any]
    ) -> tuple[StyleRun, dict[str, Any]]:
        """Send ``steps`` of ``style`` one after the other: the run, and each step's answer by name."""
        self._marker = self._marker or secrets.token_hex(4)
        run = StyleRun(style)
        bodies: dict[str, Any] = {}
        started = time.perf_counter()
        for step in steps:
            send = self._rest if style == "rest" else self._graphql
            exchanges = send(scenario, step, variables)
            run.exchanges.extend(exchanges)
            self._save(step, exchanges, variables)
            # A step's answer is its last exchange's (a persisted query's is the one after the retry).
            bodies[step.name] = (
                exchanges[-1].response_body
                if not getattr(step, "for_each", None)
                else [e.response_body for e in exchanges]
            )
        run.client_ms = (time.perf_counter() - started) * 1000
        return run, bodies

    def run_style(self, scenario: Scenario, style: str) -> StyleRun:
        """One style of a scenario once: its setup, its measured steps, the cart emptied around them."""
        with self.prepared(scenario) as variables:
            run, bodies = self.measure(scenario, style, scenario.steps(style), variables)
        if not self.lean:
            run.result = _result(scenario.result[style], bodies)
        return run


def error_codes(body: Any) -> set[str]:
    """The codes of a response's top-level errors (REST's ``code``, GraphQL's ``extensions.code``)."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return set()
    codes = set()
    for error in errors:
        if isinstance(error, dict):
            code = error.get("code") or (error.get("extensions") or {}).get("code")
            if isinstance(code, str):
                codes.add(code)
    return codes


def _result(spec: Any, bodies: dict[str, Any]) -> Any:
    if isinstance(spec, dict) and "step" in spec:
        value = extract(bodies.get(spec["step"]), spec.get("path", ""))
        fields = spec.get("fields")
        if fields and isinstance(value, list):
            return [{name: extract(item, path) for name, path in fields.items()} for item in value]
        return value
    if isinstance(spec, dict):
        return {name: _result(part, bodies) for name, part in spec.items()}
    raise ValueError(f"a result needs a step: {spec!r}")


def difference(left: Any, right: Any, path: str = "") -> str | None:
    """The first place where two normalised results differ, or None."""
    if type(left) is not type(right):
        return f"{path or 'result'}: {left!r} != {right!r}"
    if isinstance(left, dict):
        for key in sorted(set(left) | set(right)):
            found = difference(left.get(key), right.get(key), f"{path}.{key}" if path else key)
            if found:
                return found
        return None
    if isinstance(left, list):
        if len(left) != len(right):
            return f"{path or 'result'}: {len(left)} items != {len(right)} items"
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            found = difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if left == right else f"{path or 'result'}: {left!r} != {right!r}"
