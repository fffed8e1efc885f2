"""A load run as a table, Markdown, and an SVG chart of throughput and p95 against concurrency.

The chart is drawn by hand, so it needs nothing beyond the base install; the compare page
embeds the same SVG.
"""

import math
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .load import STYLE_NAMES, error_count

STYLE_COLOURS = {"rest": "#2f6fb3", "graphql": "#c2185b"}
# At this much of a core, the client process may be what sets the pace.
CLIENT_BOUND_PCT = 80.0
COLUMNS = (
    ("clients", "concurrency", "{:d}"),
    ("style", "style", "{}"),
    ("requests", "requests", "{:,d}"),
    ("use cases/s", "use_cases_per_s", "{:.1f}"),
    ("req/s", "requests_per_s", "{:.1f}"),
    ("KB/s", "kb_per_s", "{:.0f}"),
    ("p50 ms", "p50_ms", "{:.1f}"),
    ("p95 ms", "p95_ms", "{:.1f}"),
    ("errors", "errors", "{}"),
    ("server CPU ms", "server_cpu_ms", "{:.1f}"),
    ("server CPU", "server_cpu_pct", "{:.0f}%"),
    ("client CPU", "client_cpu_pct", "{:.0f}%"),
)


def _cell(point: dict[str, Any], key: str, spec: str) -> str:
    if key == "style":
        return STYLE_NAMES[point["style"]]
    if key == "errors":
        return str(error_count(point))
    value = point.get(key)
    return "n/a" if value is None else spec.format(value)


def point_rows(run: dict[str, Any], slug: str) -> list[list[str]]:
    """One row per point of a scenario, by concurrency, REST before GraphQL."""
    points = [p for p in run["points"] if p["scenario"] == slug]
    order = list(STYLE_NAMES)
    points.sort(key=lambda p: (p["concurrency"], order.index(p["style"])))
    return [[_cell(p, key, spec) for _, key, spec in COLUMNS] for p in points]


def ratios(run: dict[str, Any], slug: str) -> list[tuple[int, float | None]]:
    """GraphQL's use cases per second over REST's, at each concurrency both were measured at."""
    by = {(p["style"], p["concurrency"]): p["use_cases_per_s"] for p in run["points"] if p["scenario"] == slug}
    levels = sorted({level for _, level in by})
    return [
        (level, by[("graphql", level)] / by[("rest", level)] if by.get(("rest", level)) else None)
        for level in levels
        if ("graphql", level) in by and ("rest", level) in by
    ]


def ratio_line(run: dict[str, Any], slug: str) -> str:
    parts = [f"{'n/a' if r is None else f'{r:.2f}x'} at {level}" for level, r in ratios(run, slug)]
    return "GraphQL/REST use cases per second: " + ", ".join(parts) if parts else ""


def heading(run: dict[str, Any]) -> str:
    started = datetime.fromisoformat(run["started_at"])
    server = f" ({run['server']})" if run.get("server") else ""
    return (
        f"Load run of {started:%Y-%m-%d %H:%M} UTC against {run['base_url']}{server}: "
        f"{run['duration_s']:g} s per point, at most {run['max_requests']:,} requests per point"
    )


