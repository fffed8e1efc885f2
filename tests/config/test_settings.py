import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRINT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "db = s.DATABASES['default']; "
    "print(json.dumps({'debug': s.DEBUG, 'engine': db['ENGINE'], 'name': str(db['NAME']), "
    "'conn_max_age': db.get('CONN_MAX_AGE'), 'health': db.get('CONN_HEALTH_CHECKS'), "
    "'options': db.get('OPTIONS', {}), 'hosts': s.ALLOWED_HOSTS}))"
)


def run_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings.base")
    return subprocess.run(
        [sys.executable, "-c", PRINT], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_has_a_development_key_and_sqlite_by_default():
    result = run_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["debug"] is True
    assert config["engine"] == "django.db.backends.sqlite3"
    assert config["name"].endswith("db.sqlite3")
    assert "127.0.0.1" in config["hosts"]


def test_postgres_url_gets_persistent_checked_connections_and_timeouts():
    result = run_settings(
        SECRET_KEY="x" * 50, DATABASE_URL="postgres://u:p@127.0.0.1:5432/shop", ALLOWED_HOSTS="shop.example"
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["debug"] is False
    assert config["engine"] == "django.db.backends.postgresql"
    assert config["conn_max_age"] == 60 and config["health"] is True
    assert config["options"]["connect_timeout"] == 3
    assert "statement_timeout=15000" in config["options"]["options"]
    assert config["hosts"] == ["shop.example"]
