import json

import pytest

pytestmark = pytest.mark.django_db


def run(client, body):
    return client.post(
        "/compare/run/", json.dumps(body) if not isinstance(body, str) else body, content_type="application/json"
    )


def test_page_lists_scenarios_with_both_styles(client, workshop_mode):
    response = client.get("/compare/?scenario=checkout")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="scenario"') >= 7
    assert "POST /api/cart/checkout/" in html and "mutation Checkout" in html
    assert 'href="/graphql/?query=' in html
    assert 'href="/api/books/?page_size=20"' in html


def test_run_answers_figures_and_links(client, workshop_mode, demo):
    response = run(client, {"scenario": "search-second-page", "optimize": True})
    assert response.status_code == 200
    data = response.json()
    assert data["equal"] is True and data["difference"] is None
    rest, graphql = data["styles"]["rest"], data["styles"]["graphql"]
    assert rest["exchanges"][0]["browsable"].startswith("/api/books/?search=the")
    assert graphql["exchanges"][1]["graphiql"].startswith("/graphql/?query=")
    assert "variables=" in graphql["exchanges"][1]["graphiql"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("{not json", 400, "parse_error"),
        ("[" * 50_000, 400, "parse_error"),
        ([1, 2], 400, "invalid"),
        ({"scenario": "nope"}, 404, "not_found"),
        ({"scenario": "books-first-page", "optimize": "yes"}, 400, "invalid"),
    ],
)
def test_run_rejects_bad_input_with_codes(client, workshop_mode, body, status, code):
    response = run(client, body)
    assert response.status_code == status
    assert response.json()["errors"][0]["code"] == code


def test_run_without_demo_users_says_what_to_do(client, workshop_mode):
    response = run(client, {"scenario": "checkout"})
    assert response.status_code == 409
    assert "seed_demo" in response.json()["errors"][0]["message"]


def test_compare_is_off_outside_workshop_mode(client, settings):
    settings.WORKSHOP_MODE = False
    for response in (client.get("/compare/"), run(client, {"scenario": "books-first-page"})):
        assert response.status_code == 404
        assert b"Not Found" in response.content


def test_run_needs_post(client, workshop_mode):
    response = client.get("/compare/run/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_the_cache_lesson_shows_each_steps_headers_once_per_document(client, workshop_mode):
    html = client.get("/compare/?scenario=cached-reads").content.decode()
    start = html.index('id="scenario-cached-reads"')
    article = html[start : html.index("</article>", start)]
    assert article.count("query CatalogPage") == 1
    assert article.count("The same document as the step above.") == 8
    assert "If-None-Match: ${etag}" in article and "saves the ETag header as ${etag}" in article
    assert "without the default Cache-Control" in article
    assert "persisted: the hash alone first" in article


def test_the_cache_lesson_runs_with_what_the_server_did(client, workshop_mode, demo):
    response = run(client, {"scenario": "cached-reads"})
    assert response.status_code == 200
    data = response.json()
    assert data["equal"] is True
    rest = data["styles"]["rest"]["exchanges"]
    assert [(e["facts"]["status"], e["facts"]["cache"], e["response_bytes"]) for e in rest][2] == (
        "304",
        "revalidated",
        0,
    )
    assert rest[0]["facts"]["etag"] and rest[0]["facts"]["cache_control"].startswith("public")
    graphql = data["styles"]["graphql"]["exchanges"]
    assert graphql[6]["facts"]["status"] == "400 PERSISTED_QUERY_NOT_FOUND"
    # GraphiQL opens every request that carries its document, by GET or POST; a hash alone has none to open.
    links = [e["graphiql"] is not None for e in graphql]
    assert links == [True, True, True, True, True, True, False, True, False, False]
    assert graphql[0]["graphiql"].startswith("/graphql/?query=query+CatalogPage")


def test_the_error_lesson_shows_the_raw_body_the_refused_documents_and_the_accept(client, workshop_mode):
    html = client.get("/compare/?scenario=error-semantics").content.decode()
    start = html.index('id="scenario-error-semantics"')
    article = html[start : html.index("</article>", start)]
    assert "{&quot;book_id&quot;: 1, &quot;quantity&quot;: }" in article
    assert article.count("a document the server refuses") == 3
    assert "Accept: application/json" in article


def test_the_deprecation_lesson_runs_with_its_header_columns(client, workshop_mode, demo):
    data = run(client, {"scenario": "deprecation"}).json()
    assert data["equal"] is True
    rest = [e["facts"]["shown"] for e in data["styles"]["rest"]["exchanges"]]
    assert [shown["Deprecation"] for shown in rest] == ["-", "@1796083200", "-"]
    assert rest[1]["Sunset"] == "Tue, 01 Jun 2027 00:00:00 GMT"
    graphql = [e["facts"]["shown"] for e in data["styles"]["graphql"]["exchanges"]]
    assert graphql == [{"Deprecation": "-", "Sunset": "-", "Link": "-"}] * 2
