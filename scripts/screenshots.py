"""Screenshots of every surface for the README and docs/workshop.md.

    python scripts/screenshots.py http://127.0.0.1:8000 [docs/screenshots]

Needs a running server with the demo data (`make run`) and Debian's Chromium. The caching
figures (one SQL query for a hit or a 304) are those of a server with REDIS_URL set.
"""

import json
import sys
import urllib.parse
from pathlib import Path

from playwright.sync_api import sync_playwright

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ALICE_TOKEN = "fedb942d0f8a3c7891a55e503c55580ca3c93298"
GRAPHQL_EXAMPLE = """query FirstBooks {
  books(first: 3, orderBy: [PRICE_DESC]) {
    totalCount
    edges { node { databaseId title price authors { name } } }
  }
}"""


def main() -> int:
    base = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})

        page.goto(f"{base}/?search=pratchett")
        page.screenshot(path=out / "library.png")

        page.goto(f"{base}/api/books/?page_size=2&ordering=-price")
        page.screenshot(path=out / "rest-browsable.png")

        page.goto(f"{base}/api/docs/")
        page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
        page.screenshot(path=out / "rest-docs.png")

        page.goto(f"{base}/graphql/?" + urllib.parse.urlencode({"query": GRAPHQL_EXAMPLE}))
        page.wait_for_selector(".graphiql-container", timeout=15000)
        page.locator(".graphiql-execute-button").click()
        page.locator(".graphiql-response", has_text="edges").wait_for(timeout=15000)
        page.screenshot(path=out / "graphiql.png")

        page.goto(f"{base}/compare/?scenario=book-with-authors-books")
        article = page.locator("#scenario-book-with-authors-books")
        article.locator(".run").click()
        article.locator(".results:not([hidden])").wait_for(timeout=30000)
        page.screenshot(path=out / "compare.png", full_page=True)

        page.goto(f"{base}/compare/?scenario=books-first-page")
        article = page.locator("#scenario-books-first-page")
        article.locator(".no-optimize").check()
        article.locator(".run").click()
        article.locator(".results:not([hidden])").wait_for(timeout=30000)
        article.locator(".results").screenshot(path=out / "compare-n-plus-one.png")

        page.goto(f"{base}/compare/?scenario=cached-reads")
        article = page.locator("#scenario-cached-reads")
        article.locator(".run").click()
        article.locator(".results:not([hidden])").wait_for(timeout=30000)
        article.locator(".exchanges.rest details").nth(2).locator("summary").click()  # the 304, opened
        article.locator(".results").screenshot(path=out / "compare-cache.png")
        browser.close()
    print(json.dumps(sorted(p.name for p in out.glob("*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
