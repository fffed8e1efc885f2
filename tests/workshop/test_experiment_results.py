"""The results of a run: medians per style, per number of parameters and per task; the chart; the CSV."""

import datetime

from workshop.experiment_results import ResultRow, chart, duration, results_csv, summarise
from workshop.models import ExperimentRun

T0 = datetime.datetime(2025, 3, 4, 10, 0, tzinfo=datetime.UTC)


def row(participant, task, style, parameters, seconds=None, skipped=False, attempts=1):
    finished = T0 + datetime.timedelta(seconds=seconds) if seconds is not None else T0 if skipped else None
    return ResultRow(
        participant=participant,
        position=1,
        task=task,
        style=style,
        parameters=parameters,
        seconds=seconds,
        attempts=attempts,
        wrong_attempts=attempts - 1 if seconds is not None else attempts,
        skipped=skipped,
        shown_at=T0 if seconds is not None or skipped else None,
        finished_at=finished,
    )


ROWS = [
    row("ada", "le-guin", "rest", 1, 60),
    row("bea", "le-guin", "graphql", 1, 30),
    row("ada", "early-pratchett", "graphql", 5, 90),
    row("bea", "early-pratchett", "rest", 5, 300, attempts=4),
    row("cy", "early-pratchett", "rest", 5, 200),
    row("cy", "dickens-decade", "rest", 4, skipped=True, attempts=0),
    row("cy", "le-guin", "graphql", 1),  # shown, not finished: left out
]


def test_medians_count_solved_tasks_and_skips_apart():
    summary = summarise(ROWS)
    assert summary.participants == 3
    rest, graphql = summary.overall.cells["rest"], summary.overall.cells["graphql"]
    assert (rest.solved, rest.skipped, rest.median_seconds) == (3, 1, 200)
    assert (graphql.solved, graphql.skipped, graphql.median_seconds) == (2, 0, 60)
    assert summary.overall.graphql_share == 0.3
    one, two, _, more = summary.by_parameters
    assert [line.label for line in summary.by_parameters] == ["1", "2", "3", "4+"]
    assert (one.cells["rest"].median, one.cells["graphql"].median) == ("1:00", "0:30")
    assert two.cells["rest"].solved == 0 and two.cells["rest"].median == "-" and two.graphql_share is None
    assert (more.cells["rest"].median_seconds, more.cells["rest"].skipped) == (250, 1)
    by_task = {line.label: line for line in summary.by_task}
    assert len(by_task) == 8 and by_task["early-pratchett"].cells["graphql"].median == "1:30"


def test_durations_read_like_a_stopwatch():
    assert [duration(s) for s in (None, 0, 59.4, 59.6, 75, 600)] == ["-", "0:00", "0:59", "1:00", "1:15", "10:00"]


def test_the_chart_draws_this_run_by_parameters_and_the_paper_on_scales_of_their_own():
    drawn = chart(summarise(ROWS))
    run, paper = drawn["panels"]
    assert [label["text"] for label in run["labels"]] == ["all", "1 param.", "2 param.", "3 param.", "4+ param."]
    tallest = max(bar["height"] for bar in run["bars"])
    assert run["top"] == "5:00"  # 4:10 rounds up to 5 minutes
    assert [bar["text"] for bar in run["bars"]][:2] == ["3:20", "1:00"]
    assert tallest == (drawn["baseline"] - drawn["top"]) * 250 / 300
    assert [(bar["style"], bar["text"]) for bar in paper["bars"]] == [("rest", "9:00"), ("graphql", "6:00")]
    assert paper["top"] == "10:00" and paper["left"] > run["right"]
    assert all(bar["height"] == 0 and bar["text"] == "-" for bar in run["bars"][4:6])  # nothing with 2 parameters


def test_the_csv_keeps_names_from_becoming_formulas():
    rows = [row("=1+1", "le-guin", "rest", 1, 61.25), row("@bea", "dickens-decade", "graphql", 4, skipped=True)]
    text = results_csv(ExperimentRun(code="ABC234"), rows)
    lines = text.splitlines()
    assert lines[0] == (
        "run,participant,position,task,style,parameters,seconds,attempts,wrong_attempts,solved,skipped,shown_at,finished_at"
    )
    times = "2025-03-04T10:00:00+00:00,2025-03-04T10:01:01.250000+00:00"
    assert lines[1] == f"ABC234,'=1+1,1,le-guin,rest,1,61.2,1,0,yes,no,{times}"
    assert lines[2].startswith("ABC234,'@bea,1,dickens-decade,graphql,4,,1,1,no,yes,")
