"""Scenario runs as a table, Markdown or JSON: the same figures the /compare/ page shows."""

import json
import urllib.parse
from typing import Any

from .runner import Exchange, ScenarioRun, difference, error_codes

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


def cache_headers_sent(exchange: Exchange) -> str:
    """The request headers that decide what the server may answer from its cache."""
    headers = {name.lower(): value for name, value in exchange.request_headers.items()}
    sent = []
    if "no-cache" in headers.get("cache-control", ""):
        sent.append("no-cache")
    if headers.get("if-none-match"):
        sent.append("If-None-Match")
    return ", ".join(sent) or "-"


def step_facts(exchange: Exchange) -> dict[str, Any]:
    """One exchange as the step tables show it (the compare page gets the same dictionary)."""
    codes = sorted(error_codes(exchange.response_body))
    return {
        "request": describe_request(exchange),
        "sends": cache_headers_sent(exchange),
        "status": str(exchange.status) + (f" {', '.join(codes)}" if codes else ""),
        "cache": exchange.cache or "-",
        "etag": exchange.response_headers.get("etag"),
        "cache_control": exchange.response_headers.get("cache-control"),
    }


def _sql(exchange: Exchange) -> str:
    """The request's SQL queries, and the database cache's after a plus when it reports them."""
    if exchange.cache_sql_queries is None:
        return _cell(exchange.sql_queries)
    return f"{_cell(exchange.sql_queries)}+{exchange.cache_sql_queries}"


def step_rows(run: ScenarioRun, style: str) -> list[tuple[str, ...]]:
    table = []
    for exchange in run.runs[style].exchanges:
        facts = step_facts(exchange)
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
            table = [STEP_COLUMNS, *step_rows(run, style)]
            widths = [max(len(row[i]) for row in table) for i in range(len(STEP_COLUMNS))]
            out.append(f"  {name}, step by step:")
            for row in table:
                cells = [
                    cell.rjust(width) if i >= 5 else cell.ljust(width)
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
            out.append("| " + " | ".join(STEP_COLUMNS) + " |")
            out.append("|---|---|---|---|---|---:|---:|---:|")
            for row in step_rows(run, style):
                out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
            out.append("")
    return "\n".join(out)


def as_json(runs: list[ScenarioRun]) -> list[dict[str, Any]]:
    return [run.as_dict() for run in runs]
