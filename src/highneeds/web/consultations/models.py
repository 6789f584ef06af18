"""Consultations, their proposals, and the responses people send.

Codes (versions, respondent types, sources, agreement answers) come from
``highneeds.consult.analysis.schema`` so collection and analysis spell them the same way.
Personal fields of a response are listed in ``Response.PERSONAL_FIELDS``; retention erasure and
erasure by reference (``services``) clear exactly those.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from highneeds.consult.analysis import schema
from highneeds.limits import RETENTION_DAYS, retention_days
from highneeds.web.accounts.models import Workspace
from highneeds.web.core.models import TimeStampedModel

WHY_MAX_CHARS = 5000
SHORT_MAX_CHARS = 200


def _choices(codes: dict[str, str]) -> list[tuple[str, str]]:
    return list(codes.items())


VERSION_CHOICES = _choices(schema.VERSIONS)
RESPONDENT_TYPE_CHOICES = _choices(schema.RESPONDENT_TYPES)
SOURCE_CHOICES = _choices(schema.SOURCES)
AGREEMENT_CHOICES = [(code, schema.AGREEMENT_LABELS[code]) for code in schema.AGREEMENT_ANSWERS]


class Consultation(TimeStampedModel):
    """One public consultation run by a workspace (an LA)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Phase(models.TextChoices):
        DRAFT = "draft", "Draft"
        NOT_YET_OPEN = "not_yet_open", "Not yet open"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="consultations")
    slug = models.SlugField(
        max_length=80,
        unique=True,
        help_text="The web address: /consult/<this>/. Letters, numbers, hyphens.",
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="What the consultation is about, in a few sentences.")
    background = models.TextField(blank=True, help_text="Why the council is consulting.")
    easy_read_summary = models.TextField(blank=True)
    young_person_summary = models.TextField(blank=True)
    offers_easy_read = models.BooleanField(default=True)
    offers_young_person = models.BooleanField(default=True)
    asks_area_of_residence = models.BooleanField(default=True)
    residence_areas = models.TextField(
        blank=True, help_text="One area per line. Leave empty to let people type their area."
    )
    asks_equality = models.BooleanField(
        "Ask equality monitoring questions",
        default=True,
        help_text="Optional for respondents; stored apart from their answers.",
    )
    privacy_notice = models.TextField()
    contact = models.CharField(max_length=200, help_text="Email or postal address for questions.")
    opens_at = models.DateTimeField(help_text="Europe/London time.")
    closes_at = models.DateTimeField(
        help_text="Europe/London time. Submissions stop at this second."
    )
    retention_days = models.PositiveIntegerField(
        default=365,
        validators=[
            MinValueValidator(RETENTION_DAYS.low, f"Enter {RETENTION_DAYS.describe()}"),
            MaxValueValidator(RETENTION_DAYS.high, f"Enter {RETENTION_DAYS.describe()}"),
        ],
        help_text="Days after closing before personal details are erased, "
        f"{RETENTION_DAYS.describe()}.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    personal_data_erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="closes_after_opening"
            ),
            models.CheckConstraint(
                condition=models.Q(retention_days__lte=RETENTION_DAYS.high),
                name="retention_days_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # Every way of saving (form, command, import) meets the same range as the form.
        retention_days().check(self.retention_days, "The retention period")
        super().save(*args, **kwargs)

    def phase(self, now=None) -> str:
        """Draft, not yet open, open or closed — at ``now`` (to the second)."""
        now = now or timezone.now()
        if self.status != self.Status.PUBLISHED:
            return self.Phase.DRAFT
        if now < self.opens_at:
            return self.Phase.NOT_YET_OPEN
        if now >= self.closes_at:
            return self.Phase.CLOSED
        return self.Phase.OPEN

    def is_open(self, now=None) -> bool:
        return self.phase(now) == self.Phase.OPEN

    @property
    def erase_personal_data_after(self):
        return self.closes_at + timedelta(days=self.retention_days)

    def versions(self) -> list[str]:
        offered = ["standard"]
        if self.offers_easy_read:
            offered.append("easy_read")
        if self.offers_young_person:
            offered.append("young_person")
        return offered

    def residence_area_list(self) -> list[str]:
        return [line.strip() for line in self.residence_areas.splitlines() if line.strip()]


class BackgroundLink(models.Model):
    """A background document or page (e.g. the review summary) shown on the start page."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="links")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)

    class Meta:
        ordering = ["position", "id"]


class Area(models.Model):
    """A group of proposals answered on one page (e.g. "Specialist settings")."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="areas")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    easy_read_introduction = models.TextField(blank=True)
    young_person_introduction = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "position"], name="one_area_per_position"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def introduction_for(self, version: str) -> str:
        return _text_for(self, "introduction", version)


def _text_for(obj, field: str, version: str) -> str:
    """The version's own wording, falling back to the standard wording when none was written."""
    if version != "standard":
        own = getattr(obj, f"{version}_{field}", "")
        if own:
            return own
    return getattr(obj, field)


