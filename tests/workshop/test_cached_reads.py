"""The caching lesson: one catalog read cold, warm and revalidated, REST and GraphQL (POST, GET, persisted GET)."""

import pytest

from catalog.models import Book
from workshop.registry import load_scenarios, parse_scenarios
from workshop.runner import HttpTransport, InProcessTransport, Runner, ScenarioFailed, error_codes

pytestmark = pytest.mark.django_db

SLUG = "cached-reads"


def run_in_process(scenario=None):
    with InProcessTransport() as transport:
        return Runner(transport).run(scenario or load_scenarios()[SLUG])


def steps(run, style):
    """Each exchange as (step, method, status, X-Cache, SQL queries, body bytes, error codes)."""
    return [
        (e.step, e.method, e.status, e.cache, e.sql_queries, e.response_bytes, sorted(error_codes(e.response_body)))
        for e in run.runs[style].exchanges
    ]


def test_rest_cold_warm_and_revalidated(demo):
    run = run_in_process()
    cold, warm, revalidated = run.runs["rest"].exchanges
    assert (cold.status, cold.cache, warm.status, warm.cache) == (200, "miss", 200, "hit")
    # Cold runs the query (version, count, page, authors); a hit or a 304 costs the catalog version alone.
    assert (cold.sql_queries, warm.sql_queries, revalidated.sql_queries) == (4, 1, 1)
    assert warm.response_body == cold.response_body and warm.response_bytes == cold.response_bytes > 5000
    assert (revalidated.status, revalidated.cache, revalidated.response_bytes) == (304, "revalidated", 0)
    assert revalidated.response_body is None
    assert revalidated.request_headers["If-None-Match"] == cold.response_headers["etag"]
    # The warm step leaves the runner's `Cache-Control: no-cache` out; the others send it.
    assert [e.request_headers.get("Cache-Control") for e in (cold, warm, revalidated)] == ["no-cache", None, "no-cache"]
    assert cold.response_headers["cache-control"].startswith("public, max-age=")


def test_graphql_by_get_by_post_and_by_persisted_get(demo):
    run = run_in_process()
    page = run.runs["graphql"].exchanges[0].response_bytes
    assert steps(run, "graphql") == [
        ("get_cold", "GET", 200, "miss", 4, page, []),
        ("get_warm", "GET", 200, "hit", 1, page, []),
        ("get_revalidated", "GET", 304, "revalidated", 1, 0, []),
        ("post_cold", "POST", 200, "miss", 4, page, []),
        ("post_warm", "POST", 200, "hit", 1, page, []),
        # A POST gets the whole body again, even with the valid ETag the GET was given.
        ("post_revalidated", "POST", 200, "hit", 1, page, []),
        # The hash alone is unknown: the client sends the document once, with its hash.
        ("persisted_cold", "GET", 400, None, 0, 99, ["PERSISTED_QUERY_NOT_FOUND"]),
        ("persisted_cold", "POST", 200, "miss", 4, page, []),
        ("persisted_warm", "GET", 200, "hit", 1, page, []),
        ("persisted_revalidated", "GET", 304, "revalidated", 1, 0, []),
    ]
    exchanges = run.runs["graphql"].exchanges
    assert [("etag" in e.response_headers) for e in exchanges] == [
        True, True, True, False, False, False, False, False, True, True,
    ]  # fmt: skip
    assert exchanges[5].request_headers["If-None-Match"] == exchanges[0].response_headers["etag"]
    # The persisted GETs carry the hash and no document; the retry carries both.
    hash_only = [e for e in exchanges if e.step.startswith("persisted") and e.method == "GET"]
    assert all("extensions=" in e.path and "query=" not in e.path for e in hash_only)
    assert len({e.path for e in hash_only}) == 1
    assert '"query"' in exchanges[7].request_body and '"sha256Hash"' in exchanges[7].request_body
    assert "query=" in exchanges[0].path and exchanges[0].request_bytes > hash_only[0].request_bytes


def test_both_styles_read_the_same_page_and_the_data_is_left_alone(demo):
    stock = sorted(Book.objects.values_list("id", "stock"))
    run = run_in_process()
    assert run.equal, (run.runs["rest"].result, run.runs["graphql"].result)
    result = run.runs["rest"].result
    assert result["count"] == Book.objects.count() and len(result["cold"]) == 20
    assert result["warm"] == result["cold"]
    assert sorted(Book.objects.values_list("id", "stock")) == stock