def notes(run: dict[str, Any]) -> list[str]:
    """What a reader must know to trust the figures: the client's own limit, the errors."""
    client = run["client"]
    out = [
        f"Client: {client['how']}, Python {client['python']}, {client['cpus']} CPU(s). A use case is all of a "
        "style's steps one after the other; its time is p50/p95. Client CPU is the client process's CPU time "
        "per second: its threads run Python on one core at a time."
    ]
    if run.get("server_cpu_measured"):
        out.append(
            "Server CPU ms is the CPU time the serving processes (master and workers, not the database) spent "
            "per use case: it counts the work, not the waiting for a core, so other jobs on the machine move it "
            "less than throughput. Server CPU is that time per second (100% is one core)."
        )
    else:
        out.append("Server CPU: n/a, this machine could not tell which process serves the port.")
    bound = [p for p in run["points"] if p["client_cpu_pct"] >= CLIENT_BOUND_PCT]
    if bound:
        worst = max(bound, key=lambda p: p["client_cpu_pct"])
        out.append(
            f"The client used {worst['client_cpu_pct']:.0f}% of a core at {worst['concurrency']} clients "
            f"({worst['scenario']}, {STYLE_NAMES[worst['style']]}): at {len(bound)} point(s) the client may set "
            "the pace, not the server. Compare with wrk, or run fewer clients."
        )
    errors: dict[str, int] = {}
    for point in run["points"]:
        for kind, count in point["errors"].items():
            errors[kind] = errors.get(kind, 0) + count
    if errors:
        listed = ", ".join(f"{kind} x{count}" for kind, count in sorted(errors.items()))
        out.append(f"Errors (failed requests; their use cases are not counted): {listed}.")
        if "429" in errors:
            out.append(
                "429 is the server's request budget: for a load run start the server with "
                "THROTTLE_ANON_RATE=off THROTTLE_USER_RATE=off."
            )
    if run.get("stopped"):
        out.append(f"Stopped early: {run['stopped']}.")
    return out


def as_table(run: dict[str, Any]) -> str:
    out = [heading(run), ""]
    titles = [title for title, _, _ in COLUMNS]
    for scenario in run["scenarios"]:
        rows = point_rows(run, scenario["slug"])
        if not rows:
            continue
        trips = scenario["round_trips"]
        out.append(
            f"{scenario['slug']}: {scenario['title']} "
            f"({trips['rest']} REST request(s), {trips['graphql']} GraphQL request(s) per use case)"
        )
        widths = [max(len(row[i]) for row in [titles, *rows]) for i in range(len(titles))]
        for row in [titles, *rows]:
            cells = [c.ljust(w) if i == 1 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
            out.append("  " + "  ".join(cells))
        out.append("  " + ratio_line(run, scenario["slug"]))
        out.append("")
    out.extend(notes(run))
    return "\n".join(out) + "\n"


def as_markdown(run: dict[str, Any]) -> str:
    out = [heading(run) + ".", ""]
    out.append("| scenario | " + " | ".join(title for title, _, _ in COLUMNS) + " |")
    out.append("|---|" + "|".join("---" if key == "style" else "---:" for _, key, _ in COLUMNS) + "|")
    for scenario in run["scenarios"]:
        for row in point_rows(run, scenario["slug"]):
            out.append(f"| `{scenario['slug']}` | " + " | ".join(row) + " |")
    out.append("")
    for scenario in run["scenarios"]:
        line = ratio_line(run, scenario["slug"])
        if line:
            out.append(f"- `{scenario['slug']}`: {line}.")
    for note in notes(run):
        out.extend(["", note])
    return "\n".join(out) + "\n"


# The chart: one row per scenario, throughput, p95 and (when measured) the server's CPU per use case.
PANEL_W, PANEL_H, ROW_TITLE_H = 320, 190, 26
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 58, 16, 22, 38
GAP = 24


def _axis(value: float) -> tuple[float, float]:
    """A round top for an axis that reaches ``value``, and the step of its grid lines (at most five)."""
    if value <= 0:
        return 1.0, 0.25
    magnitude = 10 ** math.floor(math.log10(value / 5))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if value / 5 <= m * magnitude)
    return step * math.ceil(value / step), step


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.4g}"