class Proposal(models.Model):
    """One proposal: asked as agreement (five points + don't know) and "tell us why"."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="proposals")
    position = models.PositiveSmallIntegerField()
    code = models.SlugField(
        max_length=40, help_text="Stable column code in exports, e.g. P1. Cannot change once open."
    )
    text = models.TextField(help_text="The proposal, standard wording.")
    easy_read_text = models.TextField(blank=True)
    young_person_text = models.TextField(blank=True)
    agreement_question = models.CharField(
        max_length=300, default="To what extent do you agree or disagree with this proposal?"
    )
    why_question = models.CharField(max_length=300, default="Tell us why (optional)")

    class Meta:
        ordering = ["area__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["area", "position"], name="one_proposal_per_position")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"

    def text_for(self, version: str) -> str:
        return _text_for(self, "text", version)

    @property
    def agree_key(self) -> str:
        return schema.agree_column(self.code)

    @property
    def why_key(self) -> str:
        return schema.why_column(self.code)


class Response(TimeStampedModel):
    """One person's (or organisation's) response, online or entered by staff."""

    PERSONAL_FIELDS = (
        "organisation_name",
        "contact_email",
        "client_fingerprint",
        "address_fingerprint",
    )

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="responses"
    )
    reference = models.CharField(max_length=11, unique=True)
    submission_token = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text="One per journey, so a repeated submit returns the first reference.",
    )
    version = models.CharField(max_length=16, choices=VERSION_CHOICES, default="standard")
    source = models.CharField(max_length=16, choices=SOURCE_CHOICES, default="online")
    source_note = models.CharField(max_length=SHORT_MAX_CHARS, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    respondent_type = models.CharField(max_length=32, choices=RESPONDENT_TYPE_CHOICES)
    area_of_residence = models.CharField(max_length=SHORT_MAX_CHARS, blank=True)
    organisation_name = models.CharField(max_length=SHORT_MAX_CHARS, blank=True)
    contact_email = models.EmailField(blank=True)
    client_fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    address_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        help_text="Keyed hash of the client's address alone: duplicates from one address.",
    )
    personal_data_erased_at = models.DateTimeField(null=True, blank=True)
    duplicates_checked_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it was compared with earlier responses from its address; empty until "
        "then (the send leaves the comparison to staff pages: see "
        "services.flag_pending_duplicates).",
    )

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [
            # Finding the few responses not yet checked, on every staff page that shows flags.
            models.Index(
                fields=["consultation"],
                condition=models.Q(duplicates_checked_at__isnull=True),
                name="response_duplicates_pending",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class Answer(models.Model):
    """A response's answer to one proposal. ``why_published`` is set only by a moderator."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="answers")
    agreement = models.CharField(max_length=32, choices=AGREEMENT_CHOICES, blank=True)
    why = models.TextField(blank=True, max_length=WHY_MAX_CHARS)
    why_published = models.TextField(
        null=True,
        blank=True,
        help_text="Moderated wording that may be quoted; None until reviewed.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "proposal"], name="one_answer_per_proposal")
        ]


class Redaction(models.Model):
    """Who moderated a free-text answer, when, and which kinds of detail they took out.

    The removed text itself is not copied here: that would keep the personal data twice.
    """

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="redactions")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    removed_kinds = models.JSONField(default=list, help_text="e.g. ['name', 'email']")
    characters_removed = models.IntegerField(default=0)
    automatic_suggestion_used = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at"]


class EqualityMonitoring(models.Model):
    """Optional equality answers, kept in their own table and never in response exports."""

    class AgeBand(models.TextChoices):
        UNDER_16 = "under_16", "Under 16"
        AGE_16_24 = "16_24", "16 to 24"
        AGE_25_44 = "25_44", "25 to 44"
        AGE_45_64 = "45_64", "45 to 64"
        AGE_65_PLUS = "65_plus", "65 or over"
        PREFER_NOT = "prefer_not", "Prefer not to say"

    class YesNo(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        PREFER_NOT = "prefer_not", "Prefer not to say"

    class Ethnicity(models.TextChoices):
        ASIAN = "asian", "Asian or Asian British"
        BLACK = "black", "Black, Black British, Caribbean or African"
        MIXED = "mixed", "Mixed or multiple ethnic groups"
        WHITE = "white", "White"
        OTHER = "other", "Other ethnic group"
        PREFER_NOT = "prefer_not", "Prefer not to say"

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="equality")
    age_band = models.CharField(max_length=16, choices=AgeBand.choices, blank=True)
    disabled = models.CharField(
        "Do you consider yourself disabled?", max_length=16, choices=YesNo.choices, blank=True
    )
    ethnic_group = models.CharField(max_length=16, choices=Ethnicity.choices, blank=True)


class DuplicateFlag(models.Model):
    """A response that looks like a repeat of an earlier one, for a person to decide."""

    class Decision(models.TextChoices):
        OPEN = "open", "Not reviewed"
        DUPLICATE = "duplicate", "Is a duplicate (exclude from analysis)"
        NOT_DUPLICATE = "not_duplicate", "Not a duplicate"

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="duplicate_flags")
    duplicate_of = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField()
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "duplicate_of"], name="one_flag_per_pair")
        ]


class SavedDraft(TimeStampedModel):
    """Answers a respondent saved to finish later (GOV.UK "save and return").

    Reached once, by an emailed link or by a reference code with a memorable word; each save
    makes a new draft with new secrets and a use deletes it (``drafts``). Secrets are kept only
    as hashes. A draft expires ``drafts.DRAFT_DAYS`` after saving or when the consultation
    closes, whichever is first; ``prune_sessions_and_limits`` deletes expired drafts, erasure
    on request finds one by its reference, and retention erasure deletes a consultation's drafts.
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="saved_drafts"
    )
    version = models.CharField(max_length=16, choices=VERSION_CHOICES, default="standard")
    reference_hash = models.CharField(
        max_length=64, unique=True, help_text="Keyed hash of the reference code."
    )
    link_hash = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text="SHA-256 of the emailed link's random token; empty when no link was sent.",
    )
    word_hash = models.CharField(
        max_length=128, blank=True, help_text="Password hash of the memorable word, if any."
    )
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    answers = models.JSONField(help_text="The journey so far: about you, areas, equality.")
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["expires_at"]
