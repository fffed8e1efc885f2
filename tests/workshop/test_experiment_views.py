"""/compare/experiment/: opening a run, joining it, answering, skipping, the results and the CSV."""

import csv
import datetime
import io
import json

import pytest
from django.test import Client
from django.utils.html import escape

from workshop.experiment import MAX_ANSWER_LENGTH, load_tasks
from workshop.models import Attempt, ExperimentRun, Participant, TaskAssignment

pytestmark = pytest.mark.django_db

HOME = "/compare/experiment/"
WRONG = {
    "rest": "/api/books/?search=zzzz-no-such-book",
    "graphql": '{ books(search: "zzzz") { edges { node { title } } } }',
}


@pytest.fixture
def facilitator(client, staff, workshop_mode):
    client.force_login(staff)
    return client


@pytest.fixture
def run(facilitator):
    facilitator.post(HOME + "open/", {"name": "Tuesday"})
    return ExperimentRun.objects.get(name="Tuesday")


def joined(code: str, name: str = "Ada") -> Client:
    browser = Client()
    response = browser.post(f"{HOME}{code}/join/", {"name": name})
    assert response.status_code == 303, response.content
    return browser


def send(browser: Client, code: str, task: int, answer: str = "", variables: str = "", what: str = "answer"):
    body = json.dumps({"task": task, "answer": answer, "variables": variables})
    return browser.post(f"{HOME}{code}/{what}/", body, content_type="application/json", HTTP_ACCEPT="application/json")


def current(name: str = "Ada") -> TaskAssignment:
    return TaskAssignment.objects.filter(participant__name=name, solved_at=None, skipped_at=None).first()


def solve(browser: Client, code: str, name: str = "Ada"):
    browser.get(f"{HOME}{code}/")
    assignment = current(name)
    return send(browser, code, assignment.position, load_tasks()[assignment.task].solutions[assignment.style])


def error(response) -> tuple[int, str, str]:
    item = response.json()["errors"][0]
    return response.status_code, item["code"], item["message"]


def test_the_compare_page_links_the_experiment(client, workshop_mode):
    assert f'href="{HOME}"' in client.get("/compare/").content.decode()


def test_a_facilitator_opens_a_run_and_gets_its_code_and_join_link(facilitator):
    response = facilitator.post(HOME + "open/", {"name": "Tuesday's workshop"}, follow=True)
    run = ExperimentRun.objects.get()
    assert run.is_open and len(run.code) == 6 and run.code.isupper()
    html = response.content.decode()
    assert "Tuesday&#x27;s workshop" in html
    assert f"http://testserver{HOME}{run.code}/" in html
    assert "No one has joined yet" in html
    assert run.name in facilitator.get(HOME).content.decode()  # listed among the runs


