"""Authentication is REST's: token or session (with CSRF), by DRF's own classes."""

import json

import pytest
from django.test import Client

from catalog.models import Book

pytestmark = pytest.mark.django_db

ME = json.dumps({"query": "{ me { username } }"})
CREATE = json.dumps({"query": 'mutation { authorCreate(name: "X") { author { name } errors { code } } }'})


def post(client, body=ME, **headers):
    return client.post("/graphql/", body, content_type="application/json", headers=headers)


def test_token_header_signs_in(gql, alice):
    assert gql("{ me { username } }", user=alice).data == {"me": {"username": "alice"}}


@pytest.mark.parametrize("header", ["Token not-a-real-token", "Token", "Token a b"])
def test_a_bad_token_is_a_401_with_a_json_error(alice, header):
    response = post(Client(), Authorization=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["errors"][0]["extensions"] == {"code": "not_authenticated"}
    assert "data" not in body


def test_other_authorization_schemes_are_anonymous(db):
    response = post(Client(), Authorization="Bearer abc")
    assert response.status_code == 200
    assert response.json()["data"] == {"me": None}


def test_session_users_need_the_csrf_token_on_post(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    refused = post(client)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "permission_denied"
    assert "CSRF" in refused.json()["errors"][0]["message"]

    page = client.get("/graphql/", headers={"Accept": "text/html"})
    token = page.cookies["csrftoken"].value
    allowed = post(client, **{"X-CSRFToken": token})
    assert allowed.status_code == 200
    assert allowed.json()["data"] == {"me": {"username": "alice"}}


def test_session_users_get_queries_without_csrf(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.get("/graphql/", {"query": "{ me { username } }"})
    assert response.json()["data"] == {"me": {"username": "alice"}}


def test_token_clients_need_no_csrf(gql, staff):
    client = Client(enforce_csrf_checks=True)
    token = gql.token(staff)
    response = post(client, CREATE, Authorization=f"Token {token}")
    assert response.status_code == 200
    assert response.json()["data"]["authorCreate"] == {"author": {"name": "X"}, "errors": []}


def test_staff_session_writes_with_csrf(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    token = client.get("/graphql/", headers={"Accept": "text/html"}).cookies["csrftoken"].value
    response = post(client, CREATE, **{"X-CSRFToken": token})
    assert response.json()["data"]["authorCreate"]["errors"] == []


def test_anonymous_and_non_staff_cannot_write_the_catalog(gql, alice):
    document = 'mutation { bookCreate(title: "T", isbn: "9780306406157", price: "1") { errors { code } } }'
    assert gql(document).data["bookCreate"]["errors"] == [{"code": "not_authenticated"}]
    assert gql(document, user=alice).data["bookCreate"]["errors"] == [{"code": "permission_denied"}]
    assert not Book.objects.exists()


def test_inactive_token_users_are_refused(gql, alice):
    token = gql.token(alice)
    alice.is_active = False
    alice.save()
    response = post(Client(), Authorization=f"Token {token}")
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "not_authenticated"
