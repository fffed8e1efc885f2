"""The same document is parsed and validated once, and again only when the rules change."""

import pytest
from django.test import override_settings

import api_graphql.documents

pytestmark = pytest.mark.django_db

QUERY = "{ books(first: 2) { edges { node { title } } } }"


@pytest.fixture
def counted(monkeypatch):
    calls = {"parse": 0, "validate": 0}
    parse, validate = api_graphql.documents.parse, api_graphql.documents.validate

    def counting_parse(*args, **kwargs):
        calls["parse"] += 1
        return parse(*args, **kwargs)

    def counting_validate(*args, **kwargs):
        calls["validate"] += 1
        return validate(*args, **kwargs)

    monkeypatch.setattr(api_graphql.documents, "parse", counting_parse)
    monkeypatch.setattr(api_graphql.documents, "validate", counting_validate)
    return calls


def test_a_document_is_parsed_and_validated_once(gql, counted, book):
    for _ in range(3):
        assert gql(QUERY).data["books"]["edges"] == [{"node": {"title": "The Dispossessed"}}]
    assert counted == {"parse": 1, "validate": 1}
    gql(QUERY + " ")
    assert counted == {"parse": 2, "validate": 2}


def test_invalid_documents_are_cached_too(gql, counted):
    for _ in range(2):
        assert gql("{ nope }").status == 400
    assert counted == {"parse": 1, "validate": 1}


def test_changing_a_limit_validates_again(gql, counted):
    assert gql(QUERY).status == 200
    with override_settings(GRAPHQL_MAX_DEPTH=2):
        assert gql(QUERY).status == 400
    assert gql(QUERY).status == 200
    # Parsed again under the new limit, and refused by it before graphql-core's rules ran.
    assert counted == {"parse": 2, "validate": 1}
