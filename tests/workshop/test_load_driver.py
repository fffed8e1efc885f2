"""The load driver against servers that answer, refuse and stall, and against the project under gunicorn."""

import json
import threading
import time
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command

from tests.live_gunicorn import serve, stop
from workshop.load import latest_run

SVG = "{http://www.w3.org/2000/svg}"


@contextmanager
def stub_server(status: int, delay_s: float = 0.0):
    """A server on 127.0.0.1 whose every API answer is ``status`` after ``delay_s``, kept alive."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            time.sleep(delay_s)
            body = json.dumps({"errors": [{"code": "stub", "message": "refused"}]}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = answer

        def log_message(self, *args) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address) -> None:
            pass  # a client that gave up on a stalled answer closed its end: expected here

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def load(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("compare", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_server_errors_are_counted_and_the_run_goes_on():
    with stub_server(503) as url:
        out, progress = load("--load", "2", "--duration", "0.3", "books-first-page", "--base-url", url)
    assert progress.count("books-first-page") == 2  # a line per point, both styles
    assert "Errors (failed requests; their use cases are not counted): 503 x" in out
    run = latest_run()
    for point in run["points"]:
        assert point["use_cases"] == 0 and point["use_cases_per_s"] == 0
        assert point["requests"] > 0 and point["errors"] == {"503": point["requests"]}
        assert point["p95_ms"] is None and point["request_p95_ms"] is not None


@pytest.mark.django_db
def test_a_budget_refusal_says_how_to_start_the_server_for_load():
    with stub_server(429) as url:
        out, _ = load("--load", "1", "--duration", "0.2", "books-first-page", "--base-url", url)
    assert "429 x" in out and "THROTTLE_ANON_RATE=off" in out


@pytest.mark.django_db
def test_a_stalled_server_gives_timeouts_within_the_bound():
    with stub_server(200, delay_s=0.6) as url:
        started = time.monotonic()
        out, _ = load(
            "--load", "3", "--duration", "0.2", "--timeout", "0.2", "books-first-page", "--base-url", url,
            "--format", "json",
        )  # fmt: skip
        elapsed = time.monotonic() - started
    points = json.loads(out)["points"]
    assert [p["errors"] for p in points] == [{"timeout": 3}, {"timeout": 3}]  # one per client: each gave up once
    assert elapsed < 4  # two warm-ups that time out, two points of 0.2 s plus one timeout each


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    throttles_off = {name: "off" for name in ("THROTTLE_ANON_RATE", "THROTTLE_USER_RATE")}
    process, port = serve(tmp_path_factory.mktemp("load"), {**throttles_off, "REQUEST_METRICS": "0"}, seed=True)
    yield f"http://127.0.0.1:{port}"
    stop(process)


@pytest.mark.django_db
def test_a_load_run_against_gunicorn_measures_both_styles_saves_the_run_and_draws_it(
    gunicorn, tmp_path, client, workshop_mode
):
    chart = tmp_path / "load.svg"
    out, progress = load(
        "--load", "1,2", "--duration", "1", "author-page", "--base-url", gunicorn, "--format", "json",
        "--chart", str(chart),
    )  # fmt: skip
    run = json.loads(out)
    assert run["server"] == "gunicorn" and run["levels"] == [1, 2] and run["server_cpu_measured"] is True
    assert run["scenarios"] == [
        {"slug": "author-page", "title": run["scenarios"][0]["title"], "round_trips": {"rest": 2, "graphql": 1}}
    ]
    points = {(p["style"], p["concurrency"]): p for p in run["points"]}
    assert set(points) == {("rest", 1), ("rest", 2), ("graphql", 1), ("graphql", 2)}
    for (style, level), point in points.items():
        assert point["errors"] == {} and point["use_cases"] >= 3, point
        # Every use case complete: two REST requests each, one GraphQL request each.
        assert point["requests"] == point["use_cases"] * (2 if style == "rest" else 1), point
        # The point's second, and the tail of the use cases in flight then (long on a busy machine).
        assert 0.9 < point["seconds"] < 6, point
        assert point["p50_ms"] <= point["p95_ms"], point
        assert point["connections"] == level, point  # kept alive: one connection per client, not per request
        assert point["kb_per_s"] > 0, point
        # The gunicorn master and its workers were found by the port they listen on, and they worked.
        assert point["server_cpu_ms"] > 0 and point["server_cpu_pct"] > 0, point
    # GraphQL asks only for what the page shows: fewer bytes per use case than REST's two lists.
    assert points[("graphql", 1)]["bytes_received"] / points[("graphql", 1)]["use_cases"] < (
        points[("rest", 1)]["bytes_received"] / points[("rest", 1)]["use_cases"]
    )
    assert len(progress.strip().splitlines()) >= 4 and "use cases/s" in progress

    assert latest_run() == run
    page = client.get("/compare/load/").content.decode()
    assert gunicorn in page and "(gunicorn)" in page and "An author page" in page
    assert f"<td>{points[('graphql', 2)]['use_cases_per_s']:.1f}</td>" in page
    assert "<svg" in page and "No load run yet" not in page
    assert "Server CPU ms is the CPU time the serving processes" in page

    svg = ET.parse(chart).getroot()
    lines = svg.findall(f"{SVG}polyline")
    # Three panels (throughput, p95, server CPU), a line for each style in each.
    assert [line.get("class") for line in lines] == ["rest", "graphql"] * 3
    labels = [text.text for text in svg.iter(f"{SVG}text")]
    assert "throughput (use cases/s)" in labels and "p95 latency of a use case (ms)" in labels
    assert {"1", "2"} <= set(labels) and "author-page" in labels
