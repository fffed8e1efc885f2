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
    "'options': db.get('OPTIONS', {}), 'cursors_off': db.get('DISABLE_SERVER_SIDE_CURSORS'), "
    "'hosts': s.ALLOWED_HOSTS}))"
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
    # Django's PostgreSQL backend with client-side deadlines (config/db/postgresql).
    assert config["engine"] == "config.db.postgresql"
    assert config["conn_max_age"] == 60 and config["health"] is True
    assert config["options"]["connect_timeout"] == 2
    assert "statement_timeout=15000" in config["options"]["options"]
    assert config["hosts"] == ["shop.example"]


def run_python(*args, **env):
    # Only what the process needs: nothing from the test session (e.g. DJANGO_ALLOW_ASYNC_UNSAFE) leaks in.
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings.base")
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


def run_manage(*args, **env):
    return run_python("manage.py", *args, **env)


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3Vq9-production-like-secret-key-for-checks-only-Zr8pX2mW7tN4bL6yH1cJ5",
    "ALLOWED_HOSTS": "catalog.example.com",
    "DATABASE_URL": "postgres://hybrid:hybrid@127.0.0.1:5432/hybrid",
    "BEHIND_TLS_PROXY": "1",
}


def test_check_deploy_passes_with_production_settings_behind_a_tls_proxy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_passes_when_the_tls_proxy_does_the_https_redirect():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, SECURE_SSL_REDIRECT="0")
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_flags_plain_http_without_a_tls_proxy():
    env = {**PRODUCTION, "BEHIND_TLS_PROXY": "0"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "security.W008" in result.stderr


SECURITY = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k) for k in ('SECURE_SSL_REDIRECT', 'SECURE_PROXY_SSL_HEADER', "
    "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
    "'SECURE_HSTS_PRELOAD', 'SECURE_REDIRECT_EXEMPT', 'SILENCED_SYSTEM_CHECKS')}))"
)


def security_settings(**env):
    result = run_python("-c", SECURITY, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_defaults_are_secure_behind_a_tls_proxy():
    config = security_settings(**PRODUCTION)
    assert config["SECURE_SSL_REDIRECT"] is True
    assert config["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert config["SESSION_COOKIE_SECURE"] is True and config["CSRF_COOKIE_SECURE"] is True
    assert config["SECURE_HSTS_SECONDS"] == 31_536_000 and config["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert config["SECURE_HSTS_PRELOAD"] is False
    assert config["SILENCED_SYSTEM_CHECKS"] == ["security.W021"]
    # Probes reach the container directly over HTTP.
    assert config["SECURE_REDIRECT_EXEMPT"] == ["^healthz$", "^readyz$"]


def test_debug_sends_no_hsts_and_plain_cookies():
    config = security_settings(DEBUG="1")
    assert config["SECURE_HSTS_SECONDS"] == 0
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["SECURE_SSL_REDIRECT"] is False


def test_hsts_preload_is_opt_in_and_then_not_silenced():
    config = security_settings(**PRODUCTION, SECURE_HSTS_PRELOAD="1")
    assert config["SECURE_HSTS_PRELOAD"] is True
    assert config["SILENCED_SYSTEM_CHECKS"] == []


def test_the_count_cap_comes_from_the_environment_and_must_be_positive():
    code = "import django; django.setup(); from django.conf import settings; print(settings.COUNT_EXACT_UP_TO)"
    default = run_python("-c", code, DEBUG="1")
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip() == "100"
    assert run_python("-c", code, DEBUG="1", COUNT_EXACT_UP_TO="5000").stdout.strip() == "5000"
    for bad in ("0", "-1"):
        refused = run_python("-c", code, DEBUG="1", COUNT_EXACT_UP_TO=bad)
        assert refused.returncode != 0
        assert "COUNT_EXACT_UP_TO must be at least 1" in refused.stderr
