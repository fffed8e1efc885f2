"""Scenario runs as a table, Markdown or JSON: the same figures the /compare/ page shows."""

from typing import Any

from .runner import ScenarioRun, difference

ROWS = (
    ("round_trips", "HTTP round trips"),
    ("request_bytes", "request bytes"),
    ("request_gzip_bytes", "request bytes (gzip)"),
    ("response_bytes", "response bytes"),
    ("response_gzip_bytes", "response bytes (gzip)"),
    ("sql_queries", "SQL queries"),
    ("sql_ms", "SQL time (ms)"),
    ("server_ms", "server time (ms)"),
)


def _cell(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def rows(run: ScenarioRun) -> list[tuple[str, str, str]]:
    rest, graphql = run.runs["rest"].totals(), run.runs["graphql"].totals()
    table = [(label, _cell(rest[key]), _cell(graphql[key])) for key, label in ROWS]
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
    return "\n".join(out)


def as_json(runs: list[ScenarioRun]) -> list[dict[str, Any]]:
    return [run.as_dict() for run in runs]
