"""/compare/experiment/: a facilitator opens a run, participants join by code and answer timed tasks."""

import re

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from catalog.clients import client_address
from catalog.errors import ErrorCode, validation_error_items

from .experiment import MAX_ANSWER_LENGTH, MAX_VARIABLES_LENGTH, PAPER, TaskUnavailable, load_tasks
from .experiment_results import STYLE_LABELS, chart, duration, result_rows, results_csv, summarise
from .experiment_services import (
    CODE_LENGTH,
    MAX_PARTICIPANT_NAME_LENGTH,
    MAX_RUN_NAME_LENGTH,
    answer_submit,
    current_assignment,
    participant_join,
    run_open,
    run_set_open,
    task_skip,
)
from .models import ExperimentRun, Participant
from .views import _error, _require_workshop_mode, json_object

COOKIE_SALT = "workshop.experiment"
_CODE = re.compile(r"[A-Z0-9]{1,16}")
COOKIE_MAX_AGE = 7 * 24 * 3600
# An answer and its variables at their longest, every character JSON-escaped as a surrogate
# pair (12 bytes), and the JSON around them: anything longer is refused unread.
MAX_BODY_BYTES = 12 * (MAX_ANSWER_LENGTH + MAX_VARIABLES_LENGTH) + 1024
# What the services raise for a request they refuse: answered as JSON errors with codes.
DOMAIN_ERRORS = (ValidationError, ObjectDoesNotExist, PermissionDenied)
TOOLS = {
    "rest": [("the browsable API", "/api/"), ("the API docs", "/api/docs/")],
    "graphql": [("GraphiQL", "/graphql/")],
}


def _cookie_name(run: ExperimentRun) -> str:
    return f"experiment-{run.code}"


def _message(request: HttpRequest, status: int, title: str, text: str, link: tuple[str, str] | None = None):
    return render(
        request, "workshop/experiment/message.html", {"title": title, "text": text, "link": link}, status=status
    )


def _shown_code(code: str) -> str:
    return code[:16] if code.isprintable() else repr(code[:16])


def _find_run(code: str) -> ExperimentRun | None:
    code = code.strip().upper()
    # Only what a code can be reaches the database (PostgreSQL refuses a NUL in a string).
    return ExperimentRun.objects.filter(code=code).first() if _CODE.fullmatch(code) else None


def _unknown_run(request: HttpRequest, code: str) -> HttpResponse:
    home = (reverse("workshop:experiment:home"), "Try another code")
    text = f"No run has the code {_shown_code(code)}: check it with the facilitator."
    return _message(request, 404, "Unknown code", text, home)


def _run_for_page(request: HttpRequest, code: str) -> ExperimentRun | HttpResponse:
    """The run with this code, or the page saying there is none."""
    _require_workshop_mode()
    run = _find_run(code)
    return run if run is not None else _unknown_run(request, code)


def _participant(request: HttpRequest, run: ExperimentRun) -> Participant | None:
    key = request.get_signed_cookie(_cookie_name(run), default=None, salt=COOKIE_SALT)
    if not key:
        return None
    return Participant.objects.select_related("run").filter(run=run, key=key).first()


# Everyone ---------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    _require_workshop_mode()
    code = request.GET.get("code")
    if code is not None:
        run = _find_run(code)
        if run is None:
            return _unknown_run(request, code)
        return redirect("workshop:experiment:participant", code=run.code)
    return _home(request)


def _home(request: HttpRequest, *, status: int = 200, name: str = "", errors: list | None = None) -> HttpResponse:
    runs = []
    if request.user.is_staff:
        runs = ExperimentRun.objects.annotate(participant_count=Count("participants"))[:50]
    context = {
        "runs": runs,
        "paper": PAPER,
        "tasks": list(load_tasks().values()),
        "code_length": CODE_LENGTH,
        "name": name,
        "errors": errors or [],
        "max_name": MAX_RUN_NAME_LENGTH,
    }
    return render(request, "workshop/experiment/home.html", context, status=status)


