import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.WORKSHOP_MODE = True
    settings.REQUEST_METRICS = True
    call_command("seed_demo", verbosity=0)


def run_lesson(page, slug: str):
    """Open a scenario's card, run it, and return the card once its results agree."""
    page.goto(f"/compare/?scenario={slug}")
    article = page.locator(f"#scenario-{slug}")
    article.locator(".run").click()
    article.locator(".results:not([hidden])").wait_for(timeout=30000)
    assert article.locator(".verdict").inner_text().startswith("The normalised results are equal.")
    return article


def test_compare_page_runs_a_scenario_and_shows_figures(page, demo):
    page.goto("/compare/")
    page.click("text=One book, its authors, and each author's other books")
    article = page.locator("#scenario-book-with-authors-books")
    assert article.is_visible()
    article.locator(".run").click()
    article.locator(".results:not([hidden])").wait_for(timeout=20000)
    assert article.locator(".verdict").inner_text().startswith("The normalised results are equal.")
    trips = article.locator("tr[data-metric=round_trips]")
    assert trips.locator("td.rest").inner_text() == "3"
    assert trips.locator("td.graphql").inner_text() == "1"
    assert article.locator(".bar.rest").count() == 8
    assert article.locator(".exchanges.rest details").count() == 3
    assert article.locator(".exchanges.graphql .media-type").all_inner_texts() == ["application/graphql-response+json"]
    assert set(article.locator(".exchanges.rest .media-type").all_inner_texts()) == {"application/json"}
    assert page.blocked_requests == []
    assert page.js_errors == []


def test_the_n_plus_one_switch_shows_more_queries(page, demo):
    page.goto("/compare/?scenario=books-first-page")
    article = page.locator("#scenario-books-first-page")

    def queries() -> int:
        article.locator(".run").click()
        article.locator(".status", has_text="Done.").wait_for(timeout=20000)
        return int(article.locator("tr[data-metric=sql_queries] td.rest").inner_text())

    optimised = queries()  # count, page, authors of the page
    article.locator(".no-optimize").check()
    assert queries() == optimised - 1 + 20  # count, page, then the authors of each of the 20 books


def test_the_cache_lesson_shows_what_the_server_did_at_each_step(page, demo):
    article = run_lesson(page, "cached-reads")
    rest = article.locator(".exchanges.rest")
    assert rest.locator(".x-cache").all_inner_texts() == ["miss", "hit", "revalidated"]
    graphql = article.locator(".exchanges.graphql")
    assert graphql.locator(".x-cache").all_inner_texts() == [
        "miss", "hit", "revalidated", "miss", "hit", "hit", "miss", "hit", "revalidated",
    ]  # fmt: skip
    assert graphql.locator("details").count() == 10
    assert "400 PERSISTED_QUERY_NOT_FOUND" in graphql.locator(".request").nth(6).inner_text()
    assert graphql.locator(".request").nth(8).inner_text() == "GET /graphql/ (hash only) → 200"
    # A revalidation: one SQL query (the catalog version) and an empty body, as the headers say.
    revalidated = rest.locator("details").nth(2)
    assert revalidated.locator(".request").inner_text().endswith("→ 304")
    assert revalidated.locator(".cost").inner_text().startswith("1 SQL · 0 B")
    revalidated.locator("summary").click()
    shown = revalidated.locator(".body").inner_text()
    assert "If-None-Match: W/" in shown and "x-cache: revalidated" in shown and "(empty body)" in shown
    assert page.blocked_requests == []
    assert page.js_errors == []


def test_the_error_lesson_shows_each_status_and_media_type(page, demo):
    article = run_lesson(page, "error-semantics")
    rest = article.locator(".exchanges.rest .request").all_inner_texts()
    assert [text.split(" → ")[1] for text in rest] == [
        "400 parse_error", "400 invalid", "400 invalid", "404 not_found", "400 invalid_quantity",
    ]  # fmt: skip
    graphql = article.locator(".exchanges.graphql")
    assert [text.split(" → ")[1] for text in graphql.locator(".request").all_inner_texts()] == [
        "400 parse_error", "200 parse_error", "400 invalid", "200 invalid", "200 not_found", "200",
    ]  # fmt: skip
    assert graphql.locator(".media-type").all_inner_texts()[:2] == [
        "application/graphql-response+json",
        "application/json",
    ]
    assert graphql.locator(".sends").nth(1).inner_text() == "sends Accept: application/json, no-cache"
    assert page.blocked_requests == []
    assert page.js_errors == []


def test_the_deprecation_lesson_shows_the_headers_where_rest_sends_them(page, demo):
    article = run_lesson(page, "deprecation")
    rest = article.locator(".exchanges.rest details")
    assert rest.nth(0).locator(".shown-header").count() == 0
    cart = rest.nth(1)
    assert cart.locator(".shown-header").all_inner_texts()[:2] == [
        "Deprecation: @1796083200",
        "Sunset: Tue, 01 Jun 2027 00:00:00 GMT",
    ]
    cart.locator("summary").click()
    shown = cart.locator(".body").inner_text()
    assert "deprecation: @1796083200" in shown and 'rel="deprecation"' in shown and '"item_count": 2' in shown
    assert article.locator(".exchanges.graphql .shown-header").count() == 0
    assert page.blocked_requests == []
    assert page.js_errors == []
