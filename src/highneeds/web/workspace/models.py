"""Background jobs people start from the workspace (imports, forecasts) and their progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from highneeds.web.accounts.models import Workspace
from highneeds.web.core.models import TimeStampedModel


class Job(TimeStampedModel):
    """One piece of long work, run by a django-tasks worker; the page polls its progress."""

    class Kind(models.TextChoices):
        IMPORT = "import", "Import a file"
        FORECAST = "forecast", "Run a forecast"
        SCENARIOS = "scenarios", "Compare scenarios"
        SUFFICIENCY = "sufficiency", "Check place sufficiency"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"
        # An import that would replace stored data or has errors: nothing is written until
        # the person confirms (or the sweeper discards it).
        AWAITING = "awaiting", "Waiting for your confirmation"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, 0–100.")
    message = models.CharField(max_length=300, blank=True, help_text="What is happening now.")
    input_name = models.CharField(max_length=255, blank=True, help_text="Uploaded file's name.")
    input_path = models.CharField(max_length=500, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    # What the person chose (e.g. a forecast's horizon and simulations).
    options = models.JSONField(default=dict, blank=True)
    # What the job found: counts, validation problems (messages with file/row/column).
    result = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        """Whether the job has stopped running (the page stops polling)."""
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED, self.Status.AWAITING)