def test_every_run_starts_cold_and_unknown_to_the_server(demo):
    first, second = run_in_process(), run_in_process()
    for run in (first, second):
        assert [e.cache for e in run.runs["rest"].exchanges] == ["miss", "hit", "revalidated"]
        assert sorted(error_codes(run.runs["graphql"].exchanges[6].response_body)) == ["PERSISTED_QUERY_NOT_FOUND"]
    # Each run's persisted document is its own (a comment marks it), so each meets PERSISTED_QUERY_NOT_FOUND.
    assert first.runs["graphql"].exchanges[6].path != second.runs["graphql"].exchanges[6].path


def test_a_write_between_two_runs_changes_the_etag(demo):
    first = run_in_process()
    Book.objects.order_by("pk").first().save()  # any write bumps the catalog version
    second = run_in_process()
    assert (
        first.runs["rest"].exchanges[0].response_headers["etag"]
        != second.runs["rest"].exchanges[0].response_headers["etag"]
    )


def story(run):
    """What a reader of the step tables notices, the same whichever transport carried the requests."""
    return {
        style: [
            (e.step, e.method, e.status, e.cache, e.sql_queries, e.response_bytes == 0, "etag" in e.response_headers)
            for e in run.runs[style].exchanges
        ]
        for style in ("rest", "graphql")
    }


def test_the_base_url_transport_tells_the_same_story(demo, metered_live_server):
    in_process = run_in_process()
    with HttpTransport(metered_live_server.url) as transport:
        over_http = Runner(transport).run(load_scenarios()[SLUG])
    assert story(over_http) == story(in_process)
    assert over_http.equal and over_http.runs["rest"].result == in_process.runs["rest"].result
    assert [e.response_bytes for e in over_http.runs["graphql"].exchanges] == [
        e.response_bytes for e in in_process.runs["graphql"].exchanges
    ]


RUNTIME = {
    "slug": "etag-from-a-post",
    "rest": [{"path": "/api/books/?page_size=1"}],
    "graphql": [
        {"name": "post", "query": "{ books(first: 1) { totalCount } }", "save_headers": {"etag": "ETag"}},
        {"name": "again", "query": "{ books(first: 1) { totalCount } }", "headers": {"If-None-Match": "${etag}"}},
    ],
    "result": {
        "rest": {"step": "step1", "path": "count"},
        "graphql": {"step": "again", "path": "data.books.totalCount"},
    },
}


def test_a_header_the_response_did_not_carry_is_a_clear_failure(demo):
    scenario = parse_scenarios({"scenarios": [RUNTIME]})["etag-from-a-post"]
    with pytest.raises(ScenarioFailed, match=r"\$\{etag\}: step post answered POST 200 with no ETag header"):
        run_in_process(scenario)


def test_a_persisted_post_sends_the_hash_alone_first(demo):
    graphql = [{"name": "hashed", "query": "{ books(first: 1) { totalCount } }", "persisted": True}]
    raw = dict(
        RUNTIME,
        graphql=graphql,
        result=dict(RUNTIME["result"], graphql={"step": "hashed", "path": "data.books.totalCount"}),
    )
    run = run_in_process(parse_scenarios({"scenarios": [raw]})["etag-from-a-post"])
    first, retry = run.runs["graphql"].exchanges
    assert '"query"' not in first.request_body and '"sha256Hash"' in first.request_body
    assert '"query"' in retry.request_body and retry.status == 200
    assert run.equal


def test_an_allow_list_server_is_a_clear_failure(demo, settings):
    settings.GRAPHQL_PERSISTED_ONLY = True
    with pytest.raises(ScenarioFailed, match="runs only the documents of its manifest"):
        run_in_process()


def test_a_server_that_keeps_no_reads_is_a_clear_failure(demo, settings):
    settings.READ_CACHE = False
    with pytest.raises(ScenarioFailed, match=r"\$\{etag\}: step cold answered GET 200 with no ETag header"):
        run_in_process()


def test_on_the_database_cache_a_hit_still_costs_one_query_of_its_own(demo, settings):
    settings.CACHES = {"default": {"BACKEND": "config.cache.AtomicDatabaseCache", "LOCATION": "catalog_cache"}}
    run = run_in_process()
    assert [(e.cache, e.sql_queries) for e in run.runs["rest"].exchanges] == [
        ("miss", 4),
        ("hit", 1),
        ("revalidated", 1),
    ]
    # The cache's own statements are reported beside them: storing the answer; the hit comes from
    # the answers this process served last, and a 304 asks the cache nothing (the suite counts no budgets).
    assert [e.cache_sql_queries > 0 for e in run.runs["rest"].exchanges] == [True, False, False]