def test_only_staff_open_runs_or_see_results(client, alice, run, workshop_mode):
    client.force_login(alice)
    response = client.post(HOME + "open/", {"name": "Mine"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not ExperimentRun.objects.filter(name="Mine").exists()
    for path in (f"{HOME}{run.code}/results/", f"{HOME}{run.code}/results.csv"):
        assert client.get(path)["Location"].startswith("/admin/login/?next=")
    assert "sign in as staff" in Client().get(HOME).content.decode()


@pytest.mark.parametrize(("name", "says"), [("  ", "Give a name"), ("x" * 101, "at most 100"), ("a\nb", "one line")])
def test_a_run_needs_a_one_line_name(facilitator, name, says):
    response = facilitator.post(HOME + "open/", {"name": name})
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not ExperimentRun.objects.exists()


def test_a_participant_joins_by_code_and_gets_eight_tasks_half_in_each_style(run, demo):
    browser = Client()
    response = browser.get(HOME, {"code": run.code.lower()})
    assert response.status_code == 302 and response["Location"] == f"{HOME}{run.code}/"
    assert "Join <em>Tuesday</em>" in browser.get(response["Location"]).content.decode()
    browser = joined(run.code)
    participant = Participant.objects.get(name="Ada")
    styles = list(participant.assignments.values_list("style", flat=True))
    assert len(styles) == 8 and styles.count("rest") == 4
    assert [a.position for a in participant.assignments.all()] == list(range(1, 9))
    page = browser.get(f"{HOME}{run.code}/").content.decode()
    first = participant.assignments.get(position=1)
    assert "Task 1 of 8" in page
    assert escape(load_tasks()[first.task].prompt) in page
    assert ('class="tool" href="/graphql/"' in page) == (first.style == "graphql")
    assert ('class="tool" href="/api/"' in page) == (first.style == "rest")


def test_the_clock_starts_when_a_task_is_first_shown_and_a_reload_keeps_it(run, demo):
    browser = joined(run.code)
    assert current().shown_at is None
    browser.get(f"{HOME}{run.code}/")
    shown = current().shown_at
    plan = list(TaskAssignment.objects.values_list("task", "style"))
    assert shown is not None
    browser.get(f"{HOME}{run.code}/")
    assert current().shown_at == shown
    assert list(TaskAssignment.objects.values_list("task", "style")) == plan
    TaskAssignment.objects.filter(pk=current().pk).update(shown_at=shown - datetime.timedelta(seconds=90))
    page = browser.get(f"{HOME}{run.code}/").content.decode()
    elapsed = float(page.split('data-elapsed="')[1].split('"')[0])
    assert 90 <= elapsed < 120  # the page's clock goes on from the server's


def test_joining_twice_in_one_browser_keeps_the_first_seat(run, demo):
    browser = joined(run.code)
    response = browser.post(f"{HOME}{run.code}/join/", {"name": "Ada again"})
    assert response["Location"] == f"{HOME}{run.code}/?joined=again"
    assert "You joined this run already, as Ada" in browser.get(response["Location"]).content.decode()
    assert Participant.objects.count() == 1


def test_a_name_is_taken_once_per_run_whatever_its_case(run, demo):
    joined(run.code, "Ada")
    response = Client().post(f"{HOME}{run.code}/join/", {"name": "ADA"})
    assert response.status_code == 400
    assert "Someone in this run is called ADA already" in response.content.decode()
    assert Client().post(f"{HOME}{run.code}/join/", {"name": ""}).status_code == 400
    assert Participant.objects.count() == 1


def test_a_pair_of_participants_does_each_task_once_in_each_style(run, demo):
    joined(run.code, "Ada")
    joined(run.code, "Bea")
    ada = dict(TaskAssignment.objects.filter(participant__name="Ada").values_list("task", "style"))
    bea = dict(TaskAssignment.objects.filter(participant__name="Bea").values_list("task", "style"))
    assert set(ada) == set(bea) == set(load_tasks())
    assert all(ada[task] != bea[task] for task in ada)


def test_an_unknown_code_says_so(client, workshop_mode):
    for response in (client.get(HOME, {"code": "NOPE42"}), client.get(f"{HOME}NOPE42/")):
        assert response.status_code == 404
        assert "No run has the code NOPE42" in response.content.decode()
    assert Client().post(f"{HOME}NOPE42/join/", {"name": "Ada"}).status_code == 404
    for odd in ("%00", "x" * 300, "%F0%9F%93%9A"):  # a NUL (PostgreSQL refuses it in a query), too long, an emoji
        assert client.get(f"{HOME}{odd}/").status_code == 404
        assert client.get(HOME, {"code": odd}).status_code == 404
        assert error(send(client, odd, 1, "/api/books/"))[:2] == (404, "not_found")
    assert error(send(client, "NOPE42", 1, "/api/books/")) == (404, "not_found", "No run has the code NOPE42.")


def test_a_closed_run_takes_no_one_and_no_answers_until_it_reopens(facilitator, run, demo):
    browser = joined(run.code)
    browser.get(f"{HOME}{run.code}/")
    facilitator.post(f"{HOME}{run.code}/state/", {"open": "0"})
    response = Client().post(f"{HOME}{run.code}/join/", {"name": "Late"})
    assert response.status_code == 403 and "This run is closed" in response.content.decode()
    assert Client().get(f"{HOME}{run.code}/").status_code == 403
    assert browser.get(f"{HOME}{run.code}/").status_code == 403
    status, code, message = error(send(browser, run.code, 1, "/api/books/"))
    assert (status, code) == (403, "permission_denied") and "closed" in message
    assert not Attempt.objects.exists()
    facilitator.post(f"{HOME}{run.code}/state/", {"open": "1"})
    assert solve(browser, run.code).json()["correct"] is True
    assert facilitator.post(f"{HOME}{run.code}/state/", {"open": "maybe"}).status_code == 400


def test_a_wrong_answer_is_counted_and_the_first_right_one_stops_the_clock(run, demo):
    browser = joined(run.code)
    browser.get(f"{HOME}{run.code}/")
    first = current()
    wrong = send(browser, run.code, 1, WRONG[first.style])
    assert wrong.status_code == 200
    data = wrong.json()
    assert data["correct"] is False and data["attempts"] == 1 and data["solved"] is False
    assert data["errors"][0]["code"] == "invalid" and "the answer has" in data["errors"][0]["message"]
    right = solve(browser, run.code).json()
    assert right["correct"] is True and right["solved"] is True and right["attempts"] == 2
    assert right["seconds"] >= 0 and right["time"].count(":") == 1
    first.refresh_from_db()
    assert first.solved_at >= first.shown_at
    assert list(first.attempts.values_list("correct", flat=True)) == [False, True]
    assert "Task 2 of 8" in browser.get(f"{HOME}{run.code}/").content.decode()


def test_answers_go_to_the_current_task_only(run, demo):
    browser = joined(run.code)
    browser.get(f"{HOME}{run.code}/")
    status, code, message = error(send(browser, run.code, 2, "/api/books/"))
    assert (status, code, message) == (400, "invalid", "Task 2 is not your current task: finish or skip task 1 first.")
    assert error(send(browser, run.code, 9, "/api/books/"))[:2] == (404, "not_found")
    solve(browser, run.code)
    assert error(send(browser, run.code, 1, "/api/books/"))[2] == "Task 1 is solved already."
    status, _, message = error(send(browser, run.code, 2, "/api/books/"))
    assert "Open the task page first" in message  # task 2 was never shown: its clock has not started
    assert Attempt.objects.count() == 1


def test_another_browser_or_a_forged_cookie_cannot_answer(run, demo):
    joined(run.code)
    stranger = Client()
    assert error(send(stranger, run.code, 1, "/api/books/"))[:2] == (403, "not_authenticated")
    stranger.cookies[f"experiment-{run.code}"] = Participant.objects.get().key  # the key, but unsigned
    assert error(send(stranger, run.code, 1, "/api/books/"))[:2] == (403, "not_authenticated")
    assert not Attempt.objects.exists()


def test_a_cookie_for_one_run_does_not_join_another(facilitator, run, demo):
    browser = joined(run.code)
    other = facilitator.post(HOME + "open/", {"name": "Wednesday"})
    code = ExperimentRun.objects.get(name="Wednesday").code
    assert "Join <em>Wednesday</em>" in browser.get(f"{HOME}{code}/").content.decode()
    assert error(send(browser, code, 1, "/api/books/"))[:2] == (403, "not_authenticated")
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("{not json", 400, "parse_error"),
        ("[1]", 400, "invalid"),
        ('{"answer": "/api/books/"}', 400, "invalid"),
        ('{"task": true, "answer": "/api/books/"}', 400, "invalid"),
        ('{"task": 1, "answer": 5}', 400, "invalid"),
        ('{"task": 1, "answer": "' + "x" * (MAX_ANSWER_LENGTH + 1) + '"}', 400, "max_length"),
        ('{"task": 1, "answer": "/api/books/", "variables": "' + "x" * 5001 + '"}', 400, "max_length"),
        ('{"task": 1, "answer": "/api/books/\\u0000"}', 400, "invalid_characters"),
        ("[" * 50_000, 400, "parse_error"),
    ],
)
def test_a_malformed_answer_request_is_refused_and_not_counted(run, demo, body, status, code):
    browser = joined(run.code)
    browser.get(f"{HOME}{run.code}/")
    response = browser.post(f"{HOME}{run.code}/answer/", body, content_type="application/json")
    assert error(response)[:2] == (status, code)
    assert not Attempt.objects.exists()


