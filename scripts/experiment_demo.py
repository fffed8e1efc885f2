"""One scripted participant through the timed experiment, and its screenshots for docs/workshop.md.

    python scripts/experiment_demo.py http://127.0.0.1:8000 [docs/screenshots]

Needs a running server in workshop mode with the demo data (`make run`) and Debian's Chromium.
The demo admin opens a run; a participant in another browser context answers each task once
wrongly, then with the answer key of workshop/experiment.yaml, without pauses. It prints the
results page's summary. The times are a machine's, not a person's: they show that the
experiment measures, not what people do.
"""

import sys
from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TASKS = Path(__file__).resolve().parent.parent / "workshop" / "experiment.yaml"
WRONG = {
    "rest": "/api/books/?search=Pratchett",
    "graphql": '{ books(search: "Pratchett") { edges { node { title } } } }',
}


def main() -> int:
    base = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    solutions = {task["slug"]: task["solutions"] for task in yaml.safe_load(TASKS.read_text(encoding="utf-8"))["tasks"]}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        facilitator = browser.new_context(viewport={"width": 1000, "height": 800}).new_page()
        facilitator.goto(f"{base}/admin/login/?next=/compare/experiment/")
        facilitator.fill("#id_username", "admin")
        facilitator.fill("#id_password", "admin-demo-pass")
        facilitator.click("input[type=submit]")
        facilitator.wait_for_url("**/compare/experiment/")
        facilitator.fill("input[name=name]", "One scripted participant")
        facilitator.click("button:has-text('Open')")
        code = facilitator.locator(".join-box .code").inner_text()

        participant = browser.new_context(viewport={"width": 1000, "height": 640}).new_page()
        participant.goto(f"{base}/compare/experiment/{code}/")
        participant.fill("input[name=name]", "Script")
        with participant.expect_navigation():
            participant.click("text=Start")
        for position in range(1, 9):
            page = participant.locator(".task-page")
            style = "rest" if participant.locator(".style-badge.rest").count() else "graphql"
            participant.fill("#answer", WRONG[style])
            participant.click("button.check")
            participant.locator(".feedback.wrong").wait_for()
            if position == 1:
                participant.locator("main").screenshot(path=out / "experiment-task.png")
            participant.fill("#answer", solutions[page.get_attribute("data-slug")][style])
            participant.click("button.check")
            participant.locator(".feedback.right").wait_for()
            with participant.expect_navigation():
                participant.click(".next a")

        facilitator.reload()
        top = facilitator.locator("main h1").bounding_box()
        chart = facilitator.locator("svg.chart").bounding_box()
        main = facilitator.locator("main").bounding_box()
        clip = {
            "x": main["x"],
            "y": top["y"] - 16,
            "width": main["width"],
            "height": chart["y"] + chart["height"] - top["y"] + 32,
        }
        facilitator.screenshot(path=out / "experiment-results.png", clip=clip, full_page=True)
        with facilitator.expect_download() as download:
            facilitator.click("a.csv")
        print(download.value.path().read_text(encoding="utf-8"))
        print(facilitator.locator("table.summary-table").first.inner_text())
        print(facilitator.locator("table.per-task").inner_text())
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
