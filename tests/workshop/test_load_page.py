"""/compare/load/ and the reports of a saved load run: table, Markdown, chart."""

import xml.etree.ElementTree as ET

import pytest

from workshop.load import RUNS_KEPT, latest_run, save_run
from workshop.load_report import as_markdown, as_table, chart_svg, ratios
from workshop.models import LoadRun

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def point(style: str, concurrency: int, use_cases_per_s: float, p95_ms: float, **extra) -> dict:
    return {
        "scenario": "books-first-page",
        "style": style,
        "concurrency": concurrency,
        "seconds": 5.0,
        "use_cases": int(use_cases_per_s * 5),
        "failed_use_cases": 0,
        "requests": int(use_cases_per_s * 5),
        "bytes_received": 1000,
        "use_cases_per_s": use_cases_per_s,
        "requests_per_s": use_cases_per_s,
        "kb_per_s": 12.5,
        "p50_ms": p95_ms / 2,
        "p95_ms": p95_ms,
        "request_p50_ms": p95_ms / 2,
        "request_p95_ms": p95_ms,
        "errors": {},
        "connections": concurrency,
        "client_cpu_pct": 20.0,
        "server_cpu_pct": 150.0,
        "server_cpu_ms": 12.5,
        **extra,
    }


def a_run(started_at: str = "2026-03-01T10:00:00+00:00", **changes) -> dict:
    run = {
        "started_at": started_at,
        "finished_at": started_at,
        "base_url": "http://127.0.0.1:18000",
        "server": "gunicorn",
        "server_cpu_measured": True,
        "levels": [1, 64],
        "duration_s": 5.0,
        "max_requests": 20000,
        "timeout_s": 10.0,
        "client": {"python": "3.11.7", "how": "one thread per client", "cpus": 2},
        "scenarios": [
            {"slug": "books-first-page", "title": "The first page of books", "round_trips": {"rest": 1, "graphql": 1}}
        ],
        "points": [
            point("rest", 1, 120.0, 9.0),
            point("graphql", 1, 150.0, 8.0),
            point("graphql", 64, 140.0, 610.0, errors={"503": 4}, client_cpu_pct=91.0),
            point("rest", 64, 175.0, 480.0),
        ],
        "stopped": None,
    }
    run.update(changes)
    return run


def test_without_a_run_the_page_gives_the_command_to_make_one(client, workshop_mode):
    html = client.get("/compare/load/").content.decode()
    assert "No load run yet" in html
    assert "<code>python manage.py compare --load 1,4,16,64</code>" in html
    assert "THROTTLE_ANON_RATE=off" in html


def test_the_page_shows_the_latest_run_with_when_and_against_what(client, workshop_mode):
    save_run(a_run("2026-03-01T10:00:00+00:00", base_url="http://127.0.0.1:1111"))
    save_run(a_run("2026-03-02T11:30:00+00:00"))
    html = client.get("/compare/load/").content.decode()
    assert "2026-03-02 11:30 UTC" in html and "http://127.0.0.1:18000" in html and "(gunicorn)" in html
    assert "http://127.0.0.1:1111" not in html
    assert "5 s per point, concurrency 1, 64." in html
    # REST first at each level, whatever order the points ran in.
    rows = html.split('<tr class="')[1:]
    assert [row.split('"')[0] for row in rows] == ["rest", "graphql", "rest", "graphql"]
    assert "<td>175.0</td>" in html and "<td>610.0</td>" in html
    assert "GraphQL/REST use cases per second: 1.25x at 1, 0.80x at 64" in html
    assert "503 x4" in html and "91% of a core at 64 clients" in html
    assert html.count("<polyline") == 6  # throughput, p95, server CPU: a line per style in each


def test_the_compare_page_links_to_the_load_page(client, workshop_mode):
    assert 'href="/compare/load/"' in client.get("/compare/").content.decode()


def test_the_load_page_is_off_outside_workshop_mode(client, settings):
    settings.WORKSHOP_MODE = False
    response = client.get("/compare/load/")
    assert response.status_code == 404
    assert b"Not Found" in response.content


def test_only_the_latest_runs_are_kept():
    for day in range(1, RUNS_KEPT + 4):
        save_run(a_run(f"2026-04-{day:02d}T08:00:00+00:00"))
    assert LoadRun.objects.count() == RUNS_KEPT
    assert latest_run()["started_at"] == f"2026-04-{RUNS_KEPT + 3:02d}T08:00:00+00:00"
    assert LoadRun.objects.order_by("started_at").first().started_at.day == 4


def test_table_and_markdown_carry_the_figures_and_the_caveats():
    run = a_run(stopped="the total cap of 10 s was reached after 4 of 8 points")
    table = as_table(run)
    assert "books-first-page: The first page of books (1 REST request(s), 1 GraphQL request(s) per use case)" in table
    assert "GraphQL/REST use cases per second: 1.25x at 1, 0.80x at 64" in table
    assert "the client may set the pace" in table and "Stopped early: the total cap" in table
    markdown = as_markdown(run)
    row = "| `books-first-page` | 64 | GraphQL | 700 | 140.0 | 140.0 | 12 | 305.0 | 610.0 | 4 | 12.5 | 150% | 91% |"
    assert row in markdown
    assert "it counts the work, not the waiting for a core" in markdown


def test_a_run_without_server_figures_says_so():
    run = a_run(server_cpu_measured=False)
    for p in run["points"]:
        p.update(server_cpu_ms=None, server_cpu_pct=None)
    table = as_table(run)
    assert "Server CPU: n/a, this machine could not tell which process serves the port." in table
    assert "| 0 | n/a | n/a | 20% |" in as_markdown(run)
    labels = {text.text for text in ET.fromstring(chart_svg(run)).iter(f"{SVG}text")}
    assert "p95 latency of a use case (ms)" in labels and "server CPU per use case (ms)" not in labels


def test_a_ratio_needs_both_styles_at_a_level():
    run = a_run()
    run["points"] = [p for p in run["points"] if not (p["style"] == "rest" and p["concurrency"] == 64)]
    assert ratios(run, "books-first-page") == [(1, 1.25)]


def test_the_chart_puts_each_level_on_the_x_axis_and_escapes_names():
    run = a_run(base_url="http://127.0.0.1:18000/<script>")
    svg = ET.fromstring(chart_svg(run))
    assert "<script>" in svg.find(f"{SVG}title").text  # text, not markup
    assert svg.find(f".//{SVG}script") is None
    lines = svg.findall(f"{SVG}polyline")
    assert [line.get("class") for line in lines] == ["rest", "graphql"] * 3
    # Throughput first: GraphQL falls from 150 to 140 use cases/s, so its line descends (y grows in SVG).
    (x1, y1), (x2, y2) = (map(float, xy.split(",")) for xy in lines[1].get("points").split())
    assert x2 > x1 and y2 > y1
    # Then p95: GraphQL's rises from 8 to 610 ms.
    (_, y1), (_, y2) = (map(float, xy.split(",")) for xy in lines[3].get("points").split())
    assert y2 < y1
    assert {"1", "64", "concurrent clients"} <= {text.text for text in svg.iter(f"{SVG}text")}
