"""The Forecast page: run a forecast in the background, list past ones."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from highneeds.web.accounts.permissions import Role, has_role, workspace_role
from highneeds.web.workspace import services
from highneeds.web.workspace.forms import ForecastForm
from highneeds.web.workspace.models import Job


@workspace_role(Role.VIEWER)
@require_http_methods(["GET", "POST"])
def forecast(request, workspace):
    """Run a forecast (analysts and admins) and see past forecasts (everyone)."""
    can_run = has_role(request.user, workspace, Role.ANALYST)
    child_level = services.child_level_forecast(workspace)
    form = ForecastForm(child_level=child_level)
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied("Viewers cannot run forecasts. Ask an analyst.")
        form = ForecastForm(request.POST, child_level=child_level)
        if form.is_valid():
            started = services.start_forecast(workspace, request.user, form.cleaned_data)
            return redirect("workspace:job", la_code=workspace.la_code, number=started.number)
    jobs = Job.objects.filter(workspace=workspace, kind=Job.Kind.FORECAST)
    return render(
        request,
        "workspace/forecast.html",
        {
            "workspace": workspace,
            "form": form,
            "can_run": can_run,
            "child_level": child_level,
            "active": "forecast",
            "jobs": jobs.select_related("created_by")[:20],
        },
        status=400 if form.errors else 200,
    )
