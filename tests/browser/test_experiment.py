"""The timed experiment end to end: a facilitator opens a run, one participant works through it."""

import csv
import io

import pytest
from django.core.management import call_command

from tests.factories import StaffFactory
from workshop.experiment import load_tasks
from workshop.models import TaskAssignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRONG = {
    "rest": "/api/books/?search=Pratchett",
    "graphql": '{ books(search: "Pratchett") { edges { node { title } } } }',
}


@pytest.fixture
def demo(settings):
    settings.WORKSHOP_MODE = True
    call_command("seed_demo", verbosity=0)


def sign_in(page, username: str, password: str, next_path: str) -> None:
    page.goto(f"/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{next_path}")


def test_one_participant_through_the_experiment(new_page, demo):
    StaffFactory(username="facilitator")
    facilitator = new_page()
    sign_in(facilitator, "facilitator", "secret-pass-123", "/compare/experiment/")
    facilitator.fill("input[name=name]", "Browser run")
    facilitator.click("button:has-text('Open')")
    code = facilitator.locator(".join-box .code").inner_text()
    assert len(code) == 6
    assert "No one has joined yet" in facilitator.inner_text("main")

    participant = new_page()  # another browser: no account, not signed in
    participant.goto("/compare/")
    participant.click("text=REST vs GraphQL, a controlled experiment")
    participant.fill("input[name=code]", code.lower())
    participant.click("button:has-text('Join')")
    assert participant.inner_text("h1") == "Join Browser run"
    participant.fill("input[name=name]", "Ada")
    with participant.expect_navigation():
        participant.click("text=Start")

    solved: dict[str, str] = {}
    for position in range(1, 9):
        assert participant.inner_text("h1") == f"Task {position} of 8"
        assignment = TaskAssignment.objects.get(participant__name="Ada", position=position)
        badge = participant.locator(".style-badge")
        assert badge.inner_text() == ("Use REST" if assignment.style == "rest" else "Use GraphQL")
        link = participant.locator("a.tool").first
        assert link.get_attribute("href") == ("/api/" if assignment.style == "rest" else "/graphql/")
        if assignment.style not in solved:
            participant.fill("#answer", WRONG[assignment.style])
            participant.click("button.check")
            feedback = participant.locator(".feedback.wrong")
            feedback.wait_for()
            assert "the answer has" in feedback.inner_text() or "not in the answer" in feedback.inner_text()
            assert participant.inner_text(".attempts") == "1 attempt"
            participant.fill("#answer", load_tasks()[assignment.task].solutions[assignment.style])
            participant.click("button.check")
            right = participant.locator(".feedback.right")
            right.wait_for()
            assert right.inner_text().startswith("Correct: the ")
            assert participant.inner_text(".attempts") == "2 attempts"
            solved[assignment.style] = assignment.task
        else:
            participant.click("button.skip")
            participant.locator(".feedback", has_text="Skipped.").wait_for()
        with participant.expect_navigation():
            participant.click(".next a")
    assert participant.inner_text("h1") == "All done, Ada"
    assert participant.locator("table.mine tbody tr").count() == 8
    assert set(solved) == {"rest", "graphql"}

    facilitator.reload()
    assert facilitator.locator("table.progress tbody tr").inner_text().split("\t") == ["Ada", "2", "6", "0"]
    overall = facilitator.locator("tr[data-group=all]")
    assert overall.locator("td.rest.count").inner_text().startswith("1")
    assert overall.locator("td.graphql.count").inner_text().startswith("1")
    assert overall.locator("td.rest.median").inner_text() != "-"
    assert facilitator.locator("svg.chart rect.bar").count() == 14
    assert "The paper (22 students" in facilitator.locator("svg.chart").text_content()
    with facilitator.expect_download() as download:
        facilitator.click("a.csv")
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert len(rows) == 8
    assert sorted((r["style"], r["wrong_attempts"]) for r in rows if r["solved"] == "yes") == [
        ("graphql", "1"),
        ("rest", "1"),
    ]
    assert sum(r["skipped"] == "yes" for r in rows) == 6
    for p in (facilitator, participant):
        assert p.blocked_requests == [] and p.js_errors == []
