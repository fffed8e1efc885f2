from django.db import models


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