@require_GET
def participant_page(request: HttpRequest, code: str) -> HttpResponse:
    run = _run_for_page(request, code)
    if isinstance(run, HttpResponse):
        return run
    participant = _participant(request, run)
    if participant is None:
        if not run.is_open:
            return _message(request, 403, "This run is closed", f"{run.name} takes no new participants.")
        return _join_form(request, run)
    assignment = current_assignment(participant=participant)
    if assignment is None:
        tasks = load_tasks()
        rows = [(r, tasks.get(r.task)) for r in result_rows(run) if r.participant == participant.name]
        context = {"run": run, "participant": participant, "rows": rows, "paper": PAPER}
        return render(request, "workshop/experiment/done.html", context)
    if not run.is_open:
        return _message(request, 403, "This run is closed", "The facilitator has stopped it. Your answers are kept.")
    task = load_tasks().get(assignment.task)
    context = {
        "run": run,
        "participant": participant,
        "assignment": assignment,
        "task": task,
        "total": participant.assignments.count(),
        "style_label": STYLE_LABELS[assignment.style],
        "field_names": task.field_names(assignment.style) if task else "",
        "tools": TOOLS[assignment.style],
        "attempts": assignment.attempts.count(),
        # Seconds on the clock as the page leaves the server, so the browser's own clock need not agree.
        "elapsed": f"{max(0.0, (timezone.now() - assignment.shown_at).total_seconds()):.1f}",
        "already": request.GET.get("joined") == "again",
        "max_answer": MAX_ANSWER_LENGTH,
        "max_variables": MAX_VARIABLES_LENGTH,
    }
    return render(request, "workshop/experiment/task.html", context)


def _join_form(request: HttpRequest, run: ExperimentRun, *, status: int = 200, name: str = "", errors=None):
    context = {"run": run, "name": name, "errors": errors or [], "max_name": MAX_PARTICIPANT_NAME_LENGTH}
    return render(request, "workshop/experiment/join.html", context, status=status)


