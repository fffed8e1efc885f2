from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError


def test_healthz_is_ok_without_touching_the_database(client):
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=OperationalError):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ok_with_database_and_migrations(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_is_down(client):
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=OperationalError("boom")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body == {"status": "unavailable", "checks": {"database": "unavailable", "migrations": "unknown"}}
    assert "boom" not in response.content.decode()


@pytest.mark.django_db
def test_readyz_is_503_with_pending_migrations(client):
    with mock.patch("config.health.MigrationExecutor.migration_plan", return_value=[("catalog", "0002")]):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "1 pending"


def test_health_endpoints_only_answer_get(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET"


@pytest.mark.django_db
def test_readyz_is_503_json_when_the_connection_was_closed_under_it(client):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=InterfaceError("connection already closed"),
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "unavailable", "migrations": "unknown"}
