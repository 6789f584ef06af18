"""Workspace pages. Thin: permission, call a service or the core, render."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import get_valid_filename
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from highneeds.errors import HighneedsError
from highneeds.finance import templates as finance_templates
from highneeds.finance.scenarios import Scenario, with_intervention, without_intervention
from highneeds.web.accounts import audit
from highneeds.web.accounts.permissions import (
    Role,
    has_role,
    signed_in,
    workspace_role,
    workspaces_for,
)

from . import core_api, figures, services
from .forms import ForecastForm, UploadForm
from .models import Job
from .scenario_forms import (
    INTERVENTION_FORMS,
    CompareForm,
    ScenarioDetailsForm,
    SufficiencyForm,
    describe_intervention,
)

# Pages whose core is not written yet: page -> (title, purpose). Each names the issue that
# brings it.
COMING: dict[str, tuple[str, str]] = {}


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


def _charted(frame):
    """The frame, or 404 when it cannot be drawn."""
    if figures.chart_columns(frame) is None:
        raise Http404("This table has no chart.")
    return frame


def _table_download(request, workspace, frame, fmt, *, target, name, title):
    """Record the export of one page table in the audit log and send it as a file in fmt."""
    if fmt in ("svg", "png"):
        _charted(frame)
    audit.record(
        audit.Action.EXPORT,
        actor=request.user,
        workspace=workspace,
        target=target,
        detail={"rows": len(frame)},
    )
    return figures.download(frame, name=name, title=title, fmt=fmt)


def _export(request, workspace, body, *, filename, content_type, target, detail=None):
    """Record the export in the audit log and send ``body`` as a file to save."""
    audit.record(
        audit.Action.EXPORT, actor=request.user, workspace=workspace, target=target, detail=detail
    )
    return figures.attachment(body, filename=filename, content_type=content_type)


def _la_table_download(request, workspace, page, frame, titles, key, fmt):
    """_table_download for a table of an LA-wide page (overview, finance)."""
    return _table_download(
        request,
        workspace,
        frame,
        fmt,
        target=f"{page}/{key}.{fmt}",
        name=f"{workspace.la_code}-{key}",
        title=titles.get(key, figures.title_of(key)),
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
    return _la_table_download(
        request, workspace, "overview", frame, core_api.PANEL_TITLES, key, fmt
    )


@workspace_role(Role.VIEWER)
@require_GET
def overview_chart(request, workspace, key):
    return figures.chart_image(
        _charted(_overview_table(workspace, key)),
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
            job = services.start_import(
                workspace, request.user, form.cleaned_data["file"], year=form.cleaned_data["year"]
            )
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
            "templates": _templates() if can_upload else [],
            "jsna_years": _jsna_years(workspace),
            "jsna_threshold": core_api.JSNA_THRESHOLD,
            "active": "data",
        },
        status=400 if form.errors else 200,
    )


def _jsna_years(workspace) -> list[int]:
    years = core_api.jsna_years(workspace.la_code)
    return [] if isinstance(years, core_api.Missing) else years


@workspace_role(Role.VIEWER)
@require_GET
def data_jsna(request, workspace, year):
    """The JSNA tables of a census year as a workbook fit to publish (small numbers
    suppressed). Every member may download them: nothing in them identifies a child."""
    if year not in _jsna_years(workspace):
        raise Http404("This LA has no SEN2 return for that year.")
    body = core_api.jsna_workbook(workspace.la_code, year)
    if isinstance(body, core_api.Missing):
        raise Http404(str(body))
    return _export(
        request,
        workspace,
        body,
        filename=f"{workspace.la_code}-jsna-{year}.xlsx",
        content_type=figures.FORMATS["xlsx"],
        target=f"data/jsna-{year}.xlsx",
        detail={"year": year, "suppressed": True, "threshold": core_api.JSNA_THRESHOLD},
    )


# What each template is for, in a line. The kinds, titles and sheets come from the core
# (finance.templates), so a template the core adds is listed even before it has a line here.
TEMPLATE_PURPOSES = {
    "unit_costs": "What this LA pays for a place and a top-up, by funding category (and, if "
    "you like, setting, need and age band). Forecast costs, scenarios and the place sufficiency "
    "check use them instead of the national reference defaults.",
    "budget": "This LA's High Needs budget and outturn by Section 251 line, and the High Needs "
    "block allocation. The finance page sets them against each other and the cost model, and "
    "works out the DSG position.",
    "capacity": "Places commissioned, by provision and January census year. The place "
    "sufficiency check on the finance page sets forecast demand against them.",
}
TEMPLATE_FORMATS = ("xlsx", "csv")


def _templates() -> list[dict]:
    """One entry per template the core writes, for the Data page's download list."""
    listed = []
    for kind, parts in finance_templates.WORKBOOKS.items():
        specs = [finance_templates.SPECS[part] for part in parts]
        listed.append(
            {
                "kind": kind,
                "title": specs[0].title,
                "purpose": TEMPLATE_PURPOSES.get(kind, ""),
                # The core writes a CSV of the first data sheet only; say so when there are more.
                "csv_sheet": specs[0].sheet if len(specs) > 1 else "",
            }
        )
    return listed


