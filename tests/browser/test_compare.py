import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.WORKSHOP_MODE = True
    settings.REQUEST_METRICS = True
    call_command("seed_demo", verbosity=0)


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
