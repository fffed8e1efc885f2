"""A small GraphQL client for the tests: ``gql(query, variables, user=...)``."""

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from graphql_relay import to_global_id
from rest_framework.authtoken.models import Token

from api_graphql.documents import parse_and_validate


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    response: Any

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.body.get("errors", [])

    @property
    def codes(self) -> list[tuple[str | None, str]]:
        """(field, code) of each top-level error."""
        return [(e.get("extensions", {}).get("field"), e.get("extensions", {}).get("code")) for e in self.errors]

    def payload(self, name: str) -> dict[str, Any]:
        """A mutation's payload; fails when the request itself had errors."""
        assert not self.errors, self.errors
        return self.data[name]


def payload_codes(payload: dict[str, Any]) -> list[tuple[str | None, str]]:
    return sorted(((e["field"], e["code"]) for e in payload["errors"]), key=lambda pair: (pair[0] or "", pair[1]))


# What the GraphQL-over-HTTP draft recommends that a client sends.
RECOMMENDED_ACCEPT = "application/graphql-response+json; charset=utf-8, application/json; charset=utf-8"


def token_for(user) -> str:
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


class GraphQLClient:
    def __init__(self) -> None:
        self.client = Client()
        self.tokens: dict[int, str] = {}

    def token(self, user) -> str:
        if user.pk not in self.tokens:
            self.tokens[user.pk] = token_for(user)
        return self.tokens[user.pk]

    def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        user=None,
        operation_name: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        if operation_name is not None:
            body["operationName"] = operation_name
        extra = {"Accept": RECOMMENDED_ACCEPT, **(headers or {})}
        if user is not None:
            extra["Authorization"] = f"Token {self.token(user)}"
        response = self.client.post("/graphql/", json.dumps(body), content_type="application/json", headers=extra)
        return Answer(response.status_code, response.json(), response)


@pytest.fixture
def gql(db) -> GraphQLClient:
    return GraphQLClient()


@pytest.fixture(autouse=True)
def _fresh_document_cache():
    # Settings changed by a test must not meet documents validated under other settings.
    parse_and_validate.cache_clear()
    yield
    parse_and_validate.cache_clear()


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)
