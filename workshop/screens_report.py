"""The screens' figures as a table, Markdown, JSON or a chart: what ``compare --screens`` and /compare/screens/ show."""

import json
from dataclasses import dataclass
from typing import Any

from .screens import (
    FIELDS_DEFINITION,
    MEASURE_LABELS,
    MEASURES,
    PAPER,
    PAPER_REFERENCE,
    REDUCTION_LABELS,
    REDUCTIONS,
    WAY_LABELS,
    WAYS,
    ScreensReport,
    percent,
)

FIGURES = (
    ("round_trips", "round trips"),
    ("fields", "fields"),
    ("bytes", "bytes"),
    ("gzip_bytes", "gzip bytes"),
    ("request_bytes", "request bytes"),
)
TITLE = "Seven screens, three ways: REST, REST with ?fields=, GraphQL"
PAPER_ROW = "paper (median of 7 GitHub clients)"


def number(value: int | None) -> str:
    return "n/a" if value is None else f"{value:,}"


def paper_cell(name: str, measure: str) -> str:
    """The paper's figure for a reduction, where it reports one (REST to GraphQL, fields and bytes)."""
    return f"{PAPER[measure]}%" if name == "graphql" and measure in PAPER else "-"


def figure_rows(report: ScreensReport) -> list[dict[str, Any]]:
    """Per screen: each figure of each way, as text."""
    return [
        {
            "slug": run.screen.slug,
            "title": run.screen.title,
            "figures": {key: [number(run.figures(way)[key]) for way in WAYS] for key, _ in FIGURES},
            "same_data": "yes" if run.same_data else "NO",
            "difference": run.difference,
        }
        for run in report.runs
    ]


def reduction_rows(report: ScreensReport) -> list[dict[str, Any]]:
    """Per screen, then the medians and the paper's figures: each reduction in each measure, as text."""
    rows = [
        {
            "label": run.screen.slug,
            "cells": [percent(run.reductions()[name][m]) for name, _, _ in REDUCTIONS for m in MEASURES],
            "kind": "screen",
        }
        for run in report.runs
    ]
    medians = report.medians()
    rows.append(
        {
            "label": "median",
            "cells": [percent(medians[n][m]) for n, _, _ in REDUCTIONS for m in MEASURES],
            "kind": "median",
        }
    )
    rows.append(
        {"label": PAPER_ROW, "cells": [paper_cell(n, m) for n, _, _ in REDUCTIONS for m in MEASURES], "kind": "paper"}
    )
    return rows


def _ways() -> str:
    return " / ".join(WAY_LABELS[way] for way in WAYS)


def _aligned(rows: list[list[str]], left: int = 1) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(w) if i < left else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _reductions() -> str:
    return " / ".join(REDUCTION_LABELS[name] for name, _, _ in REDUCTIONS)


def as_table(report: ScreensReport) -> str:
    out = [TITLE, f"({PAPER_REFERENCE}, live on the bookshop)", f"Fields are {FIELDS_DEFINITION}.", ""]
    out.append(f"Each figure reads {_ways()}.")
    head = ["screen", *[label for _, label in FIGURES], "same data"]
    body = [
        [row["slug"], *[" / ".join(row["figures"][key]) for key, _ in FIGURES], row["same_data"]]
        for row in figure_rows(report)
    ]
    out += _aligned([head, *body])
    out += ["", f"Reductions, each reading {_reductions()}."]
    per_measure = len(MEASURES)
    rows = [["", *[MEASURE_LABELS[m] for m in MEASURES]]]
    for row in reduction_rows(report):
        by_measure = [" / ".join(row["cells"][i::per_measure]) for i in range(per_measure)]
        rows.append([row["label"], *by_measure])
    out += _aligned(rows)
    out += ["", report.lesson()]
    out += [f"{row['slug']}: the data differ: {row['difference']}" for row in figure_rows(report) if row["difference"]]
    return "\n".join(out) + "\n"


