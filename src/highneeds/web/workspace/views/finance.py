"""Finance and sufficiency."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from highneeds.errors import HighneedsError
from highneeds.plan.report_tables import has_costs
from highneeds.web.accounts.permissions import Role, has_role, workspace_role
from highneeds.web.core.store import get_store
from highneeds.web.workspace import figures, services
from highneeds.web.workspace.models import Job
from highneeds.web.workspace.scenario_forms import SufficiencyForm

from .downloads import chart, la_table_download


def _finance(workspace):
    """(published tables, unavailable message)."""
    try:
        return services.finance_tables(workspace), None
    except HighneedsError as error:
        return {}, str(error)


def _own_finance(workspace):
    """(the LA's own budget and outturn as report_tables.OwnFinance or None, unavailable
    message)."""
    try:
        return services.own_finance(workspace), None
    except HighneedsError as error:
        return None, str(error)


def _finance_table(workspace, key, *, as_chart=True):
    """A table on the finance page: a published one, or (not charted) one of the LA's own."""
    tables, _ = _finance(workspace)
    if key in tables:
        return tables[key]
    own, _ = _own_finance(workspace)
    if own is None or key not in own.tables or as_chart:
        raise Http404("No such table on the finance page.")
    return own.tables[key]


def _panels(workspace, tables, *, chart=True):
    la = workspace.la_code
    return [
        figures.panel(
            key,
            table,
            chart_src=reverse("workspace:finance_chart", args=[la, key]),
            download_url=lambda fmt, key=key: reverse(
                "workspace:finance_download", args=[la, key, fmt]
            ),
            chart=chart,
        )
        for key, table in tables.items()
    ]


@workspace_role(Role.VIEWER)
@require_http_methods(["GET", "POST"])
def finance(request, workspace):
    """Published High Needs money beside comparators (everyone); place sufficiency (analysts
    run it in the background when the LA has a capacity register and unit costs)."""
    can_run = has_role(request.user, workspace, Role.ANALYST)
    can_cost = has_costs(get_store(), workspace.la_code)
    form = SufficiencyForm()
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied("Viewers cannot run a sufficiency check. Ask an analyst.")
        form = SufficiencyForm(request.POST)
        if form.is_valid():
            started = services.start_sufficiency(workspace, request.user, form.cleaned_data)
            return redirect("workspace:job", la_code=workspace.la_code, number=started.number)
    tables, unavailable = _finance(workspace)
    own, own_unavailable = _own_finance(workspace)
    # By key: the template places each of the LA's own tables under its own heading.
    own_panels = {
        panel["key"]: panel
        for panel in (_panels(workspace, own.tables, chart=False) if own else [])
    }
    jobs = Job.objects.filter(workspace=workspace, kind=Job.Kind.SUFFICIENCY)
    latest = jobs.filter(status=Job.Status.SUCCEEDED).first()
    return render(
        request,
        "workspace/finance.html",
        {
            "workspace": workspace,
            "la_name": workspace.name,
            "panels": _panels(workspace, tables),
            "unavailable": unavailable,
            "own": own,
            "own_panels": own_panels,
            "own_unavailable": own_unavailable,
            "has_costs": can_cost,
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
    table = _finance_table(workspace, key, as_chart=fmt in ("svg", "png"))
    return la_table_download(request, workspace, "finance", table, key, fmt)


@workspace_role(Role.VIEWER)
@require_GET
def finance_chart(request, workspace, key):
    return chart(
        request,
        _finance_table(workspace, key),
        cache_key=f"chart:finance:{workspace.la_code}:{key}",
    )
