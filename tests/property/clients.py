"""Both APIs, called as a client would, each call rolled back so that both see the same data."""

import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.parity.clients import snake

SERVER_CODES = {"server_error", "service_unavailable"}


@dataclass
class Answer:
    status: int
    errors: list[tuple[str | None, str]]


def _client(user) -> Client:
    client = Client()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def _rolled_back(call):
    with transaction.atomic():
        response = call()
        transaction.set_rollback(True)
    return response


def _sorted(pairs) -> list[tuple[str | None, str]]:
    return sorted(pairs, key=lambda pair: (pair[0] or "", pair[1]))


def rest(method: str, path: str, *, user=None, query: dict | None = None, body: Any = None) -> Answer:
    client = _client(user)

    def call():
        if method == "GET":
            return client.get(path, query or {})
        return client.generic(method, path, json.dumps(body), content_type="application/json")

    response = _rolled_back(call)
    assert response.status_code < 500, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    if response.status_code == 204:
        return Answer(204, [])
    payload = response.json()
    errors = payload.get("errors", []) if response.status_code >= 400 else []
    codes = [e["code"] for e in errors]
    assert not SERVER_CODES & set(codes), payload
    return Answer(response.status_code, _sorted((e["field"], e["code"]) for e in errors))


def graphql(query: str, variables: dict | None = None, *, user=None, payload: str | None = None) -> Answer:
    """A GraphQL request; ``payload`` names a mutation whose payload errors are the answer's."""
    client = _client(user)
    body = json.dumps({"query": query, "variables": variables or {}})
    response = _rolled_back(lambda: client.post("/graphql/", body, content_type="application/json"))
    assert response.status_code < 500, (response.status_code, response.content[:500])
    result = response.json()
    top = result.get("errors", [])
    codes = [(e.get("extensions") or {}).get("code") for e in top]
    assert all(codes), result
    assert not SERVER_CODES & set(codes), result
    if top:
        return Answer(
            response.status_code, _sorted((snake(e["extensions"].get("field")), e["extensions"]["code"]) for e in top)
        )
    if payload is not None:
        data = result["data"][payload]
        assert not SERVER_CODES & {e["code"] for e in data["errors"]}, data
        return Answer(response.status_code, _sorted((snake(e["field"]), e["code"]) for e in data["errors"]))
    return Answer(response.status_code, [])
