import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from tests.api_rest.helpers import codes

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def rates(anon: str | None, user: str | None):
    rest = dict(settings.REST_FRAMEWORK, DEFAULT_THROTTLE_RATES={"anon": anon, "user": user})
    return override_settings(REST_FRAMEWORK=rest)


def test_anonymous_clients_over_their_rate_get_429_with_retry_after(anon, alice_api):
    with rates("3/minute", "100/minute"):
        for _ in range(3):
            assert anon.get("/api/books/").status_code == 200
        response = anon.get("/api/authors/")
        assert response.status_code == 429
        assert codes(response) == [(None, "throttled")]
        assert 1 <= int(response["Retry-After"]) <= 60
        # Signed-in users are counted on their own.
        assert alice_api.get("/api/books/").status_code == 200


def test_each_user_has_their_own_count(alice_api, bob_api):
    with rates("100/minute", "2/minute"):
        assert alice_api.get("/api/cart/").status_code == 200
        assert alice_api.get("/api/books/").status_code == 200
        response = alice_api.get("/api/cart/")
        assert response.status_code == 429
        assert codes(response) == [(None, "throttled")]
        assert bob_api.get("/api/cart/").status_code == 200


def test_a_rate_of_none_turns_throttling_off(anon):
    with rates(None, None):
        for _ in range(30):
            assert anon.get("/api/authors/").status_code == 200


def test_rates_come_from_the_environment_with_generous_defaults():
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']))"
    )

    def configured(**env):
        clean = {k: v for k, v in os.environ.items() if not k.startswith("THROTTLE_")}
        clean.update(env, DJANGO_SETTINGS_MODULE="config.settings.test")
        result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=clean, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    assert configured() == {"anon": "20000/minute", "user": "40000/minute"}
    assert configured(THROTTLE_ANON_RATE="50/minute", THROTTLE_USER_RATE="off") == {"anon": "50/minute", "user": None}
