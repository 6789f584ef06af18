"""A background job's page, progress, results and downloads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from highneeds.errors import HighneedsError
from highneeds.web.accounts.permissions import Role, has_role, workspace_role
from highneeds.web.workspace import figures, renders, services
from highneeds.web.workspace.models import Job

from .downloads import chart, export, table_download


def _job(request, workspace, number, *, with_file: bool = False) -> Job:
    """The workspace's job ``number`` (its number in the workspace, not the global id), if the
    person may see it: a document needs its renderer's role."""
    jobs = Job.objects.filter(workspace=workspace)
    found = get_object_or_404(jobs if with_file else jobs.defer("file"), number=number)
    if not renders.may_see(request.user, found):
        raise PermissionDenied
    return found


@workspace_role(Role.VIEWER)
@require_GET
def job(request, workspace, number):
    return _job_page(request, workspace, _job(request, workspace, number))


def _job_page(request, workspace, found: Job, *, confirm_error: str = "", status: int = 200):
    finished = found.status == Job.Status.SUCCEEDED
    return render(
        request,
        "workspace/job.html",
        {
            "workspace": workspace,
            "job": found,
            "can_confirm": has_role(request.user, workspace, Role.ANALYST),
            "back": (found.result or {}).get("back"),
            "confirm_error": confirm_error,
            "panels": services.job_panels(found) if finished else [],
            "active": {
                Job.Kind.FORECAST: "forecast",
                Job.Kind.SCENARIOS: "scenarios",
                Job.Kind.SUFFICIENCY: "finance",
                Job.Kind.RENDER: renders.section_of(found),
            }.get(found.kind, "data"),
        },
        status=status,
    )


@workspace_role(Role.ANALYST)
@require_POST
def job_confirm(request, workspace, number):
    """An analyst's answer to an import that stopped to ask: replace the stored return and/or
    accept its validation errors. Every question asked must be ticked."""
    found = _job(request, workspace, number)
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
    return redirect("workspace:job", la_code=workspace.la_code, number=found.number)


def _job_table(request, workspace, number, key):
    found = _job(request, workspace, number)
    tables = services.job_tables(found)
    if key not in tables:
        raise Http404("No such table in this job's results.")
    return found, tables[key]


@workspace_role(Role.VIEWER)
@require_GET
def job_download(request, workspace, number, key, fmt):
    _, table = _job_table(request, workspace, number, key)
    return table_download(
        request,
        workspace,
        table,
        fmt,
        target=f"job {number}/{key}.{fmt}",
        name=f"{workspace.la_code}-job{number}-{key}",
    )


@workspace_role(Role.VIEWER)
@require_GET
def job_chart(request, workspace, number, key):
    # A finished job's results never change, so its global id names its charts for good.
    found, table = _job_table(request, workspace, number, key)
    return chart(request, table, cache_key=f"chart:job:{found.pk}:{key}")


@workspace_role(Role.VIEWER)
@require_GET
def job_file(request, workspace, number):
    """The document a job prepared (highneeds.web.workspace.renders)."""
    return renders.send_file(request, workspace, _job(request, workspace, number, with_file=True))


@workspace_role(Role.VIEWER)
@require_GET
def job_status(request, workspace, number):
    """Progress for the job page's script (the page works without it: "Check again")."""
    found = _job(request, workspace, number)
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
def job_workbook(request, workspace, number):
    found = _job(request, workspace, number)
    data = services.job_workbook(found)
    if data is None:
        raise Http404("This job wrote no workbook.")
    return export(
        request,
        workspace,
        data,
        filename=f"{workspace.la_code}-job{number}-dsg-plan.xlsx",
        content_type=figures.FORMATS["xlsx"],
        target=f"job {number}/workbook.xlsx",
    )
