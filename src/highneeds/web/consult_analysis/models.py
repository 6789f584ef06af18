"""What analysts store about a consultation's analysis: reviewed themes and the report's text.

The themes themselves live in the core's ``ThemeSet`` (highneeds.consult.analysis.review),
stored whole as JSON: it records every answer-theme decision with its origin (human or
machine), the reviewed answers and a log of human operations, and it knows how to fold in a
machine rerun without losing people's work.
"""

from __future__ import annotations

from django.db import models

from highneeds.web.consultations.models import Consultation
from highneeds.web.core.models import TimeStampedModel


class ConsultationAnalysis(TimeStampedModel):
    """The report's own words (the "we asked, you said, we did" page) and the codebook."""

    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="analysis"
    )
    report_title = models.CharField(max_length=200, blank=True)
    council = models.CharField(max_length=200, blank=True)
    period = models.CharField(max_length=200, blank=True, help_text="e.g. 1 March to 31 May 2026")
    notice = models.CharField(
        max_length=200, blank=True, help_text="Printed on every page, e.g. 'Draft' or 'Demo data'"
    )
    introduction = models.TextField(blank=True)
    we_did = models.JSONField(default=dict, blank=True, help_text="proposal code -> text")
    codebook_text = models.TextField(blank=True, help_text="The codebook as CSV, as uploaded")
    codebook_name = models.CharField(max_length=200, blank=True)
    imported_ids = models.JSONField(
        default=dict,
        blank=True,
        help_text="response reference -> the id its survey export gave it (for downloads)",
    )


class ThemeReview(TimeStampedModel):
    """One question's themes under review, and the state of the latest machine run."""

    class Mode(models.TextChoices):
        DISCOVERY = "discovery", "Discover themes"
        CODEBOOK = "codebook", "Code against the codebook"

    class Status(models.TextChoices):
        NEW = "new", "Not run yet"
        QUEUED = "queued", "Waiting to run"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="theme_reviews"
    )
    question = models.CharField(max_length=32)
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.DISCOVERY)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    message = models.TextField(blank=True)
    state = models.JSONField(default=dict, blank=True, help_text="ThemeSet.to_dict()")
    landing = models.JSONField(
        default=dict, blank=True, help_text="codebook theme id -> theme id, from the last run"
    )
    backend = models.CharField(
        max_length=16,
        default="static",
        help_text="the sentence encoder of the last run: static (shipped) or minilm (optional)",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "question"], name="one_review_each")
        ]
