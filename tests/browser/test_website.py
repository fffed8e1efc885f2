import pytest

from tests.factories import AuthorFactory, BookFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_library_search_and_open_a_book(page):
    le_guin = AuthorFactory(name="Ursula K. Le Guin")
    BookFactory(title="The Dispossessed", authors=[le_guin], stock=0)
    BookFactory(title="Dune", stock=4)

    page.goto("/")
    assert page.locator(".book").count() == 2
    page.fill("input[name=search]", "le guin")
    page.click("button[type=submit]")
    page.wait_for_url("**/?search=le+guin**")
    titles = page.locator(".book .title").all_inner_texts()
    assert titles == ["The Dispossessed"]
    assert page.locator(".book .stock.out").inner_text() == "Out of stock"

    page.click("text=The Dispossessed")
    assert page.locator("h1").inner_text() == "The Dispossessed"
    assert "Ursula K. Le Guin" in page.locator(".authors").inner_text()
    assert page.blocked_requests == []
    assert page.js_errors == []


def test_stylesheet_is_served_locally(page):
    response = page.goto("/")
    assert response.ok
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background == "rgb(251, 250, 247)"  # our own site.css was applied
    assert page.blocked_requests == []


def test_the_filter_form_finds_one_book_by_isbn_and_keeps_the_filters(page):
    for i in range(25):
        BookFactory(title=f"Volume {i:02d}", stock=i % 2)
    wanted = BookFactory(title="Dune", stock=0)

    page.goto("/")
    page.fill("input[name=isbn]", wanted.isbn)
    page.select_option("select[name=in_stock]", "false")
    page.click("button[type=submit]")
    page.wait_for_url("**/?*isbn=*")
    assert page.locator(".book .title").all_inner_texts() == ["Dune"]
    # The form shows what was asked for.
    assert page.input_value("input[name=isbn]") == wanted.isbn
    assert page.input_value("select[name=in_stock]") == "false"
    assert page.js_errors == []
