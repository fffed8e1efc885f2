"""Joins and answers that arrive at once, as from several replicas, on PostgreSQL's real locks."""

from collections import Counter
from functools import partial

import pytest
from django.core.exceptions import ValidationError

from catalog.errors import validation_error_items
from tests.concurrency import run_at_once
from workshop.experiment import load_tasks
from workshop.experiment_services import answer_submit, current_assignment, participant_join, run_open
from workshop.models import Participant, TaskAssignment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_participants_joining_at_once_each_get_a_seat_and_pairs_mirror_each_other():
    run = run_open(name="Rush", user=None)
    joined = run_at_once(*(partial(participant_join, run=run, name=f"P{i}") for i in range(6)))
    assert all(isinstance(p, Participant) for p in joined), joined
    assert sorted(p.ordinal for p in joined) == list(range(6))
    styles = {
        p.ordinal: dict(TaskAssignment.objects.filter(participant=p).values_list("task", "style")) for p in joined
    }
    for first in (0, 2, 4):
        assert all(styles[first][task] != styles[first + 1][task] for task in load_tasks())
    per_task = Counter((task, style) for seat in styles.values() for task, style in seat.items())
    assert set(per_task.values()) == {3}  # every task three times in each style


def test_one_name_joining_twice_at_once_gets_one_seat():
    run = run_open(name="Twice", user=None)
    results = run_at_once(*(partial(participant_join, run=run, name="Ada") for _ in range(2)))
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and [i.code for i in validation_error_items(refused[0])] == ["invalid"]
    assert Participant.objects.filter(run=run).count() == 1


def test_two_right_answers_at_once_stop_the_clock_once(demo):
    run = run_open(name="Double click", user=None)
    participant = participant_join(run=run, name="Ada")
    assignment = current_assignment(participant=Participant.objects.select_related("run").get(pk=participant.pk))
    solution = load_tasks()[assignment.task].solutions[assignment.style]
    submit = partial(
        answer_submit,
        participant=Participant.objects.select_related("run").get(pk=participant.pk),
        position=assignment.position,
        answer=solution,
        host="testserver",
        client_address="127.0.0.1",
    )
    results = run_at_once(submit, submit)
    solved = [r for r in results if isinstance(r, tuple)]
    assert solved and all(verdict.correct for _, verdict in solved), results
    late = [r for r in results if not isinstance(r, tuple)]  # read after the first had committed
    assert all("solved already" in item.message for r in late for item in validation_error_items(r)), results
    assignment.refresh_from_db()
    assert assignment.solved_at is not None
    assert {a.solved_at for a, _ in solved} == {assignment.solved_at}  # the first one counted, once