def _panel(x0: float, y0: float, points: list[dict], key: str, label: str, levels: list[int]) -> list[str]:
    """One panel: the axes, a line per style, the level of each point on the x axis (log scale)."""
    width = PANEL_W - MARGIN_L - MARGIN_R
    height = PANEL_H - MARGIN_T - MARGIN_B
    left, top = x0 + MARGIN_L, y0 + MARGIN_T
    values = [p[key] for p in points if p.get(key) is not None]
    ceiling, step = _axis(max(values, default=0) * 1.05)
    low, high = math.log2(min(levels)), math.log2(max(levels))

    def x(level: int) -> float:
        inset = 14  # the first and last level stay clear of the axes
        return left + (
            width / 2 if high == low else inset + (math.log2(level) - low) / (high - low) * (width - 2 * inset)
        )

    def y(value: float) -> float:
        return top + height - value / ceiling * height

    out = [
        f'<text x="{left}" y="{y0 + 14}" class="label">{escape(label)}</text>',
        f'<line x1="{left}" y1="{top + height}" x2="{left + width}" y2="{top + height}" class="axis"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + height}" class="axis"/>',
    ]
    for i in range(round(ceiling / step) + 1):
        value = step * i
        out.append(f'<line x1="{left}" y1="{y(value):.1f}" x2="{left + width}" y2="{y(value):.1f}" class="grid"/>')
        out.append(
            f'<text x="{left - 6}" y="{y(value) + 4:.1f}" class="tick" text-anchor="end">{_number(value)}</text>'
        )
    for level in levels:
        out.append(f'<text x="{x(level):.1f}" y="{top + height + 16}" class="tick" text-anchor="middle">{level}</text>')
    middle = left + width / 2
    out.append(
        f'<text x="{middle}" y="{top + height + 32}" class="tick" text-anchor="middle">concurrent clients</text>'
    )
    for style, colour in STYLE_COLOURS.items():
        line = sorted((p["concurrency"], p[key]) for p in points if p["style"] == style and p.get(key) is not None)
        if not line:
            continue
        path = " ".join(f"{x(level):.1f},{y(value):.1f}" for level, value in line)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" class="{style}"/>')
        for level, value in line:
            title = f"{STYLE_NAMES[style]}, {level} clients: {value:g}"
            out.append(
                f'<circle cx="{x(level):.1f}" cy="{y(value):.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(title)}</title></circle>"
            )
    return out


CHART_PANELS = (
    ("use_cases_per_s", "throughput (use cases/s)"),
    ("p95_ms", "p95 latency of a use case (ms)"),
    ("server_cpu_ms", "server CPU per use case (ms)"),
)


def chart_svg(run: dict[str, Any]) -> str:
    """Throughput, p95 and the server's CPU per use case against concurrency, both styles, a row per scenario."""
    scenarios = [s for s in run["scenarios"] if any(p["scenario"] == s["slug"] for p in run["points"])]
    levels = sorted({p["concurrency"] for p in run["points"]}) or [1]
    panels = [(key, label) for key, label in CHART_PANELS if any(p.get(key) is not None for p in run["points"])]
    panels = panels or list(CHART_PANELS[:2])
    width = len(panels) * PANEL_W + (len(panels) - 1) * GAP
    legend_h = 24
    height = legend_h + len(scenarios) * (ROW_TITLE_H + PANEL_H) + 4
    title = f"REST and GraphQL under load: {run['base_url']}, {run['started_at']}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label={quoteattr(title)}>',
        f"<title>{escape(title)}</title>",
        "<style>text{font-family:system-ui,sans-serif;fill:#1f2933}.tick{font-size:11px;fill:#52606d}"
        ".label{font-size:12px;font-weight:600}.row{font-size:13px;font-weight:600}"
        ".axis{stroke:#52606d;stroke-width:1}.grid{stroke:#e4e7eb;stroke-width:1}</style>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for i, (style, colour) in enumerate(STYLE_COLOURS.items()):
        x0 = MARGIN_L + i * 110
        out.append(f'<line x1="{x0}" y1="13" x2="{x0 + 22}" y2="13" stroke="{colour}" stroke-width="3"/>')
        out.append(f'<text x="{x0 + 28}" y="17" class="label">{STYLE_NAMES[style]}</text>')
    for row, scenario in enumerate(scenarios):
        y0 = legend_h + row * (ROW_TITLE_H + PANEL_H)
        points = [p for p in run["points"] if p["scenario"] == scenario["slug"]]
        out.append(f'<text x="8" y="{y0 + 18}" class="row">{escape(scenario["slug"])}</text>')
        for column, (key, label) in enumerate(panels):
            out.extend(_panel(column * (PANEL_W + GAP), y0 + ROW_TITLE_H, points, key, label, levels))
    out.append("</svg>")
    return "\n".join(out) + "\n"
