"""DB_POOLER=pgbouncer: nothing that would outlive a transaction in PgBouncer's transaction mode."""

import json

from tests.config.test_settings import run_settings

PG = {"SECRET_KEY": "x" * 50, "DATABASE_URL": "postgres://u:p@127.0.0.1:6432/shop", "ALLOWED_HOSTS": "shop.example"}


def settings_with(**env):
    result = run_settings(**PG, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_through_pgbouncer_no_kept_connections_no_startup_options():
    config = settings_with(DB_POOLER="pgbouncer")
    assert config["conn_max_age"] == 0
    assert "options" not in config["options"]  # PgBouncer refuses the startup parameter
    assert config["options"]["connect_timeout"] == 2
    assert config["cursors_off"] is True


def test_directly_connections_are_kept_and_server_side_cursors_allowed():
    config = settings_with()
    assert config["conn_max_age"] == 60
    assert config["cursors_off"] is False


def test_each_part_can_still_be_set_on_its_own():
    config = settings_with(DB_POOLER="pgbouncer", CONN_MAX_AGE="30", DB_DISABLE_SERVER_SIDE_CURSORS="0")
    assert config["conn_max_age"] == 30 and config["cursors_off"] is False


def test_an_unknown_pooler_is_refused_at_start():
    result = run_settings(**PG, DB_POOLER="pgpool")
    assert result.returncode != 0
    assert "DB_POOLER must be empty or 'pgbouncer'" in result.stderr
