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


def test_compose_publishes_only_the_proxy_port_on_loopback(compose):
    services = compose["services"]
    assert [name for name, service in services.items() if "ports" in service] == ["proxy"]
    assert services["proxy"]["ports"] == ["127.0.0.1:${PROXY_PORT:-8000}:${PROXY_PORT:-8000}"]
    assert services["proxy"]["environment"]["PROXY_LISTEN"] == "${PROXY_PORT:-8000}"


def test_compose_proxy_runs_the_repositorys_nginx_config_in_front_of_web(compose):
    proxy = compose["services"]["proxy"]
    assert proxy["image"] == "nginx:stable"
    assert "./docker/nginx/nginx.conf:/etc/nginx/nginx.conf:ro" in proxy["volumes"]
    assert "./docker/nginx/templates:/etc/nginx/templates:ro" in proxy["volumes"]
    assert proxy["environment"]["WEB_UPSTREAM"] == "web:${WEB_PORT:-8000}"
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    assert proxy["cap_drop"] == ["ALL"]


def test_compose_every_port_is_configurable(compose):
    services = compose["services"]
    web = services["web"]["environment"]
    assert web["GUNICORN_BIND"] == "0.0.0.0:${WEB_PORT:-8000}" and web["PORT"] == "${WEB_PORT:-8000}"
    assert "@db:${DB_PORT:-5432}/" in web["DATABASE_URL"]
    assert services["db"]["environment"]["PGPORT"] == "${DB_PORT:-5432}"
    assert web["REDIS_URL"] == "redis://redis:${REDIS_PORT:-6379}/0"
    assert services["redis"]["command"][:3] == ["redis-server", "--port", "${REDIS_PORT:-6379}"]
    assert "${REDIS_PORT:-6379}" in services["redis"]["healthcheck"]["test"]


def test_compose_web_replicas_share_state_and_trust_only_the_proxy(compose):
    web = compose["services"]["web"]["environment"]
    assert web["TRUSTED_PROXIES"].startswith("${TRUSTED_PROXIES:-")
    assert web["GUNICORN_REUSE_PORT"] == "${GUNICORN_REUSE_PORT:-1}"
    # Replicas never migrate: the one-shot migrate service does, before any of them starts.
    assert web["RUN_MIGRATIONS"] == "0"
    assert compose["services"]["migrate"]["environment"]["RUN_MIGRATIONS"] == "1"
    assert "container_name" not in compose["services"]["web"]


def test_compose_web_is_locked_down_and_waits_for_its_dependencies(compose):
    web = compose["services"]["web"]
    assert web["read_only"] is True and "/tmp" in web["tmpfs"]
    assert web["cap_drop"] == ["ALL"]
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert web["depends_on"]["redis"]["condition"] == "service_healthy"
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert web["restart"] == "unless-stopped"
    for name in ("web", "db", "redis"):
        assert "healthcheck" in compose["services"][name], name


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
