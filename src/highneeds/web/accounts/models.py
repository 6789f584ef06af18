"""Workspaces (one per local authority), who may use them and in what role, and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from highneeds.web.core.models import TimeStampedModel


class Workspace(TimeStampedModel):
    """One local authority's planning space. Everything an LA imports or creates hangs off it."""

    la_code = models.CharField(
        "LA code",
        max_length=9,
        unique=True,
        help_text="DfE three-digit LA number (e.g. 201) or ONS code (e.g. E09000001).",
    )
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.la_code})"


class Membership(TimeStampedModel):
    """A person's role in one workspace. Roles are ordered: viewer < analyst < admin."""

    class Role(models.TextChoices):
        VIEWER = "viewer", "Viewer (read only)"
        ANALYST = "analyst", "Analyst (import, forecast, edit scenarios)"
        ADMIN = "admin", "Admin (also manages members)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "workspace"], name="one_role_per_workspace")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.workspace.la_code} – {self.role}"


class AuditEvent(models.Model):
    """Who did what, when, to which workspace. Never holds children's personal data."""

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_REFUSED = "sign_in_refused", "Sign-in refused"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        UPLOAD = "upload", "Uploaded a file"
        IMPORT = "import", "Imported data"
        IMPORT_FAILED = "import_failed", "Import failed"
        IMPORT_HELD = "import_held", "Import waiting for confirmation"
        EXPORT = "export", "Exported data"
        VIEW = "view", "Viewed personal data"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        DELETE = "delete", "Deleted"
        RUN = "run", "Ran a job"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    workspace = models.ForeignKey(
        Workspace, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    target = models.CharField(
        max_length=200,
        blank=True,
        help_text="What was acted on, e.g. 'scenario 12' or a file name.",
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target}"


class RateLimitHit(models.Model):
    """One counted event (e.g. a failed sign-in) under a key. In the database so that every web
    process sees the same counts."""

    key = models.CharField(max_length=200, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["key", "at"], name="ratelimit_key_at")]
