"""What a run measured: one row per participant and task, medians per style, a chart, a CSV.

A median counts solved tasks only (a skipped task has no time); skips are counted beside
it. Tasks not finished yet are left out of both.
"""

import csv
import io
import math
import statistics
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from .experiment import PAPER, PARAMETER_GROUPS, load_tasks, parameter_group
from .models import ExperimentRun, TaskAssignment
from .registry import STYLES

STYLE_LABELS = {"rest": "REST", "graphql": "GraphQL"}
CSV_COLUMNS = (
    "run",
    "participant",
    "position",
    "task",
    "style",
    "parameters",
    "seconds",
    "attempts",
    "wrong_attempts",
    "solved",
    "skipped",
    "shown_at",
    "finished_at",
)


def duration(seconds: float | None) -> str:
    """m:ss, as a stopwatch shows it."""
    if seconds is None:
        return "-"
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


@dataclass(frozen=True)
class ResultRow:
    participant: str
    position: int
    task: str
    style: str
    parameters: int
    seconds: float | None
    attempts: int
    wrong_attempts: int
    skipped: bool
    shown_at: datetime | None
    finished_at: datetime | None

    @property
    def solved(self) -> bool:
        return self.seconds is not None

    @property
    def time(self) -> str:
        return duration(self.seconds)


def result_rows(run: ExperimentRun) -> list[ResultRow]:
    assignments = (
        TaskAssignment.objects.filter(participant__run=run)
        .select_related("participant")
        .annotate(attempt_count=Count("attempts"), wrong_count=Count("attempts", filter=Q(attempts__correct=False)))
        .order_by("participant__ordinal", "position")
    )
    return [
        ResultRow(
            participant=a.participant.name,
            position=a.position,
            task=a.task,
            style=a.style,
            parameters=a.parameters,
            seconds=a.seconds,
            attempts=a.attempt_count,
            wrong_attempts=a.wrong_count,
            skipped=a.skipped_at is not None,
            shown_at=a.shown_at,
            finished_at=a.solved_at or a.skipped_at,
        )
        for a in assignments
    ]


@dataclass(frozen=True)
class Cell:
    """One style's figures for a group of tasks."""

    solved: int
    skipped: int
    median_seconds: float | None

    @property
    def median(self) -> str:
        return duration(self.median_seconds)


@dataclass(frozen=True)
class Line:
    label: str
    cells: dict[str, Cell]

    @property
    def graphql_share(self) -> float | None:
        """GraphQL's median as a share of REST's (the paper: 6 / 9, 0.67)."""
        rest, graphql = self.cells["rest"].median_seconds, self.cells["graphql"].median_seconds
        return graphql / rest if rest and graphql is not None else None


def _line(label: str, rows: list[ResultRow]) -> Line:
    cells = {}
    for style in STYLES:
        times = [r.seconds for r in rows if r.style == style and r.seconds is not None]
        skipped = sum(1 for r in rows if r.style == style and r.skipped)
        cells[style] = Cell(len(times), skipped, statistics.median(times) if times else None)
    return Line(label, cells)


@dataclass(frozen=True)
class Summary:
    participants: int
    overall: Line
    by_parameters: list[Line]
    by_task: list[Line]


def summarise(rows: list[ResultRow]) -> Summary:
    finished = [r for r in rows if r.solved or r.skipped]
    tasks = load_tasks()
    slugs = list(tasks) + sorted({r.task for r in rows} - set(tasks))
    return Summary(
        participants=len({r.participant for r in rows}),
        overall=_line("all tasks", finished),
        by_parameters=[
            _line(group, [r for r in finished if parameter_group(r.parameters) == group]) for group in PARAMETER_GROUPS
        ],
        by_task=[_line(slug, [r for r in finished if r.task == slug]) for slug in slugs],
    )


def _spreadsheet_safe(value: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet: a name must stay a name.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def results_csv(run: ExperimentRun, rows: list[ResultRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                _spreadsheet_safe(run.code),
                _spreadsheet_safe(r.participant),
                r.position,
                r.task,
                r.style,
                r.parameters,
                f"{r.seconds:.1f}" if r.seconds is not None else "",
                r.attempts,
                r.wrong_attempts,
                "yes" if r.solved else "no",
                "yes" if r.skipped else "no",
                r.shown_at.isoformat() if r.shown_at else "",
                r.finished_at.isoformat() if r.finished_at else "",
            ]
        )
    return out.getvalue()


# The chart: median minutes per style, this run by number of parameters beside the paper ----

CHART_HEIGHT = 220
_PLOT_TOP, _PLOT_BOTTOM = 28, 180
_BAR, _GAP, _GROUP_GAP = 26, 4, 30


def _ceiling(value: float) -> float:
    """A round axis maximum at or above ``value``: 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _panel(title: str, groups: list[tuple[str, dict[str, float | None]]], left: float) -> dict:
    values = [v for _, minutes in groups for v in minutes.values() if v is not None]
    top = _ceiling(max(values, default=0))
    scale = (_PLOT_BOTTOM - _PLOT_TOP) / top
    bars, labels, x = [], [], left
    for label, minutes in groups:
        start = x
        for style in STYLES:
            value = minutes[style]
            height = value * scale if value is not None else 0
            bars.append(
                {
                    "style": style,
                    "x": x,
                    "y": _PLOT_BOTTOM - height,
                    "height": height,
                    "text": duration(value * 60) if value is not None else "-",
                    "text_y": _PLOT_BOTTOM - height - 4,
                    "center": x + _BAR / 2,
                }
            )
            x += _BAR + _GAP
        labels.append({"text": label, "x": (start + x - _GAP) / 2})
        x += _GROUP_GAP - _GAP
    return {
        "title": title,
        "left": left,
        "axis_from": left - 6,
        "right": x - _GROUP_GAP + _GAP,
        "top": duration(top * 60),
        "bars": bars,
        "labels": labels,
    }


def chart(summary: Summary) -> dict:
    """Bar geometry for the SVG the results page draws: this run's medians, then the paper's."""

    def minutes(line: Line) -> dict[str, float | None]:
        return {s: c.median_seconds / 60 if c.median_seconds is not None else None for s, c in line.cells.items()}

    groups = [("all", minutes(summary.overall))]
    groups += [(f"{line.label} param.", minutes(line)) for line in summary.by_parameters]
    run = _panel("This run: median time per task", groups, 40)
    paper = _panel(
        f"The paper ({PAPER['participants']} students)",
        [("all", {"rest": PAPER["rest"], "graphql": PAPER["graphql"]})],
        run["right"] + 90,
    )
    return {
        "panels": [run, paper],
        # Room for the paper panel's title, which is wider than its two bars.
        "width": max(paper["right"], paper["left"] + 7 * len(paper["title"])) + 20,
        "height": CHART_HEIGHT,
        "top": _PLOT_TOP,
        "baseline": _PLOT_BOTTOM,
        "labels_y": _PLOT_BOTTOM + 16,
        "legend_y": CHART_HEIGHT - 14,
        "bar_width": _BAR,
    }
