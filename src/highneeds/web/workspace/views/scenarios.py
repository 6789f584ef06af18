"""Saved scenarios: create, edit, delete, download, compare."""

from __future__ import annotations

import dataclasses

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.text import get_valid_filename
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from highneeds.errors import HighneedsError
from highneeds.finance.scenarios import Scenario, with_intervention, without_intervention
from highneeds.plan.report_tables import has_costs
from highneeds.web.accounts import audit
from highneeds.web.accounts.permissions import Role, has_role, workspace_role
from highneeds.web.core.store import get_store
from highneeds.web.workspace import services
from highneeds.web.workspace.models import Job
from highneeds.web.workspace.scenario_forms import (
    INTERVENTION_FORMS,
    CompareForm,
    ScenarioDetailsForm,
    describe_intervention,
)

from .downloads import export


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
            return redirect("workspace:job", la_code=workspace.la_code, number=started.number)
    jobs = Job.objects.filter(workspace=workspace, kind=Job.Kind.SCENARIOS)
    return render(
        request,
        "workspace/scenarios.html",
        {
            "workspace": workspace,
            "form": form,
            "can_run": can_run,
            "has_costs": has_costs(get_store(), workspace.la_code),
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
    return export(
        request,
        workspace,
        text.encode("utf-8"),
        filename=f"{filename}.toml",
        content_type="application/toml; charset=utf-8",
        target=f"scenario {name}",
    )
