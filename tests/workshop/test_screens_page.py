"""/compare/screens/: the seven screens measured on this server, as tables and a server-drawn chart."""

import re

import pytest

from workshop.screens import load_screens

pytestmark = pytest.mark.django_db

SLUGS = list(load_screens())
BADGE_BYTES = r"cart-badge: REST ([\d,]+) bytes"


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def test_the_page_shows_the_figures_the_reductions_the_medians_and_the_paper(client, workshop_mode, demo):
    response = client.get("/compare/screens/")
    assert response.status_code == 200
    html = response.content.decode()
    figures = section(html, 'class="figures screens-figures"', "</table>")
    assert re.findall(r'data-screen="([a-z-]+)"', figures) == SLUGS
    cart_badge = section(figures, 'data-screen="cart-badge"', "</tr>")
    # Round trips, fields, bytes: REST, ?fields=, GraphQL; {"copy_count":3} is 16 bytes, GraphQL wraps it in 33.
    cells = re.findall(r"<td class=\"(?:rest|sparse|graphql)\">([\d,]+)</td>", cart_badge)
    assert cells[:6] == ["1", "1", "1", "20", "1", "1"]
    assert int(cells[6]) > 300 and cells[7:9] == ["16", "33"]
    assert figures.count('<td class="same-data">yes</td>') == 7
    reductions = section(html, 'class="figures screens-reductions"', "</table>")
    assert re.findall(r'data-row="([^"]+)"', reductions) == [*SLUGS, "median", "paper (median of 7 GitHub clients)"]
    paper = section(reductions, 'class="paper"', "</tr>")
    assert re.findall(r"<td>([^<]+)</td>", paper) == ["94%", "99%"] + ["-"] * 7
    median = section(reductions, 'class="median"', "</tr>")
    assert len(re.findall(r"<td>-?\d+\.\d%</td>", median)) == 9
    assert "What the third column teaches.</strong> With sparse fieldsets alone" in html


def test_the_chart_draws_each_screen_and_the_median_three_ways_in_three_measures(client, workshop_mode, demo):
    html = client.get("/compare/screens/").content.decode()
    svg = section(html, "<svg", "</svg>")
    bars = re.findall(r'<g class="bar"><title>([^<]+)</title><rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)
    assert len(bars) == (len(SLUGS) + 1) * 3 * 3
    labels = re.findall(r'<text class="row-label[^"]*" x="0" y="[\d.]+">([^<]+)</text>', svg)
    assert labels == [*SLUGS, "median"]
    widths = {title.rsplit(", ", 1)[0]: float(width) for title, width in bars}
    (rest,) = [(int(m[1].replace(",", "")), widths[t]) for t in widths if (m := re.fullmatch(BADGE_BYTES, t))]
    assert widths["cart-badge: REST ?fields= 16 bytes"] == pytest.approx(rest[1] * 16 / rest[0], abs=0.2)
    assert "https://" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_the_page_lists_each_screens_calls_and_document(client, workshop_mode, demo):
    html = client.get("/compare/screens/").content.decode()
    card = section(html, 'id="screen-cart-badge"', "</details>")
    assert "GET /api/cart/?fields=copy_count" in card
    assert "query CartBadge" in card and 'href="/graphql/?query=query+CartBadge' in card
    assert (
        'href="/api/books/?page_size=20&amp;fields=id,title,subtitle,authors.name,price,stock,published_date"' in html
    )
    assert "Runs as the demo user <code>alice</code>" in card


def test_the_compare_page_links_to_the_screens(client, workshop_mode):
    assert 'href="/compare/screens/"' in client.get("/compare/").content.decode()


def test_without_the_demo_data_the_page_says_what_to_do(client, workshop_mode):
    response = client.get("/compare/screens/")
    assert response.status_code == 409
    html = response.content.decode()
    assert "The screens could not run: book-page: no value saved for ${book}" in html
    assert "seed_demo" in html
    assert html.count('class="screen-card"') == 7


def test_the_screens_page_is_off_outside_workshop_mode_and_only_read(client, settings, workshop_mode):
    posted = client.post("/compare/screens/")
    assert posted.status_code == 405
    assert posted["Allow"] == "GET"
    settings.WORKSHOP_MODE = False
    response = client.get("/compare/screens/")
    assert response.status_code == 404
    assert b"Not Found" in response.content
