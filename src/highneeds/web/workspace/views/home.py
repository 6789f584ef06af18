"""The workspace list, pages still to come, and the audit log."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from highneeds.web.accounts import audit
from highneeds.web.accounts.permissions import Role, signed_in, workspace_role, workspaces_for

# Pages whose core is not written yet: page -> (title, purpose). Each names the issue that
# brings it.
COMING: dict[str, tuple[str, str]] = {}


@signed_in
@require_GET
def index(request):
    """The workspaces this person can open."""
    return render(request, "workspace/index.html", {"workspaces": workspaces_for(request.user)})


@workspace_role(Role.VIEWER)
@require_GET
def coming(request, workspace, page):
    title, purpose = COMING[page]
    return render(
        request,
        "workspace/coming.html",
        {
            "workspace": workspace,
            "title": title,
            "purpose": purpose,
            "active": page,
        },
    )


@workspace_role(Role.ADMIN)
@require_GET
def audit_log(request, workspace):
    return render(
        request,
        "workspace/audit.html",
        {
            "workspace": workspace,
            "events": audit.recent(workspace, limit=200),
            "active": "audit",
        },
    )
