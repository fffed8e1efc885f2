"""Sign-in attempts are limited per account and per address on every path, both styles alike."""

import json

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def carol(django_user_model):
    return django_user_model.objects.create_user("carol", password=PASSWORD, is_staff=True)


def limits(account="5/minute", address=None):
    return override_settings(THROTTLE_RATES={"anon": None, "user": None, "login": account, "login_address": address})


def rest_login(username, password, client=None, **headers):
    client = client or Client()
    return client.post(
        "/api/auth/token/", {"username": username, "password": password}, content_type="application/json", **headers
    )


def graphql_login(username, password, aliases=1, **headers):
    fields = " ".join(
        f'a{i}: tokenCreate(username: "{username}", password: "{password}") {{ token errors {{ code }} }}'
        for i in range(aliases)
    )
    return Client().post(
        "/graphql/", json.dumps({"query": f"mutation {{ {fields} }}"}), content_type="application/json", **headers
    )


def assert_refused(response):
    assert response.status_code == 429, response.content
    error = response.json()["errors"][0]
    assert (error.get("code") or error["extensions"]["code"]) == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_ten_wrong_passwords_over_both_styles_and_aliases_lock_the_account_for_the_window(carol):
    with limits("5/minute"):
        assert rest_login("carol", "wrong-1").status_code == 400
        answer = graphql_login("carol", "wrong-2", aliases=3)
        assert answer.status_code == 200
        assert [a["errors"][0]["code"] for a in answer.json()["data"].values()] == ["invalid_credentials"] * 3
        assert rest_login("carol", "wrong-3").status_code == 400
        # The sixth attempt is over the budget, whatever path or alias it comes by.
        assert_refused(graphql_login("carol", "wrong-4", aliases=2))
        assert_refused(rest_login("carol", "wrong-5"))
        # Locked for the window: even the right password is not tried.
        assert_refused(rest_login("carol", PASSWORD))
        assert_refused(graphql_login("carol", PASSWORD))


def test_the_account_is_one_whatever_the_case_or_blanks(carol):
    with limits("2/minute"):
        rest_login("carol", "x")
        rest_login("CAROL ", "x")
        assert_refused(rest_login("Carol", PASSWORD))


def test_other_accounts_are_not_locked_by_someone_elses_failures(carol, alice):
    with limits("2/minute"):
        rest_login("carol", "x")
        rest_login("carol", "x")
        assert_refused(rest_login("carol", PASSWORD))
        alice.set_password(PASSWORD)
        alice.save()
        assert rest_login("alice", PASSWORD).status_code == 200


def test_one_address_guessing_many_accounts_is_limited_too(carol):
    with limits("100/minute", address="4/minute"):
        for name in ("u1", "u2", "u3", "u4"):
            assert rest_login(name, "x").status_code == 400
        assert_refused(graphql_login("u5", "x"))
        # Another address (behind the trusted proxy) still signs in.
        with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
            assert rest_login("carol", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 200


def test_the_admin_login_form_is_limited_by_the_same_budget(carol):
    with limits("2/minute"):
        rest_login("carol", "x")
        graphql_login("carol", "x")
        response = Client().post("/admin/login/", {"username": "carol", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert "Too many attempts" in response.content.decode()
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_browsable_api_login_form_is_limited_by_the_same_budget(carol):
    with limits("1/minute"):
        rest_login("carol", "x")
        client = Client()
        page = client.get("/api/auth/login/")
        response = client.post(
            "/api/auth/login/",
            {"username": "carol", "password": PASSWORD, "csrfmiddlewaretoken": page.cookies["csrftoken"].value},
        )
    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "throttled"


def test_a_correct_password_within_the_budget_signs_in(carol):
    with limits("5/minute"):
        rest_login("carol", "x")
        assert rest_login("carol", PASSWORD).json()["token"]
        assert graphql_login("carol", PASSWORD).json()["data"]["a0"]["token"]
