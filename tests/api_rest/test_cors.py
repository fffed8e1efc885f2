import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

ORIGIN = "https://shop.example"


def preflight(client, path="/api/cart/items/", origin=ORIGIN):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )


@override_settings(CORS_ALLOWED_ORIGINS=[ORIGIN])
def test_a_configured_origin_gets_preflight_and_response_headers(anon, book):
    response = preflight(anon)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "authorization" in response["Access-Control-Allow-Headers"]
    response = anon.get("/api/books/", HTTP_ORIGIN=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == ORIGIN


@override_settings(CORS_ALLOWED_ORIGINS=[ORIGIN])
def test_another_origin_gets_no_cors_headers(anon):
    response = preflight(anon, origin="https://evil.example")
    assert "Access-Control-Allow-Origin" not in response


def test_cors_is_off_by_default(anon):
    response = preflight(anon)
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Origin" not in anon.get("/api/books/", HTTP_ORIGIN=ORIGIN)


def test_cors_lets_browsers_read_the_cost_figures(client, settings, db):
    settings.CORS_ALLOWED_ORIGINS = ["https://workshop.example"]
    response = client.get("/api/books/", headers={"Origin": "https://workshop.example"})
    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"server-timing", "x-db-queries"} <= exposed
    preflight = client.options(
        "/graphql/",
        headers={
            "Origin": "https://workshop.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, authorization, x-query-optimization",
        },
    )
    assert "x-query-optimization" in preflight["Access-Control-Allow-Headers"]


def test_cors_lets_browsers_revalidate_and_read_the_cache_headers(client, settings, db):
    settings.CORS_ALLOWED_ORIGINS = ["https://workshop.example"]
    first = client.get("/api/books/", headers={"Origin": "https://workshop.example"})
    exposed = {h.strip().lower() for h in first["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "x-cache", "retry-after"} <= exposed
    assert first["X-Cache"] == "miss"
    preflight = client.options(
        "/api/books/",
        headers={
            "Origin": "https://workshop.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match, cache-control",
        },
    )
    assert {"if-none-match", "cache-control"} <= {
        h.strip().lower() for h in preflight["Access-Control-Allow-Headers"].split(",")
    }
    revalidated = client.get(
        "/api/books/", headers={"Origin": "https://workshop.example", "If-None-Match": first["ETag"]}
    )
    assert revalidated.status_code == 304
    assert revalidated["Access-Control-Allow-Origin"] == "https://workshop.example"
