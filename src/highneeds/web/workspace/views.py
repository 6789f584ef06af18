"""Workspace pages. Thin: permission, call a service or the core, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from highneeds.errors import HighneedsError
from highneeds.web.accounts import audit
from highneeds.web.accounts.permissions import (
    Role,
    has_role,
    signed_in,
    workspace_role,
    workspaces_for,
)

from . import core_api, figures, services
from .forms import ForecastForm, ScenariosForm, UploadForm
from .models import Job

# Pages whose core is not written yet. Each names the issue that brings it.
COMING = {
    "finance": (
        "Finance and sufficiency",
        "High needs spend, unit costs and places against demand.",
    ),
}


@signed_in
@require_GET
def index(request):
    """The workspaces this person can open."""
    return render(request, "workspace/index.html", {"workspaces": workspaces_for(request.user)})


def _overview_tables(workspace):
    """(tables, unavailable message) for the LA overview."""
    try:
        tables = services.overview_tables(workspace)
    except HighneedsError as error:
        return {}, str(error)
    if isinstance(tables, core_api.Missing):
        return {}, str(tables)
    return tables, None


@workspace_role(Role.VIEWER)
@require_GET
def overview(request, workspace):
    panels_html, unavailable = services.overview_html(workspace)
    return render(
        request,
        "workspace/overview.html",
        {
            "workspace": workspace,
            "panels_html": panels_html,
            "unavailable": unavailable,
            "active": "overview",
        },
    )


def _overview_table(workspace, key):
    tables, _ = _overview_tables(workspace)
    if key not in tables:
        raise Http404("No such table in the overview.")
    return tables[key]


@workspace_role(Role.VIEWER)
@require_GET
def overview_download(request, workspace, key, fmt):
    frame = _overview_table(workspace, key)
    if fmt in ("svg", "png") and figures.chart_columns(frame) is None:
        raise Http404("This table has no chart.")
    audit.record(
        audit.Action.EXPORT,
        actor=request.user,
        workspace=workspace,
        target=f"overview/{key}.{fmt}",
        detail={"rows": len(frame)},
    )
    return figures.download(
        frame,
        name=f"{workspace.la_code}-{key}",
        title=core_api.PANEL_TITLES.get(key, figures.title_of(key)),
        fmt=fmt,
    )


@workspace_role(Role.VIEWER)
@require_GET
def overview_chart(request, workspace, key):
    frame = _overview_table(workspace, key)
    if figures.chart_columns(frame) is None:
        raise Http404("This table has no chart.")
    return figures.chart_image(
        frame,
        title=core_api.PANEL_TITLES.get(key, figures.title_of(key)),
        cache_key=f"chart:overview:{workspace.la_code}:{services.store_fingerprint()}:{key}",
    )


@workspace_role(Role.VIEWER)
@require_http_methods(["GET", "POST"])
def data(request, workspace):
    """Upload a file (analysts and admins) and see what is loaded (everyone)."""
    can_upload = has_role(request.user, workspace, Role.ANALYST)
    form = UploadForm()
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied(
                "Viewers cannot upload data. Ask an analyst or an administrator."
            )
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            job = services.start_import(workspace, request.user, form.cleaned_data["file"])
            messages.success(request, f"{job.input_name} was uploaded.")
            return redirect("workspace:job", la_code=workspace.la_code, job_id=job.pk)
    loaded = services.provenance(workspace)
    return render(
        request,
        "workspace/data.html",
        {
            "workspace": workspace,
            "form": form,
            "can_upload": can_upload,
            "provenance": loaded.astype(object).where(loaded.notna(), "").to_dict("records"),
            "jobs": services.recent_jobs(workspace),
            "active": "data",
        },
        status=400 if form.errors else 200,
    )


def _job(workspace, job_id) -> Job:
    return get_object_or_404(Job, pk=job_id, workspace=workspace)


@workspace_role(Role.VIEWER)
@require_GET
def job(request, workspace, job_id):
    found = _job(workspace, job_id)
    finished = found.status == Job.Status.SUCCEEDED
    return render(
        request,
        "workspace/job.html",
        {
            "workspace": workspace,
            "job": found,
            "panels": services.job_panels(found) if finished else [],
            "active": {Job.Kind.FORECAST: "forecast", Job.Kind.SCENARIOS: "scenarios"}.get(
                found.kind, "data"
            ),
        },
    )


def _job_table(workspace, job_id, key):
    tables = services.job_tables(_job(workspace, job_id))
    if key not in tables:
        raise Http404("No such table in this job's results.")
    return tables[key]


@workspace_role(Role.VIEWER)
@require_GET
def job_download(request, workspace, job_id, key, fmt):
    frame = _job_table(workspace, job_id, key)
    if fmt in ("svg", "png") and figures.chart_columns(frame) is None:
        raise Http404("This table has no chart.")
    audit.record(
        audit.Action.EXPORT,
        actor=request.user,
        workspace=workspace,
        target=f"job {job_id}/{key}.{fmt}",
        detail={"rows": len(frame)},
    )
    title = services.job_titles(_job(workspace, job_id)).get(key, figures.title_of(key))
    return figures.download(
        frame, name=f"{workspace.la_code}-job{job_id}-{key}", title=title, fmt=fmt
    )


@workspace_role(Role.VIEWER)
@require_GET
def job_chart(request, workspace, job_id, key):
    frame = _job_table(workspace, job_id, key)
    if figures.chart_columns(frame) is None:
        raise Http404("This table has no chart.")
    title = services.job_titles(_job(workspace, job_id)).get(key, figures.title_of(key))
    # A finished job's results never change, so its id names its charts for good.
    return figures.chart_image(frame, title=title, cache_key=f"chart:job:{job_id}:{key}")


@workspace_role(Role.VIEWER)
@require_http_methods(["GET", "POST"])
def forecast(request, workspace):
    """Run a forecast (analysts and admins) and see past forecasts (everyone)."""
    can_run = has_role(request.user, workspace, Role.ANALYST)
    form = ForecastForm()
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied("Viewers cannot run forecasts. Ask an analyst.")
        form = ForecastForm(request.POST)
        if form.is_valid():
            started = services.start_forecast(workspace, request.user, form.cleaned_data)
            return redirect("workspace:job", la_code=workspace.la_code, job_id=started.pk)
    jobs = Job.objects.filter(workspace=workspace, kind=Job.Kind.FORECAST)
    return render(
        request,
        "workspace/forecast.html",
        {
            "workspace": workspace,
            "form": form,
            "can_run": can_run,
            "active": "forecast",
            "jobs": jobs.select_related("created_by")[:20],
        },
        status=400 if form.errors else 200,
    )


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


@workspace_role(Role.VIEWER)
@require_http_methods(["GET", "POST"])
def scenarios(request, workspace):
    """Compare the example scenarios against the baseline (analysts); see past comparisons."""
    can_run = has_role(request.user, workspace, Role.ANALYST)
    form = ScenariosForm()
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied("Viewers cannot run scenario comparisons. Ask an analyst.")
        form = ScenariosForm(request.POST)
        if form.is_valid():
            started = services.start_scenarios(workspace, request.user, form.cleaned_data)
            return redirect("workspace:job", la_code=workspace.la_code, job_id=started.pk)
    examples = core_api.example_scenarios()
    jobs = Job.objects.filter(workspace=workspace, kind=Job.Kind.SCENARIOS)
    return render(
        request,
        "workspace/scenarios.html",
        {
            "workspace": workspace,
            "form": form,
            "can_run": can_run,
            "active": "scenarios",
            "examples": [] if isinstance(examples, core_api.Missing) else examples,
            "unavailable": str(examples) if isinstance(examples, core_api.Missing) else None,
            "jobs": jobs.select_related("created_by")[:20],
        },
        status=400 if form.errors else 200,
    )
