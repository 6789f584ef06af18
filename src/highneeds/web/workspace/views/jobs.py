"""A background job's page, progress, results and downloads."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from highneeds.errors import HighneedsError
from highneeds.web.accounts.permissions import Role, has_role, workspace_role
from highneeds.web.workspace import figures, services
from highneeds.web.workspace.models import Job

from .downloads import chart, export, table_download


def _job(workspace, job_id) -> Job:
    return get_object_or_404(Job, pk=job_id, workspace=workspace)


@workspace_role(Role.VIEWER)
@require_GET
def job(request, workspace, job_id):
    return _job_page(request, workspace, _job(workspace, job_id))


def _job_page(request, workspace, found: Job, *, confirm_error: str = "", status: int = 200):
    finished = found.status == Job.Status.SUCCEEDED
    return render(
        request,
        "workspace/job.html",
        {
            "workspace": workspace,
            "job": found,
            "can_confirm": has_role(request.user, workspace, Role.ANALYST),
            "confirm_error": confirm_error,
            "panels": services.job_panels(found) if finished else [],
            "active": {
                Job.Kind.FORECAST: "forecast",
                Job.Kind.SCENARIOS: "scenarios",
                Job.Kind.SUFFICIENCY: "finance",
            }.get(found.kind, "data"),
        },
        status=status,
    )


@workspace_role(Role.ANALYST)
@require_POST
def job_confirm(request, workspace, job_id):
    """An analyst's answer to an import that stopped to ask: replace the stored return and/or
    accept its validation errors. Every question asked must be ticked."""
    found = _job(workspace, job_id)
    asked = (found.result or {}).get("confirm") or {}
    replace, accept_errors = (request.POST.get(k) == "1" for k in ("replace", "accept_errors"))
    missing = [
        text
        for needed, given, text in (
            (asked.get("needs_replace"), replace, "tick to replace the stored return"),
            (asked.get("needs_accept_errors"), accept_errors, "tick to accept its errors"),
        )
        if needed and not given
    ]
    if found.status == Job.Status.AWAITING and missing:
        error = "To import this file, " + " and ".join(missing) + "."
        return _job_page(request, workspace, found, confirm_error=error, status=400)
    try:
        services.confirm_import(found, request.user, replace=replace, accept_errors=accept_errors)
    except HighneedsError as error:
        messages.error(request, str(error))
    return redirect("workspace:job", la_code=workspace.la_code, job_id=found.pk)


def _job_table(workspace, job_id, key):
    tables = services.job_tables(_job(workspace, job_id))
    if key not in tables:
        raise Http404("No such table in this job's results.")
    return tables[key]


@workspace_role(Role.VIEWER)
@require_GET
def job_download(request, workspace, job_id, key, fmt):
    return table_download(
        request,
        workspace,
        _job_table(workspace, job_id, key),
        fmt,
        target=f"job {job_id}/{key}.{fmt}",
        name=f"{workspace.la_code}-job{job_id}-{key}",
    )


@workspace_role(Role.VIEWER)
@require_GET
def job_chart(request, workspace, job_id, key):
    # A finished job's results never change, so its id names its charts for good.
    return chart(_job_table(workspace, job_id, key), cache_key=f"chart:job:{job_id}:{key}")


@workspace_role(Role.VIEWER)
@require_GET
def job_status(request, workspace, job_id):
    """Progress for the job page's script (the page works without it: reload to see)."""
    found = _job(workspace, job_id)
    return JsonResponse(
        {
            "status": found.status,
            "status_label": found.get_status_display(),
            "progress": found.progress,
            "message": found.message,
            "finished": found.is_finished,
        }
    )


@workspace_role(Role.VIEWER)
@require_GET
def job_workbook(request, workspace, job_id):
    found = _job(workspace, job_id)
    data = services.job_workbook(found)
    if data is None:
        raise Http404("This job wrote no workbook.")
    return export(
        request,
        workspace,
        data,
        filename=f"{workspace.la_code}-job{job_id}-dsg-plan.xlsx",
        content_type=figures.FORMATS["xlsx"],
        target=f"job {job_id}/workbook.xlsx",
    )