def test_a_huge_body_is_refused_unread(run, demo):
    browser = joined(run.code)
    browser.get(f"{HOME}{run.code}/")
    response = browser.post(
        f"{HOME}{run.code}/answer/", "{}", content_type="application/json", CONTENT_LENGTH=str(5 * 1024 * 1024)
    )
    status, code, message = error(response)
    assert (status, code) == (413, "request_too_large") and "5,242,880 bytes" in message


@pytest.mark.parametrize(
    ("style", "answer", "code"),
    [
        ("rest", "POST /api/cart/items/", "method_not_allowed"),
        ("rest", "/api/cart/", "permission_denied"),
        ("rest", "/api/books/?ordering=stock", "invalid_ordering"),
        ("graphql", "mutation { cartClear { errors { code } } }", "method_not_allowed"),
        ("graphql", "{ books { edges { node { title }", "parse_error"),
    ],
)
def test_a_refused_request_is_a_wrong_attempt_with_its_reason(run, demo, style, answer, code):
    browser = joined(run.code)
    browser.get(f"{HOME}{run.code}/")
    TaskAssignment.objects.filter(position=1).update(style=style)
    response = send(browser, run.code, 1, answer)
    assert response.status_code == 200
    data = response.json()
    assert data["correct"] is False and data["errors"][0]["code"] == code
    assert Attempt.objects.get().code == code


def test_answers_need_the_csrf_token(run, demo):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"{HOME}{run.code}/")
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else None
    assert browser.post(f"{HOME}{run.code}/join/", {"name": "Ada"}).status_code == 403
    response = browser.post(f"{HOME}{run.code}/join/", {"name": "Ada", "csrfmiddlewaretoken": token})
    assert response.status_code == 303
    browser.get(f"{HOME}{run.code}/")
    refused = send(browser, run.code, 1, "/api/books/")
    status, code, message = error(refused)
    assert (status, code) == (403, "permission_denied") and "CSRF" in message
    assert not Attempt.objects.exists()


