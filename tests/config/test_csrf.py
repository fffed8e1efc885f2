import json

import pytest
from django.test import Client


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


@pytest.mark.django_db
def test_csrf_failure_on_a_json_endpoint_is_json(strict_client, settings):
    settings.WORKSHOP_MODE = True
    response = strict_client.post(
        "/compare/run/", json.dumps({"scenario": "checkout"}), content_type="application/json"
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == (None, "permission_denied")
    assert "CSRF" in error["message"]


@pytest.mark.django_db
def test_csrf_failure_on_a_web_form_keeps_the_html_page(strict_client):
    response = strict_client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
