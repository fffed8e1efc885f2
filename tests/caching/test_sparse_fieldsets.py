"""A sparse read (``?fields=``) and a full one are different answers to the read cache and to ETags."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("first", ["sparse", "full"])
def test_a_stored_sparse_answer_never_answers_a_full_read_nor_the_other_way(shelf, first):
    client = Client()
    path = f"/api/books/{shelf['hobbit'].id}/"
    paths = {"sparse": f"{path}?fields=title", "full": path}
    second = "full" if first == "sparse" else "sparse"
    answers = {name: client.get(paths[name]) for name in (first, second)}
    assert [answers[first]["X-Cache"], answers[second]["X-Cache"]] == ["miss", "miss"]
    assert answers["sparse"].json() == {"title": "The Hobbit"}
    assert len(answers["full"].json()) == 11
    for name in ("sparse", "full"):
        again = client.get(paths[name])
        assert again["X-Cache"] == "hit"
        assert again.content == answers[name].content


def test_a_sparse_and_a_full_list_have_their_own_etags(shelf):
    client = Client()
    sparse = client.get("/api/books/?fields=id")
    full = client.get("/api/books/")
    assert sparse["ETag"] != full["ETag"]
    # A client holding the sparse list's tag gets the full list, not a 304.
    response = client.get("/api/books/", HTTP_IF_NONE_MATCH=sparse["ETag"])
    assert response.status_code == 200
    assert response.content == full.content
    assert client.get("/api/books/?fields=id", HTTP_IF_NONE_MATCH=sparse["ETag"]).status_code == 304


def test_a_refused_fields_is_never_stored(shelf):
    client = Client()
    assert client.get("/api/books/?fields=nope").status_code == 400
    response = client.get("/api/books/?fields=nope")
    assert response.status_code == 400
    assert "X-Cache" not in response
    assert response.json()["errors"][0]["code"] == "invalid_fields"
