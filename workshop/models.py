"""The timed experiment's state: runs, participants, their tasks and every answer they sent.

The database is the only state, so any replica serves any participant. Times are the
database's clock (``Now()``), the same for every replica.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Now

STYLE_CHOICES = [("rest", "REST"), ("graphql", "GraphQL")]


class ExperimentRun(models.Model):
    """One sitting of the experiment: a facilitator opens it, participants join it by its code."""

    name = models.CharField(max_length=100)
    code = models.CharField(max_length=12, unique=True)
    # Draws each pair of participants' styles (experiment.plan).
    seed = models.PositiveBigIntegerField()
    is_open = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Participant(models.Model):
    run = models.ForeignKey(ExperimentRun, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(max_length=40)
    # The signed cookie names the participant by this key.
    key = models.CharField(max_length=64, unique=True)
    # Join order within the run: 0 and 1 are a pair, 2 and 3 the next, and so on.
    ordinal = models.PositiveIntegerField()
    # Draws the order of the participant's tasks.
    seed = models.PositiveBigIntegerField()
    joined_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["run", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["run", "ordinal"], name="participant_run_ordinal_unique"),
            models.UniqueConstraint(F("run"), Lower("name"), name="participant_run_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class TaskAssignment(models.Model):
    """One task of experiment.yaml for one participant, in one style, timed from shown to solved."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="assignments")
    position = models.PositiveSmallIntegerField()
    task = models.CharField(max_length=50)
    style = models.CharField(max_length=7, choices=STYLE_CHOICES)
    # As the task had when it was assigned, so results stay put if the task file changes.
    parameters = models.PositiveSmallIntegerField()
    shown_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    skipped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["participant", "position"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "position"], name="assignment_position_unique"),
            models.UniqueConstraint(fields=["participant", "task"], name="assignment_task_unique"),
            models.CheckConstraint(condition=Q(style__in=["rest", "graphql"]), name="assignment_style_known"),
            models.CheckConstraint(
                condition=Q(solved_at__isnull=True) | Q(skipped_at__isnull=True), name="assignment_solved_or_skipped"
            ),
            models.CheckConstraint(
                condition=Q(shown_at__isnull=False) | (Q(solved_at__isnull=True) & Q(skipped_at__isnull=True)),
                name="assignment_finished_after_shown",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant}: {self.position}. {self.task} ({self.get_style_display()})"

    @property
    def finished(self) -> bool:
        return self.solved_at is not None or self.skipped_at is not None

    @property
    def seconds(self) -> float | None:
        """From shown to the first correct answer; None unless solved."""
        if self.solved_at is None or self.shown_at is None:
            return None
        return (self.solved_at - self.shown_at).total_seconds()


class Attempt(models.Model):
    """An answer as sent, and what the server made of it."""

    assignment = models.ForeignKey(TaskAssignment, on_delete=models.CASCADE, related_name="attempts")
    submitted_at = models.DateTimeField(db_default=Now())
    answer = models.TextField()
    variables = models.TextField(blank=True)
    correct = models.BooleanField()
    # Why it was wrong: a catalogue code (the API's own when the API refused it); empty when correct.
    code = models.CharField(max_length=40, blank=True)
    message = models.CharField(max_length=500)

    class Meta:
        ordering = ["assignment", "id"]

    def __str__(self) -> str:
        return f"{self.assignment}: {'correct' if self.correct else self.code}"


class LoadRun(models.Model):
    """One `manage.py compare --load` run, kept in the database so every replica's compare page shows it."""

    started_at = models.DateTimeField()
    base_url = models.CharField(max_length=200)
    # Everything the run measured, as workshop.load.run_load returns it.
    run = models.JSONField()

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"load run of {self.started_at:%Y-%m-%d %H:%M} against {self.base_url}"
