"""Scenario runs as a table, Markdown or JSON: the same figures the /compare/ page shows."""

import json
import urllib.parse
from typing import Any

from .runner import ACCEPT, GRAPHQL_PATH, Exchange, ScenarioRun, difference, error_codes

ROWS = (
    ("round_trips", "HTTP round trips"),
    ("request_bytes", "request bytes"),
    ("request_gzip_bytes", "request bytes (gzip)"),
    ("response_bytes", "response bytes"),
    ("response_gzip_bytes", "response bytes (gzip)"),
    ("sql_queries", "SQL queries"),
    ("cache_sql_queries", "SQL queries of the database cache"),
    ("sql_ms", "SQL time (ms)"),
    ("server_ms", "server time (ms)"),
)


def _cell(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


STEP_COLUMNS = ("step", "request", "sends", "status", "X-Cache", "bytes", "SQL", "ms")
_FIGURES = range(5, 8)  # bytes, SQL and ms: right-aligned
_REQUEST_WIDTH = 44


def describe_request(exchange: Exchange) -> str:
    """The request in a few words: a GraphQL document in the URL, a hash alone, or a path."""
    path, _, query_string = exchange.path.partition("?")
    if not path.startswith("/graphql/"):
        text = f"{exchange.method} {exchange.path}"
        return text if len(text) <= _REQUEST_WIDTH else text[: _REQUEST_WIDTH - 1] + "…"
    params: dict[str, Any] = dict(urllib.parse.parse_qsl(query_string))
    if exchange.request_body:
        try:
            params = json.loads(exchange.request_body)
        except ValueError:
            params = {}
    if "extensions" in params:
        what = "document + hash" if params.get("query") else "hash only"
    else:
        what = "document in the URL" if exchange.method == "GET" else "document"
    return f"{exchange.method} /graphql/ ({what})"


def headers_sent(exchange: Exchange) -> str:
    """The request headers that decide what the server answers: from its cache, and in which media type."""
    headers = {name.lower(): value for name, value in exchange.request_headers.items()}
    sent = []
    default_accept = ACCEPT["graphql" if exchange.path.startswith(GRAPHQL_PATH) else "rest"]
    if headers.get("accept", default_accept) != default_accept:
        sent.append(f"Accept: {headers['accept']}")
    if "no-cache" in headers.get("cache-control", ""):
        sent.append("no-cache")
    if headers.get("if-none-match"):
        sent.append("If-None-Match")
    return ", ".join(sent) or "-"


def step_facts(exchange: Exchange, shown: tuple[str, ...] = ()) -> dict[str, Any]:
    """One exchange as the step tables show it (the compare page gets the same dictionary);
    ``shown`` names the response headers of the scenario's own columns."""
    codes = sorted(error_codes(exchange.response_body))
    return {
        "request": describe_request(exchange),
        "sends": headers_sent(exchange),
        "status": str(exchange.status) + (f" {', '.join(codes)}" if codes else ""),
        "cache": exchange.cache or "-",
        "etag": exchange.response_headers.get("etag"),
        "cache_control": exchange.response_headers.get("cache-control"),
        "shown": {name: exchange.response_headers.get(name.lower()) or "-" for name in shown},
    }


def _sql(exchange: Exchange) -> str:
    """The request's SQL queries, and the database cache's after a plus when it reports them."""
    if exchange.cache_sql_queries is None:
        return _cell(exchange.sql_queries)
    return f"{_cell(exchange.sql_queries)}+{exchange.cache_sql_queries}"


def step_columns(run: ScenarioRun) -> tuple[str, ...]:
    return STEP_COLUMNS + run.scenario.show_headers


def step_rows(run: ScenarioRun, style: str) -> list[tuple[str, ...]]:
    table = []
    for exchange in run.runs[style].exchanges:
        facts = step_facts(exchange, run.scenario.show_headers)
        table.append(
            (
                exchange.step,
                facts["request"],
                facts["sends"],
                facts["status"],
                facts["cache"],
                _cell(exchange.response_bytes),
                _sql(exchange),
                _cell(exchange.server_ms),
                *facts["shown"].values(),
            )
        )
    return table


def rows(run: ScenarioRun) -> list[tuple[str, str, str]]:
    rest, graphql = run.runs["rest"].totals(), run.runs["graphql"].totals()
    table = [
        (label, _cell(rest[key]), _cell(graphql[key]))
        for key, label in ROWS
        # Only a server whose cache lives in the database reports its statements.
        if key != "cache_sql_queries" or rest[key] is not None or graphql[key] is not None
    ]
    table.append(("equal results", "yes" if run.equal else "NO", ""))
    return table


def verdict(run: ScenarioRun) -> str:
    if run.equal:
        return "The normalised results are equal."
    return "The results DIFFER: " + (difference(run.runs["rest"].result, run.runs["graphql"].result) or "")


def as_table(runs: list[ScenarioRun]) -> str:
    out = []
    for run in runs:
        mode = "optimised" if run.optimized else "query optimisation OFF"
        out.append(f"{run.scenario.slug}: {run.scenario.title} ({mode})")
        width = max(len(label) for label, _, _ in rows(run))
        out.append(f"  {'':<{width}}  {'REST':>10}  {'GraphQL':>10}")
        for label, rest, graphql in rows(run)[:-1]:
            out.append(f"  {label:<{width}}  {rest:>10}  {graphql:>10}")
        out.append(f"  {verdict(run)}")
        for style, name in (("rest", "REST"), ("graphql", "GraphQL")):
            table = [step_columns(run), *step_rows(run, style)]
            widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
            out.append(f"  {name}, step by step:")
            for row in table:
                cells = [
                    cell.rjust(width) if i in _FIGURES else cell.ljust(width)
                    for i, (cell, width) in enumerate(zip(row, widths, strict=True))
                ]
                out.append("    " + "  ".join(cells).rstrip())
        out.append("")
    return "\n".join(out)


def as_markdown(runs: list[ScenarioRun]) -> str:
    out = []
    for run in runs:
        mode = "" if run.optimized else " (query optimisation off)"
        out.append(f"### {run.scenario.title}{mode}")
        out.append("")
        out.append(f"`{run.scenario.slug}`: {run.scenario.notice}")
        out.append("")
        out.append("| | REST | GraphQL |")
        out.append("|---|---:|---:|")
        for label, rest, graphql in rows(run)[:-1]:
            out.append(f"| {label} | {rest} | {graphql} |")
        out.append("")
        out.append(verdict(run))
        out.append("")
        for style, name in (("rest", "REST"), ("graphql", "GraphQL")):
            out.append(f"{name}, step by step:")
            out.append("")
            columns = step_columns(run)
            out.append("| " + " | ".join(columns) + " |")
            out.append("|" + "".join("---:|" if i in _FIGURES else "---|" for i in range(len(columns))))
            for row in step_rows(run, style):
                out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
            out.append("")
    return "\n".join(out)


def as_json(runs: list[ScenarioRun]) -> list[dict[str, Any]]:
    return [run.as_dict() for run in runs]
