"""What the benchmark gives the server it starts, and how it judges a run against its targets."""

from bench.run import THROTTLES_OFF, markdown, server_env, targets


def test_the_server_runs_with_every_budget_off_unless_a_rate_is_given(monkeypatch):
    for name in THROTTLES_OFF:
        monkeypatch.delenv(name, raising=False)
    env = server_env(8765)
    assert {name: env[name] for name in THROTTLES_OFF} == dict.fromkeys(THROTTLES_OFF, "off")
    assert env["GUNICORN_BIND"] == "127.0.0.1:8765" and env["DEBUG"] == "0"

    monkeypatch.setenv("THROTTLE_ANON_RATE", "30/minute")
    env = server_env(8765)
    assert env["THROTTLE_ANON_RATE"] == "30/minute" and env["THROTTLE_USER_RATE"] == "off"


def row(variant: str, ratio: float, case: str = "cached-page") -> dict:
    return {
        "case": case,
        "variant": variant,
        "rps": 100 * ratio,
        "ratio": ratio,
        "p50_ms": 1.0,
        "p99_ms": 2.0,
        "cpu_ms": {"total": 1.0},
        "cpu_ratio": ratio,
        "sql_queries": 1,
        "peak_worker_mb": 90.0,
        "restarts": 0,
        "errors": 0,
    }


def test_warm_reads_are_held_to_5x_and_revalidations_to_8x_of_the_baseline():
    rows = [
        row("baseline", 1.0),
        row("rest-cold", 0.6),
        row("rest-warm", 5.2),
        row("rest-304", 7.9),
        row("persisted-304", 8.0),
        row("rest", 0.9, case="books-50"),
    ]
    assert [(g["variant"], g["target"], g["met"]) for g in targets(rows)] == [
        ("rest-warm", "warm >= 5x", True),
        ("rest-304", "304 >= 8x", False),
        ("persisted-304", "304 >= 8x", True),
    ]
    meta = {"stamp": "T", "books": 10, "connections": 1, "rounds": 1, "duration": 1, "workers": "w", "cache": "c"}
    report = markdown(rows, meta)
    assert "| 304 >= 8x | rest-304 | 7.90x | 7.90x | **not met** |" in report
    assert "| warm >= 5x | rest-warm | 5.20x | 5.20x | met |" in report
