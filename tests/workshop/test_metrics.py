import json

import pytest
from django.db import connection
from django.http import JsonResponse
from django.test import RequestFactory, override_settings

from catalog.optimization import query_optimization_enabled
from workshop.metrics import RequestMetricsMiddleware


def view_running(queries: int):
    def view(request):
        with connection.cursor() as cursor:
            for _ in range(queries):
                cursor.execute("SELECT 1")
        response = JsonResponse({"data": {"ok": True}, "optimized": query_optimization_enabled()})
        response["Content-Length"] = str(len(response.content))  # as CommonMiddleware does
        return response

    return view


@pytest.mark.django_db
@override_settings(REQUEST_METRICS=True)
def test_rest_responses_report_queries_and_timing_in_headers():
    middleware = RequestMetricsMiddleware(view_running(3))
    response = middleware(RequestFactory().get("/api/books/"))
    assert response["X-DB-Queries"] == "3"
    assert response["Server-Timing"].startswith("db;dur=")
    assert 'desc="3 SQL queries"' in response["Server-Timing"] and ", app;dur=" in response["Server-Timing"]
    assert "extensions" not in json.loads(response.content)


@pytest.mark.django_db
@override_settings(REQUEST_METRICS=True)
def test_graphql_responses_carry_the_figures_in_extensions():
    middleware = RequestMetricsMiddleware(view_running(2))
    response = middleware(RequestFactory().post("/graphql/", "{}", content_type="application/json"))
    metrics = json.loads(response.content)["extensions"]["metrics"]
    assert metrics["dbQueries"] == 2
    assert metrics["serverTimeMs"] >= metrics["dbTimeMs"] >= 0
    assert metrics["queryOptimization"] is True
    assert int(response["Content-Length"]) == len(response.content)


@pytest.mark.django_db
@override_settings(REQUEST_METRICS=True)
def test_the_optimisation_header_turns_optimisation_off_for_that_request_only():
    middleware = RequestMetricsMiddleware(view_running(0))
    off = middleware(RequestFactory().get("/api/books/", headers={"X-Query-Optimization": "off"}))
    assert json.loads(off.content)["optimized"] is False
    assert off["X-Query-Optimization"] == "off"
    on = middleware(RequestFactory().get("/api/books/"))
    assert json.loads(on.content)["optimized"] is True
    assert query_optimization_enabled() is True


@pytest.mark.django_db
@override_settings(REQUEST_METRICS=True)
def test_pages_outside_the_apis_are_not_metered():
    response = RequestMetricsMiddleware(view_running(1))(RequestFactory().get("/"))
    assert not response.has_header("X-DB-Queries")


@override_settings(REQUEST_METRICS=False)
def test_metrics_off_removes_the_middleware():
    from django.core.exceptions import MiddlewareNotUsed

    with pytest.raises(MiddlewareNotUsed):
        RequestMetricsMiddleware(view_running(0))


@pytest.mark.django_db
@override_settings(REQUEST_METRICS=True)
def test_savepoints_are_not_counted_as_queries():
    from django.db import transaction

    def view(request):
        with transaction.atomic(), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({})

    response = RequestMetricsMiddleware(view)(RequestFactory().get("/api/x/"))
    assert response["X-DB-Queries"] == "1"


DATABASE_CACHE = {"default": {"BACKEND": "config.cache.AtomicDatabaseCache", "LOCATION": "catalog_cache"}}


def view_using_the_cache(request):
    from django.core.cache import cache

    cache.set("metered", 1)
    cache.incr("metered")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"data": {"ok": True}})


@pytest.mark.django_db
@override_settings(REQUEST_METRICS=True, CACHES=DATABASE_CACHE)
def test_a_database_cache_is_counted_apart_from_the_requests_own_queries():
    middleware = RequestMetricsMiddleware(view_using_the_cache)
    response = middleware(RequestFactory().get("/api/books/"))
    assert response["X-DB-Queries"] == "1"
    assert int(response["X-DB-Cache-Queries"]) >= 2
    assert (
        "dbcache;dur=" in response["Server-Timing"] and "SQL queries of the database cache" in response["Server-Timing"]
    )
    graphql = middleware(RequestFactory().post("/graphql/", "{}", content_type="application/json"))
    metrics = json.loads(graphql.content)["extensions"]["metrics"]
    assert metrics["dbQueries"] == 1 and metrics["dbCacheQueries"] >= 2


@pytest.mark.django_db
@override_settings(REQUEST_METRICS=True)
def test_a_cache_outside_the_database_adds_no_cache_figures():
    response = RequestMetricsMiddleware(view_using_the_cache)(RequestFactory().get("/api/books/"))
    assert response["X-DB-Queries"] == "1"
    assert not response.has_header("X-DB-Cache-Queries")
    assert "dbcache" not in response["Server-Timing"]