@require_POST
def join(request: HttpRequest, code: str) -> HttpResponse:
    run = _run_for_page(request, code)
    if isinstance(run, HttpResponse):
        return run
    if _participant(request, run) is not None:
        return redirect(reverse("workshop:experiment:participant", kwargs={"code": run.code}) + "?joined=again")
    name = request.POST.get("name", "")
    try:
        participant = participant_join(run=run, name=name)
    except PermissionDenied as exc:
        return _message(request, 403, "This run is closed", str(exc))
    except ValidationError as exc:
        return _join_form(request, run, status=400, name=name[:100], errors=validation_error_items(exc))
    response = redirect("workshop:experiment:participant", code=run.code)
    response.status_code = 303
    response.set_signed_cookie(
        _cookie_name(run),
        participant.key,
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _json_payload(request: HttpRequest) -> dict | JsonResponse:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return _error(413, ErrorCode.REQUEST_TOO_LARGE, f"The body has {length:,} bytes; at most {MAX_BODY_BYTES:,}.")
    payload = json_object(request, '{"task": 1, "answer": "..."}')
    if isinstance(payload, JsonResponse):
        return payload
    task = payload.get("task")
    if isinstance(task, bool) or not isinstance(task, int) or not 0 < task < 1000:
        return _error(400, ErrorCode.INVALID, "task must be the number of your current task.", field="task")
    for name in ("answer", "variables"):
        if not isinstance(payload.get(name, ""), str):
            return _error(400, ErrorCode.INVALID, f"{name} must be text.", field=name)
    return payload


def _participant_for_json(request: HttpRequest, code: str) -> Participant | JsonResponse:
    run = _find_run(code)
    if run is None:
        return _error(404, ErrorCode.NOT_FOUND, f"No run has the code {_shown_code(code)}.")
    participant = _participant(request, run)
    if participant is None:
        where = reverse("workshop:experiment:participant", kwargs={"code": run.code})
        message = f"You have not joined this run (in this browser): join at {where}."
        return _error(403, ErrorCode.NOT_AUTHENTICATED, message)
    return participant


def _domain_error(exc: Exception) -> JsonResponse:
    if isinstance(exc, ValidationError):
        items = [item.as_dict() for item in validation_error_items(exc)]
        return JsonResponse({"errors": items}, status=400)
    if isinstance(exc, ObjectDoesNotExist):
        return _error(404, ErrorCode.NOT_FOUND, str(getattr(exc, "message", exc)), field=getattr(exc, "field", None))
    return _error(403, getattr(exc, "code", ErrorCode.PERMISSION_DENIED), str(exc))


def _page(participant: Participant) -> str:
    return reverse("workshop:experiment:participant", kwargs={"code": participant.run.code})


def _state(assignment, next_url: str) -> dict:
    return {
        "task": assignment.position,
        "solved": assignment.solved_at is not None,
        "skipped": assignment.skipped_at is not None,
        "seconds": assignment.seconds,
        "time": duration(assignment.seconds),
        "attempts": assignment.attempts.count(),
        "next": next_url,
    }


def _answering(request: HttpRequest, code: str) -> tuple[Participant, dict] | JsonResponse:
    """Who sends an answer or a skip, and what they sent; or why neither can be taken."""
    _require_workshop_mode()
    participant = _participant_for_json(request, code)
    if isinstance(participant, JsonResponse):
        return participant
    payload = _json_payload(request)
    if isinstance(payload, JsonResponse):
        return payload
    return participant, payload


@require_POST
def answer(request: HttpRequest, code: str) -> JsonResponse:
    found = _answering(request, code)
    if isinstance(found, JsonResponse):
        return found
    participant, payload = found
    try:
        assignment, verdict = answer_submit(
            participant=participant,
            position=payload["task"],
            answer=payload.get("answer", ""),
            variables=payload.get("variables", ""),
            host=request.get_host(),
            client_address=client_address(request),
        )
    except DOMAIN_ERRORS as exc:
        return _domain_error(exc)
    except TaskUnavailable as exc:
        return _error(409, ErrorCode.NOT_FOUND, f"This task cannot be checked: {exc}.")
    data = _state(assignment, _page(participant))
    data["correct"] = verdict.correct
    data["message"] = verdict.message
    if not verdict.correct:
        data["errors"] = [{"field": "answer", "code": verdict.code, "message": verdict.message}]
    return JsonResponse(data)


@require_POST
def skip(request: HttpRequest, code: str) -> JsonResponse:
    found = _answering(request, code)
    if isinstance(found, JsonResponse):
        return found
    participant, payload = found
    try:
        assignment = task_skip(participant=participant, position=payload["task"])
    except DOMAIN_ERRORS as exc:
        return _domain_error(exc)
    return JsonResponse(_state(assignment, _page(participant)))


# The facilitator --------------------------------------------------------------------------


@require_POST
@staff_member_required
def open_run(request: HttpRequest) -> HttpResponse:
    _require_workshop_mode()
    name = request.POST.get("name", "")
    try:
        run = run_open(name=name, user=request.user)
    except ValidationError as exc:
        return _home(request, status=400, name=name[:200], errors=validation_error_items(exc))
    return redirect("workshop:experiment:results", code=run.code)


@require_GET
@staff_member_required
def results(request: HttpRequest, code: str) -> HttpResponse:
    run = _run_for_page(request, code)
    if isinstance(run, HttpResponse):
        return run
    rows = result_rows(run)
    summary = summarise(rows)
    tasks = load_tasks()
    progress: dict[str, dict] = {}
    for row in rows:
        seat = progress.setdefault(row.participant, {"name": row.participant, "solved": 0, "skipped": 0, "left": 0})
        seat["solved"] += row.solved
        seat["skipped"] += row.skipped
        seat["left"] += not (row.solved or row.skipped)
    context = {
        "run": run,
        "join_url": request.build_absolute_uri(reverse("workshop:experiment:participant", kwargs={"code": run.code})),
        "summary": summary,
        "chart": chart(summary),
        "progress": list(progress.values()),
        "task_lines": [(line, tasks.get(line.label)) for line in summary.by_task],
        "paper": PAPER,
    }
    return render(request, "workshop/experiment/results.html", context)


@require_GET
@staff_member_required
def results_download(request: HttpRequest, code: str) -> HttpResponse:
    run = _run_for_page(request, code)
    if isinstance(run, HttpResponse):
        return run
    response = HttpResponse(results_csv(run, result_rows(run)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="experiment-{run.code}.csv"'
    return response


@require_POST
@staff_member_required
def run_state(request: HttpRequest, code: str) -> HttpResponse:
    run = _run_for_page(request, code)
    if isinstance(run, HttpResponse):
        return run
    wanted = request.POST.get("open")
    if wanted not in ("0", "1"):
        return _message(request, 400, "Open or close?", "Send open=1 to open the run or open=0 to close it.")
    run_set_open(run=run, is_open=wanted == "1")
    return redirect("workshop:experiment:results", code=run.code)
