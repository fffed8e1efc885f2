"""Writes of the timed experiment: open and close a run, join it, show, answer and skip tasks.

Each write is one conditional statement or a transaction holding the run's row, so two
replicas (or a double click) cannot join one seat twice, start a clock twice, or solve a
task twice.
"""

import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models.functions import Now

from catalog.errors import ErrorCode, Forbidden, NotFound, error
from catalog.text import INVALID_CHARACTERS_MESSAGE, has_invalid_characters, strip_blanks

from .experiment import MAX_ANSWER_LENGTH, MAX_VARIABLES_LENGTH, Verdict, grade, load_tasks, plan
from .models import Attempt, ExperimentRun, Participant, TaskAssignment

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud and typed
CODE_LENGTH = 6
MAX_RUN_NAME_LENGTH = 100
MAX_PARTICIPANT_NAME_LENGTH = 40


def _one_line(value: str, *, field: str, what: str, max_length: int) -> str:
    text = strip_blanks(value)
    if not text:
        raise error(field, f"Give {what}.", ErrorCode.REQUIRED)
    if has_invalid_characters(text) or not text.isprintable():
        raise error(field, f"{what.capitalize()} is one line of printable text.", ErrorCode.INVALID_CHARACTERS)
    if len(text) > max_length:
        raise error(field, f"{what.capitalize()} has at most {max_length} characters.", ErrorCode.MAX_LENGTH)
    return text


def run_open(*, name: str, user: AbstractBaseUser | None) -> ExperimentRun:
    """A new open run with a fresh join code."""
    name = _one_line(name, field="name", what="a name for the run", max_length=MAX_RUN_NAME_LENGTH)
    for _ in range(10):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                return ExperimentRun.objects.create(name=name, code=code, seed=secrets.randbits(32), created_by=user)
        except IntegrityError:
            continue  # the code is taken: draw another
    raise RuntimeError("no free join code after 10 draws")


def run_set_open(*, run: ExperimentRun, is_open: bool) -> None:
    """Open or close a run: a closed run takes no new participants and no answers."""
    ExperimentRun.objects.filter(pk=run.pk).update(is_open=is_open)
    run.is_open = is_open


def _closed() -> Forbidden:
    return Forbidden("This run is closed: the facilitator has stopped it. Answers sent before are kept.")


@transaction.atomic
def participant_join(*, run: ExperimentRun, name: str) -> Participant:
    """A participant with their tasks: half in each style, in an order of their own."""
    name = _one_line(name, field="name", what="your name", max_length=MAX_PARTICIPANT_NAME_LENGTH)
    # Joins to one run queue on its row: each gets the next ordinal and sees the names before it.
    locked = ExperimentRun.objects.select_for_update().get(pk=run.pk)
    if not locked.is_open:
        raise _closed()
    if locked.participants.filter(name__iexact=name).exists():
        raise error("name", f"Someone in this run is called {name} already: pick another name.", ErrorCode.INVALID)
    tasks = load_tasks()
    participant = Participant.objects.create(
        run=locked,
        name=name,
        key=secrets.token_urlsafe(32),
        ordinal=locked.participants.count(),
        seed=secrets.randbits(32),
    )
    assigned = plan(
        tasks=list(tasks), run_seed=locked.seed, ordinal=participant.ordinal, participant_seed=participant.seed
    )
    TaskAssignment.objects.bulk_create(
        TaskAssignment(
            participant=participant, position=position, task=slug, style=style, parameters=tasks[slug].parameters
        )
        for position, (slug, style) in enumerate(assigned, start=1)
    )
    return participant


def current_assignment(*, participant: Participant) -> TaskAssignment | None:
    """The first task neither solved nor skipped, its clock started the first time it is shown."""
    current = participant.assignments.filter(solved_at__isnull=True, skipped_at__isnull=True).first()
    if current is None or current.shown_at is not None or not participant.run.is_open:
        return current
    TaskAssignment.objects.filter(pk=current.pk, shown_at__isnull=True).update(shown_at=Now())
    current.refresh_from_db(fields=["shown_at"])
    return current


def _assignment_to_answer(participant: Participant, position: int) -> TaskAssignment:
    if not participant.run.is_open:
        raise _closed()
    assignments = list(participant.assignments.all())
    target = next((a for a in assignments if a.position == position), None)
    if target is None:
        raise NotFound(f"You have no task {position}: your tasks are 1 to {len(assignments)}.", field="task")
    if target.solved_at is not None:
        raise error("task", f"Task {position} is solved already.", ErrorCode.INVALID)
    if target.skipped_at is not None:
        raise error("task", f"Task {position} was skipped.", ErrorCode.INVALID)
    current = next(a for a in assignments if not a.finished)
    if target != current:
        message = f"Task {position} is not your current task: finish or skip task {current.position} first."
        raise error("task", message, ErrorCode.INVALID)
    if target.shown_at is None:
        raise error("task", "Open the task page first: a task's time starts when it is shown.", ErrorCode.INVALID)
    return target


def answer_submit(
    *, participant: Participant, position: int, answer: str, variables: str = "", host: str, client_address: str
) -> tuple[TaskAssignment, Verdict]:
    """Grade an answer to the participant's current task; the first correct one stops its clock."""
    if len(answer) > MAX_ANSWER_LENGTH:
        raise error("answer", f"An answer has at most {MAX_ANSWER_LENGTH:,} characters.", ErrorCode.MAX_LENGTH)
    if len(variables) > MAX_VARIABLES_LENGTH:
        raise error("variables", f"Variables have at most {MAX_VARIABLES_LENGTH:,} characters.", ErrorCode.MAX_LENGTH)
    if has_invalid_characters(answer) or has_invalid_characters(variables):
        raise error("answer", INVALID_CHARACTERS_MESSAGE, ErrorCode.INVALID_CHARACTERS)
    assignment = _assignment_to_answer(participant, position)
    task = load_tasks().get(assignment.task)
    if task is None:
        raise NotFound(f"The task {assignment.task} is no longer in experiment.yaml: skip it.", field="task")
    verdict = grade(task, assignment.style, answer, variables, host=host, client_address=client_address)
    Attempt.objects.create(
        assignment=assignment,
        answer=answer,
        variables=variables,
        correct=verdict.correct,
        code=verdict.code,
        message=verdict.message[:500],
    )
    if verdict.correct:
        TaskAssignment.objects.filter(pk=assignment.pk, solved_at__isnull=True, skipped_at__isnull=True).update(
            solved_at=Now()
        )
        assignment.refresh_from_db(fields=["solved_at", "skipped_at"])
    return assignment, verdict


def task_skip(*, participant: Participant, position: int) -> TaskAssignment:
    """Give up the current task: recorded as skipped, with no time."""
    assignment = _assignment_to_answer(participant, position)
    TaskAssignment.objects.filter(pk=assignment.pk, solved_at__isnull=True, skipped_at__isnull=True).update(
        skipped_at=Now()
    )
    assignment.refresh_from_db(fields=["solved_at", "skipped_at"])
    return assignment