def test_a_skipped_task_is_recorded_without_a_time_and_the_next_one_follows(run, demo):
    browser = joined(run.code)
    browser.get(f"{HOME}{run.code}/")
    data = send(browser, run.code, 1, what="skip").json()
    assert data["skipped"] is True and data["seconds"] is None
    assert error(send(browser, run.code, 1, what="skip"))[2] == "Task 1 was skipped."
    assert "Task 2 of 8" in browser.get(f"{HOME}{run.code}/").content.decode()


def test_a_participant_who_is_done_sees_their_own_times(run, demo):
    browser = joined(run.code)
    for position in range(1, 9):
        if position % 2:
            assert solve(browser, run.code).json()["correct"]
        else:
            browser.get(f"{HOME}{run.code}/")
            send(browser, run.code, position, what="skip")
    page = browser.get(f"{HOME}{run.code}/").content.decode()
    assert "All done, Ada" in page
    assert page.count("skipped") == 4 and page.count('<tr class="') == 8


def test_the_results_show_medians_per_style_and_parameters_beside_the_paper(facilitator, run, demo):
    browser = joined(run.code)
    solve(browser, run.code)
    first = TaskAssignment.objects.get(position=1)
    TaskAssignment.objects.filter(pk=first.pk).update(solved_at=first.shown_at + datetime.timedelta(seconds=75))
    page = facilitator.get(f"{HOME}{run.code}/results/").content.decode()
    assert "<td>Ada</td><td>1</td><td>0</td><td>7</td>" in page
    overall = page[page.index('data-group="all"') :].split("</tr>")[0]
    cell = "rest" if first.style == "rest" else "graphql"
    assert f'<td class="{cell} median">1:15</td>' in overall
    assert "The paper (22 students, 8 queries)" in page and "9:00" in page and "6:00" in page
    assert page.count('<rect class="bar ') == 2 * 5 + 2 + 2  # five groups here, the paper's, the legend
    assert "1:15" in page[page.index("<svg") : page.index("</svg>")]


def test_the_csv_has_one_row_per_participant_and_task(facilitator, run, demo):
    browser = joined(run.code, "=HYPERLINK(1)")
    browser.get(f"{HOME}{run.code}/")
    send(browser, run.code, 1, WRONG[current("=HYPERLINK(1)").style])
    solve(browser, run.code, "=HYPERLINK(1)")
    browser.get(f"{HOME}{run.code}/")
    send(browser, run.code, 2, what="skip")
    response = facilitator.get(f"{HOME}{run.code}/results.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="experiment-{run.code}.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 8
    assert rows[0]["participant"] == "'=HYPERLINK(1)"  # a name, not a spreadsheet formula
    assert (rows[0]["solved"], rows[0]["attempts"], rows[0]["wrong_attempts"]) == ("yes", "2", "1")
    assert float(rows[0]["seconds"]) >= 0 and rows[0]["style"] in ("rest", "graphql")
    assert rows[0]["parameters"] == str(load_tasks()[rows[0]["task"]].parameters)
    assert (rows[1]["skipped"], rows[1]["seconds"], rows[1]["attempts"]) == ("yes", "", "0")
    assert {r["solved"] for r in rows[2:]} == {"no"} and {r["shown_at"] for r in rows[2:]} == {""}


def test_the_admin_lists_runs_participants_and_attempts(client, run, demo, django_user_model):
    browser = joined(run.code)
    solve(browser, run.code)
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "secret-pass-123")
    client.force_login(admin)
    assert run.code in client.get("/admin/workshop/experimentrun/").content.decode()
    assert "Ada" in client.get("/admin/workshop/participant/").content.decode()
    attempt = Attempt.objects.get()
    assert client.get(f"/admin/workshop/attempt/{attempt.pk}/change/").status_code == 200
    assert client.get(f"/admin/workshop/taskassignment/{attempt.assignment_id}/change/").status_code == 200


def test_the_experiment_is_off_outside_workshop_mode(client, settings):
    settings.WORKSHOP_MODE = False
    for response in (client.get(HOME), client.get(f"{HOME}ABCDEF/")):
        assert response.status_code == 404
        assert b"Not Found" in response.content


def test_without_the_demo_data_a_task_cannot_be_checked_and_says_what_to_do(run):
    browser = joined(run.code)
    browser.get(f"{HOME}{run.code}/")
    TaskAssignment.objects.filter(position=1).update(style="rest")
    status, code, message = error(send(browser, run.code, 1, "/api/books/"))
    assert (status, code) == (409, "not_found") and "seed_demo" in message
    assert not Attempt.objects.exists()