def as_markdown(report: ScreensReport) -> str:
    out = [f"### {TITLE}", "", f"Fields are {FIELDS_DEFINITION}. Each cell reads {_ways()}.", ""]
    out.append("| screen | " + " | ".join(label for _, label in FIGURES) + " | same data |")
    out.append("|---|" + "---:|" * len(FIGURES) + "---|")
    for row in figure_rows(report):
        cells = [" / ".join(row["figures"][key]) for key, _ in FIGURES]
        out.append(f"| `{row['slug']}` {row['title']} | " + " | ".join(cells) + f" | {row['same_data']} |")
    out.append("")
    out.append(
        "| reduction | "
        + " | ".join(f"{REDUCTION_LABELS[n]}, {MEASURE_LABELS[m]}" for n, _, _ in REDUCTIONS for m in MEASURES)
        + " |"
    )
    out.append("|---|" + "---:|" * (len(REDUCTIONS) * len(MEASURES)))
    for row in reduction_rows(report):
        label = {"screen": f"`{row['label']}`", "median": "**median**", "paper": f"*{row['label']}*"}[row["kind"]]
        cells = [f"**{c}**" if row["kind"] == "median" else c for c in row["cells"]]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out += ["", f"**What the third column teaches.** {report.lesson()}", ""]
    out += [
        f"`{row['slug']}`: the data differ: {row['difference']}" for row in figure_rows(report) if row["difference"]
    ]
    return "\n".join(out)


def as_json(report: ScreensReport) -> str:
    return json.dumps(report.as_dict(), indent=2)


# The chart ------------------------------------------------------------------------------

COLOURS = {"rest": "#2f6fb3", "sparse": "#8db3de", "graphql": "#c2185b"}
_LABELS_WIDTH = 150
_PANEL_WIDTH = 230
_PANEL_GAP = 20
_BAR = 11
_GROUP_GAP = 10
_TOP = 46


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str
    label_x: float
    title: str


def _shares(report: ScreensReport) -> list[tuple[str, dict[str, dict[str, tuple[float, str]]]]]:
    """Per screen, then the median: each way's share of REST's figure in each measure, with a tooltip."""
    groups = []
    for run in report.runs:
        slug = run.screen.slug
        shares: dict[str, dict[str, tuple[float, str]]] = {}
        for measure in MEASURES:
            before = run.figures("rest")[measure]
            shares[measure] = {}
            for way in WAYS:
                after = run.figures(way)[measure]
                share = 100.0 * after / before if before else 0.0
                shares[measure][way] = (
                    share,
                    f"{slug}: {WAY_LABELS[way]} {number(after)} {MEASURE_LABELS[measure]}, {share:.1f}% of REST's",
                )
        groups.append((slug, shares))
    medians = report.medians()
    reduced = {"rest": None, "sparse": "sparse", "graphql": "graphql"}
    median: dict[str, dict[str, tuple[float, str]]] = {}
    for measure in MEASURES:
        median[measure] = {}
        for way, name in reduced.items():
            share = 100.0 - (medians[name][measure] or 0.0) if name else 100.0
            median[measure][way] = (
                share,
                f"median: {WAY_LABELS[way]} {share:.1f}% of REST's {MEASURE_LABELS[measure]}",
            )
    groups.append(("median", median))
    return groups


def chart(report: ScreensReport) -> dict[str, Any]:
    """A server-drawn bar chart: per measure, each screen's three ways as a share of REST as it is."""
    groups = _shares(report)
    bar_area = _PANEL_WIDTH - 44  # room for the label after a full bar
    group_height = len(WAYS) * _BAR + _GROUP_GAP
    panels, bars = [], []
    for p, measure in enumerate(MEASURES):
        x0 = _LABELS_WIDTH + p * (_PANEL_WIDTH + _PANEL_GAP)
        panels.append({"x": x0, "title": f"{MEASURE_LABELS[measure]}, share of REST"})
        for g, (_, shares) in enumerate(groups):
            for w, way in enumerate(WAYS):
                share, title = shares[measure][way]
                width = round(max(1.0, bar_area * min(share, 100.0) / 100), 1)
                y = _TOP + g * group_height + w * _BAR
                bars.append(Bar(x0, y, width, _BAR - 1, COLOURS[way], f"{share:.0f}%", round(x0 + width + 3, 1), title))
    height = _TOP + len(groups) * group_height + 6
    return {
        "width": _LABELS_WIDTH + len(MEASURES) * (_PANEL_WIDTH + _PANEL_GAP),
        "height": height,
        "panels": panels,
        "bars": bars,
        "labels": [
            {"y": _TOP + g * group_height + len(WAYS) * _BAR / 2 + 3, "text": label, "median": label == "median"}
            for g, (label, _) in enumerate(groups)
        ],
        "legend": [
            {"x": _LABELS_WIDTH + i * 130, "colour": COLOURS[way], "text": WAY_LABELS[way]}
            for i, way in enumerate(WAYS)
        ],
        "top": _TOP,
        "bottom": height - 6,
    }
