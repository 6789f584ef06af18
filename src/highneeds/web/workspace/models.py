"""Background jobs people start from the workspace (imports, forecasts, documents) and their
progress. Each workspace numbers its own jobs 1, 2, 3…: the number people see and the URLs use;
the global id stays internal."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, models, transaction

from highneeds.web.accounts.models import Workspace
from highneeds.web.core.models import TimeStampedModel


class Job(TimeStampedModel):
    """One piece of long work, run by a django-tasks worker; the page polls its progress."""

    class Kind(models.TextChoices):
        IMPORT = "import", "Import a file"
        FORECAST = "forecast", "Run a forecast"
        SCENARIOS = "scenarios", "Compare scenarios"
        SUFFICIENCY = "sufficiency", "Check place sufficiency"
        RENDER = "render", "Prepare a document"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"
        # An import that would replace stored data or has errors: nothing is written until
        # the person confirms (or the sweeper discards it).
        AWAITING = "awaiting", "Waiting for your confirmation"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="jobs")
    number = models.PositiveIntegerField(
        editable=False, help_text="The job's number within its workspace: 1, 2, 3…"
    )
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
    # A document the job prepared (Kind.RENDER): sent by the job's download link.
    file = models.BinaryField(null=True, blank=True, editable=False)
    file_name = models.CharField(max_length=255, blank=True)
    file_type = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "number"], name="job_number_per_workspace")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} ({self.status})"

    def save(self, *args, **kwargs):
        """A new job takes the next number in its workspace; two started at once (PostgreSQL)
        cannot share one: the loser of the race takes the next."""
        if self.number is not None or not self._state.adding:
            return super().save(*args, **kwargs)
        for attempt in range(5):
            newest = Job.objects.filter(workspace_id=self.workspace_id).aggregate(
                newest=models.Max("number")
            )["newest"]
            self.number = (newest or 0) + 1
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                self.number = None
                if attempt == 4:
                    raise
        return None

    @property
    def label(self) -> str:
        """The job's name on screen: what it is and its number in the workspace."""
        if self.kind == self.Kind.RENDER:
            return (self.options or {}).get("title") or f"Document {self.number}"
        name = {
            self.Kind.FORECAST: "Forecast",
            self.Kind.SCENARIOS: "Scenario comparison",
            self.Kind.SUFFICIENCY: "Sufficiency check",
            self.Kind.IMPORT: "Import",
        }.get(self.kind, "Job")
        return f"{name} {self.number}"

    @property
    def is_finished(self) -> bool:
        """Whether the job has stopped running (the page stops polling)."""
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED, self.Status.AWAITING)


class DecisionPack(TimeStampedModel):
    """A Cabinet or Scrutiny decision pack: the officer's words, section by section (highneeds
    fills every number when it is written), and the decision once the meeting has made it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="packs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    meeting = models.CharField(max_length=100, help_text="For example Cabinet, or Scrutiny.")
    meeting_date = models.DateField(null=True, blank=True)
    report_of = models.CharField(max_length=200, help_text="Who the report is from.")
    purpose = models.TextField(blank=True)
    recommendations = models.TextField(blank=True, help_text="One recommendation a line.")
    background = models.TextField(blank=True)
    consultation_text = models.TextField(blank=True)
    consultation = models.ForeignKey(
        "consultations.Consultation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decision_packs",
    )
    financial = models.TextField(blank=True)
    legal = models.TextField(blank=True)
    equality = models.TextField(blank=True)
    #: [{"risk": ..., "mitigation": ..., "rating": "Low|Medium|High"}]
    risks = models.JSONField(default=list, blank=True)
    #: Names of the workspace's saved scenarios compared as the options considered.
    scenarios = models.JSONField(default=list, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    decision = models.TextField(blank=True)
    scrutiny_comments = models.TextField(blank=True)
    decision_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def has_decision(self) -> bool:
        return self.decision_date is not None and bool(self.decision.strip())
