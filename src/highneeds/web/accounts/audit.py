"""The audit log service: record imports, exports, changes and sign-ins in one shape.

Call ``audit.record(...)`` from services, never build AuditEvent rows by hand. ``detail`` is for
counts, ids and file names — never names, UPNs or birth dates of children.
"""

from __future__ import annotations

from typing import Any

from .models import AuditEvent, Workspace

Action = AuditEvent.Action


def record(
    action: str,
    *,
    actor=None,
    workspace: Workspace | None = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Store one audit event. actor may be None or an anonymous user (stored as no actor)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        action=action, actor=actor, workspace=workspace, target=target[:200], detail=detail or {}
    )


def recent(workspace: Workspace, limit: int = 50):
    """The workspace's latest events, newest first."""
    return AuditEvent.objects.filter(workspace=workspace).select_related("actor")[:limit]
