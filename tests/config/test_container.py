"""The container's configuration files agree with each other (no Docker needed)."""

import os
import runpy
from pathlib import Path
from unittest import mock

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_ENV = (
    "PORT",
    "GUNICORN_BIND",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_WORKER_CLASS",
    "GUNICORN_TIMEOUT",
    "GUNICORN_GRACEFUL_TIMEOUT",
    "GUNICORN_CONTROL_SOCKET",
    "FORWARDED_ALLOW_IPS",
    "GUNICORN_REUSE_PORT",
)


def gunicorn_config(**env):
    clean = {k: v for k, v in os.environ.items() if k not in GUNICORN_ENV}
    with mock.patch.dict(os.environ, {**clean, **env}, clear=True):
        return runpy.run_path(str(ROOT / "config" / "gunicorn.py"))


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def seconds(value: str) -> int:
    assert value.endswith("s") and value[:-1].isdigit(), value
    return int(value[:-1])


def test_gunicorn_defaults():
    config = gunicorn_config()
    assert config["bind"] == "0.0.0.0:8000"
    assert config["worker_class"].__name__ == "DrainingThreadWorker"
    assert config["workers"] == len(os.sched_getaffinity(0)) + 1
    assert config["threads"] == 4
    assert config["timeout"] > config["graceful_timeout"] > 0
    assert config["max_requests"] > 0 and 0 < config["max_requests_jitter"] < config["max_requests"]
    assert config["accesslog"] == "-"
    assert config["forwarded_allow_ips"] == ""
    assert config["control_socket_disable"] is True
    assert config["reuse_port"] is False


def test_gunicorn_reads_the_environment():
    config = gunicorn_config(
        PORT="9000",
        WEB_CONCURRENCY="5",
        GUNICORN_THREADS="1",
        GUNICORN_WORKER_CLASS="sync",
        FORWARDED_ALLOW_IPS="10.0.0.2",
    )
    assert config["bind"] == "0.0.0.0:9000"
    assert (config["workers"], config["threads"], config["worker_class"]) == (5, 1, "sync")
    assert config["forwarded_allow_ips"] == "10.0.0.2"


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("true", True), ("0", False), ("", False)])
def test_gunicorn_reuse_port_comes_from_the_environment(value, expected):
    assert gunicorn_config(GUNICORN_REUSE_PORT=value)["reuse_port"] is expected


def test_gunicorn_treats_empty_variables_as_unset():
    config = gunicorn_config(GUNICORN_BIND="", WEB_CONCURRENCY="", GUNICORN_THREADS="")
    assert config["bind"] == "0.0.0.0:8000"
    assert config["threads"] == 4


def test_compose_stop_grace_period_outlasts_gunicorns_graceful_timeout(compose):
    graceful = gunicorn_config()["graceful_timeout"]
    assert seconds(compose["services"]["web"]["stop_grace_period"]) > graceful


def test_compose_publishes_only_the_web_port_on_loopback(compose):
    services = compose["services"]
    assert "ports" not in services["db"]
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]


def test_compose_web_is_locked_down_and_waits_for_a_healthy_db(compose):
    web = compose["services"]["web"]
    assert web["read_only"] is True and "/tmp" in web["tmpfs"]
    assert web["cap_drop"] == ["ALL"]
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert web["restart"] == "unless-stopped"
    assert "healthcheck" in web and "healthcheck" in compose["services"]["db"]


def test_compose_keeps_the_database_on_a_named_volume(compose):
    assert compose["services"]["db"]["image"] == "postgres:17"
    assert "pgdata:/var/lib/postgresql/data" in compose["services"]["db"]["volumes"]
    assert "pgdata" in compose["volumes"]


def test_dockerignore_keeps_secrets_databases_and_build_leftovers_out():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    for entry in (".git", ".env*", ".venv", "db.sqlite3", "staticfiles", "node_modules"):
        assert entry in ignored


def test_dockerfile_runs_gunicorn_as_a_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]' in dockerfile
    assert "USER 10001:10001" in dockerfile
    assert "HEALTHCHECK" in dockerfile
    assert "ENV SECRET_KEY" not in dockerfile


def test_gunicorn_sync_workers_really_are_sync():
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import runpy, json; c = runpy.run_path('config/gunicorn.py'); "
        "print(json.dumps([str(c['worker_class']), c['threads']]))"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "GUNICORN_WORKER_CLASS": "sync"}
    env.pop("GUNICORN_THREADS", None)
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == ["sync", 1]