@workspace_role(Role.ANALYST)
@require_GET
def data_template(request, workspace, kind, fmt):
    """A blank template (kind as the core names it) to fill in and upload on the Data page.
    Analysts only, like uploading: a template is only of use to someone who can upload it."""
    if kind not in finance_templates.WORKBOOKS or fmt not in TEMPLATE_FORMATS:
        raise Http404("highneeds has no template of that kind.")
    with tempfile.TemporaryDirectory() as folder:
        body = finance_templates.write_template(kind, Path(folder) / f"template.{fmt}").read_bytes()
    return _export(
        request,
        workspace,
        body,
        filename=f"{workspace.la_code}-{kind.replace('_', '-')}-template.{fmt}",
        content_type=figures.FORMATS[fmt],
        target=f"data/templates/{kind}.{fmt}",
        detail={"template": kind},
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
            "active": {
                Job.Kind.FORECAST: "forecast",
                Job.Kind.SCENARIOS: "scenarios",
                Job.Kind.SUFFICIENCY: "finance",
            }.get(found.kind, "data"),
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
    return _table_download(
        request,
        workspace,
        frame,
        fmt,
        target=f"job {job_id}/{key}.{fmt}",
        name=f"{workspace.la_code}-job{job_id}-{key}",
        title=services.job_titles(_job(workspace, job_id)).get(key, figures.title_of(key)),
    )


@workspace_role(Role.VIEWER)
@require_GET
def job_chart(request, workspace, job_id, key):
    frame = _charted(_job_table(workspace, job_id, key))
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


# --------------------------------------------------------------------------------------------
# Finance and sufficiency
# --------------------------------------------------------------------------------------------


def _finance(workspace):
    """(LA name, tables, unavailable message)."""
    try:
        found = services.finance_tables(workspace)
    except HighneedsError as error:
        return workspace.name, {}, str(error)
    if isinstance(found, core_api.Missing):
        return workspace.name, {}, str(found)
    return found[0], found[1], None


def _own_finance(workspace):
    """(the LA's own budget and outturn as core_api.OwnFinance or None, unavailable message)."""
    try:
        found = services.own_finance(workspace)
    except HighneedsError as error:
        return None, str(error)
    if isinstance(found, core_api.Missing):
        return None, str(found)
    return found, None


def _finance_table(workspace, key, *, as_chart=True):
    """A table on the finance page: a published one, or (not charted) one of the LA's own."""
    _, tables, _ = _finance(workspace)
    if key in tables:
        return tables[key]
    own, _ = _own_finance(workspace)
    if own is None or key not in own.tables or as_chart:
        raise Http404("No such table on the finance page.")
    return own.tables[key]


def _panels(workspace, tables, titles, *, chart=True):
    la = workspace.la_code
    return [
        figures.panel(
            key,
            titles.get(key, figures.title_of(key)),
            frame,
            chart_src=reverse("workspace:finance_chart", args=[la, key]),
            download_url=lambda fmt, key=key: reverse(
                "workspace:finance_download", args=[la, key, fmt]
            ),
            chart=chart,
        )
        for key, frame in tables.items()
    ]


@workspace_role(Role.VIEWER)
@require_http_methods(["GET", "POST"])
def finance(request, workspace):
    """Published High Needs money beside comparators (everyone); place sufficiency (analysts
    run it in the background when the LA has a capacity register and unit costs)."""
    can_run = has_role(request.user, workspace, Role.ANALYST)
    has_costs = core_api.has_costs(workspace.la_code)
    form = SufficiencyForm()
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied("Viewers cannot run a sufficiency check. Ask an analyst.")
        form = SufficiencyForm(request.POST)
        if form.is_valid():
            started = services.start_sufficiency(workspace, request.user, form.cleaned_data)
            return redirect("workspace:job", la_code=workspace.la_code, job_id=started.pk)
    la_name, tables, unavailable = _finance(workspace)
    own, own_unavailable = _own_finance(workspace)
    # By key: the template places each of the LA's own tables under its own heading.
    own_panels = {
        panel["key"]: panel
        for panel in (
            _panels(workspace, own.tables, core_api.OWN_FINANCE_TITLES, chart=False) if own else []
        )
    }
    jobs = Job.objects.filter(workspace=workspace, kind=Job.Kind.SUFFICIENCY)
    latest = jobs.filter(status=Job.Status.SUCCEEDED).first()
    return render(
        request,
        "workspace/finance.html",
        {
            "workspace": workspace,
            "la_name": la_name,
            "panels": _panels(workspace, tables, core_api.FINANCE_TITLES),
            "unavailable": unavailable,
            "own": own,
            "own_panels": own_panels,
            "own_unavailable": own_unavailable,
            "has_costs": has_costs,
            "can_run": can_run,
            "form": form,
            "jobs": jobs.select_related("created_by")[:10],
            "latest_panels": services.job_panels(latest) if latest else [],
            "latest": latest,
            "active": "finance",
        },
        status=400 if form.errors else 200,
    )


@workspace_role(Role.VIEWER)
@require_GET
def finance_download(request, workspace, key, fmt):
    frame = _finance_table(workspace, key, as_chart=fmt in ("svg", "png"))
    titles = {**core_api.FINANCE_TITLES, **core_api.OWN_FINANCE_TITLES}
    return _la_table_download(request, workspace, "finance", frame, titles, key, fmt)


@workspace_role(Role.VIEWER)
@require_GET
def finance_chart(request, workspace, key):
    return figures.chart_image(
        _charted(_finance_table(workspace, key)),
        title=core_api.FINANCE_TITLES.get(key, figures.title_of(key)),
        cache_key=f"chart:finance:{workspace.la_code}:{key}",
    )


# --------------------------------------------------------------------------------------------
# Saved scenarios: create, edit, delete, download, compare
# --------------------------------------------------------------------------------------------


def _saved(workspace, name):
    scenario = services.find_scenario(workspace, name)
    if scenario is None:
        raise Http404("This workspace has no saved scenario of that name.")
    return scenario


@workspace_role(Role.VIEWER)
@require_http_methods(["GET", "POST"])
def scenarios(request, workspace):
    """Saved scenarios (everyone); compare selected ones against the baseline (analysts)."""
    can_run = has_role(request.user, workspace, Role.ANALYST)
    saved = services.saved_scenarios(workspace)
    names = saved["name"].tolist()
    form = CompareForm(names=names)
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied("Viewers cannot run scenario comparisons. Ask an analyst.")
        if "copy_examples" in request.POST:
            copied = services.copy_example_scenarios(workspace, request.user)
            messages.success(request, f"Saved the example scenarios: {', '.join(copied)}.")
            return redirect("workspace:scenarios", la_code=workspace.la_code)
        form = CompareForm(request.POST, names=names)
        if form.is_valid():
            started = services.start_scenarios(workspace, request.user, form.cleaned_data)
            return redirect("workspace:job", la_code=workspace.la_code, job_id=started.pk)
    jobs = Job.objects.filter(workspace=workspace, kind=Job.Kind.SCENARIOS)
    return render(
        request,
        "workspace/scenarios.html",
        {
            "workspace": workspace,
            "form": form,
            "can_run": can_run,
            "has_costs": core_api.has_costs(workspace.la_code),
            "saved": saved.astype(object).where(saved.notna(), "").to_dict("records"),
            "active": "scenarios",
            "jobs": jobs.select_related("created_by")[:20],
        },
        status=400 if form.errors else 200,
    )


def _details_page(request, workspace, form, scenario=None):
    return render(
        request,
        "workspace/scenario_form.html",
        {"workspace": workspace, "form": form, "scenario": scenario, "active": "scenarios"},
        status=400 if form.errors else 200,
    )


def _details_taken(workspace, form, name, current=None) -> bool:
    """Refuse a name another saved scenario has (saving would replace it)."""
    if name != current and services.find_scenario(workspace, name) is not None:
        form.add_error("name", "A scenario with this name already exists: choose another name")
        return True
    return False


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def scenario_new(request, workspace):
    form = ScenarioDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not _details_taken(workspace, form, data["name"]):
            scenario = Scenario(data["name"], data["date"], data["description"])
            services.save_scenario(workspace, request.user, scenario, action=audit.Action.CREATE)
            messages.success(request, f"Scenario {scenario.name} was created. Add interventions.")
            return redirect("workspace:scenario", la_code=workspace.la_code, name=scenario.name)
    return _details_page(request, workspace, form)


@workspace_role(Role.VIEWER)
@require_GET
def scenario(request, workspace, name):
    found = _saved(workspace, name)
    forms_by_type = [(kind, form.title) for kind, form in INTERVENTION_FORMS.items()]
    return render(
        request,
        "workspace/scenario.html",
        {
            "workspace": workspace,
            "scenario": found,
            "interventions": [
                (number, describe_intervention(item))
                for number, item in enumerate(found.interventions, 1)
            ],
            "intervention_types": forms_by_type,
            "can_edit": has_role(request.user, workspace, Role.ANALYST),
            "active": "scenarios",
        },
    )


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def scenario_edit(request, workspace, name):
    found = _saved(workspace, name)
    initial = {"name": found.name, "date": found.date, "description": found.description}
    form = ScenarioDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not _details_taken(workspace, form, data["name"], current=found.name):
            changed = dataclasses.replace(
                found, name=data["name"], date=data["date"], description=data["description"]
            )
            services.save_scenario(workspace, request.user, changed, replacing=found.name)
            messages.success(request, "The scenario's details were saved.")
            return redirect("workspace:scenario", la_code=workspace.la_code, name=changed.name)
    return _details_page(request, workspace, form, found)


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def scenario_intervention(request, workspace, name, kind=None, number=None):
    """Add an intervention of ``kind``, or change intervention ``number``."""
    found = _saved(workspace, name)
    if number is not None:
        if not 1 <= number <= len(found.interventions):
            raise Http404("This scenario has no intervention of that number.")
        kind = found.interventions[number - 1]["type"]
    if kind not in INTERVENTION_FORMS:
        raise Http404("highneeds has no intervention of that type.")
    form_class = INTERVENTION_FORMS[kind]
    initial = form_class.initial_of(found.interventions[number - 1]) if number else None
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = with_intervention(found, form.to_item(), position=number)
        except HighneedsError as error:
            field = getattr(getattr(error, "location", None), "column", None)
            form.add_error(field if field in form.fields else None, str(error))
        else:
            services.save_scenario(workspace, request.user, changed)
            messages.success(request, f"{form_class.title} was saved.")
            return redirect("workspace:scenario", la_code=workspace.la_code, name=found.name)
    return render(
        request,
        "workspace/intervention_form.html",
        {
            "workspace": workspace,
            "scenario": found,
            "form": form,
            "title": form_class.title,
            "number": number,
            "active": "scenarios",
        },
        status=400 if form.errors else 200,
    )


@workspace_role(Role.ANALYST)
@require_POST
def scenario_intervention_delete(request, workspace, name, number):
    found = _saved(workspace, name)
    try:
        changed = without_intervention(found, number)
    except HighneedsError as error:
        raise Http404(str(error)) from None
    services.save_scenario(workspace, request.user, changed)
    messages.success(request, f"Intervention {number} was removed.")
    return redirect("workspace:scenario", la_code=workspace.la_code, name=found.name)


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def scenario_delete(request, workspace, name):
    found = _saved(workspace, name)
    if request.method == "POST":
        services.delete_scenario(workspace, request.user, found.name)
        messages.success(request, f"Scenario {found.name} was deleted.")
        return redirect("workspace:scenarios", la_code=workspace.la_code)
    return render(
        request,
        "workspace/scenario_delete.html",
        {"workspace": workspace, "scenario": found, "active": "scenarios"},
    )


@workspace_role(Role.VIEWER)
@require_GET
def scenario_download(request, workspace, name):
    found = _saved(workspace, name)
    text = services.scenario_toml(workspace, found.name)
    filename = get_valid_filename(found.name) or "scenario"
    return _export(
        request,
        workspace,
        text.encode("utf-8"),
        filename=f"{filename}.toml",
        content_type="application/toml; charset=utf-8",
        target=f"scenario {name}",
    )


@workspace_role(Role.VIEWER)
@require_GET
def job_workbook(request, workspace, job_id):
    found = _job(workspace, job_id)
    data = services.job_workbook(found)
    if data is None:
        raise Http404("This job wrote no workbook.")
    return _export(
        request,
        workspace,
        data,
        filename=f"{workspace.la_code}-job{job_id}-dsg-plan.xlsx",
        content_type=figures.FORMATS["xlsx"],
        target=f"job {job_id}/workbook.xlsx",
    )
