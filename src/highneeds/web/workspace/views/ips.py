"""The Investment Position Statement: its capital costs, written in the background, then
downloaded as HTML, tagged PDF or DOCX."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from highneeds.strategy.ips import CAPITAL_COST_PER_PLACE, YEARS_AHEAD
from highneeds.web.accounts.permissions import Role, has_role, workspace_role
from highneeds.web.workspace import decide
from highneeds.web.workspace.decide_forms import CapitalCostsForm

from .documents import document_links, format_of, prepare


@workspace_role(Role.VIEWER)
@require_http_methods(["GET", "POST"])
def ips(request, workspace):
    """The IPS's page (everyone); write it (analysts)."""
    can_run = has_role(request.user, workspace, Role.ANALYST)
    strategy = decide.strategy_of(workspace)
    own = strategy.capital_costs if strategy else {}
    defaults = {**CAPITAL_COST_PER_PLACE, **own}
    form = CapitalCostsForm(defaults=defaults, set_by_la=set(own))
    if request.method == "POST" and can_run:
        form = CapitalCostsForm(request.POST, defaults=defaults, set_by_la=set(own))
        fmt = format_of(request)
        if form.is_valid() and fmt is not None:
            options = {"format": fmt, "capital_costs": form.costs()}
            return prepare(request, workspace, decide.IPS, options)
    elif request.method == "POST":
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Viewers cannot write the IPS. Ask an analyst.")
    return render(
        request,
        "workspace/ips.html",
        {
            "workspace": workspace,
            "form": form,
            "can_run": can_run,
            "years": YEARS_AHEAD,
            "has_register": decide.register_of(workspace) is not None,
            "active": "strategy",
            **document_links(workspace, decide.IPS),
        },
        status=400 if form.errors else 200,
    )
