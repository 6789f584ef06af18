"""The LA's strategy: create it (from the shipped example or a file), its KPIs tracked
beside neighbours, region and England, and its progress report."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from highneeds.errors import HighneedsError
from highneeds.strategy.track import STATUS_RULE
from highneeds.web.accounts.permissions import Role, has_role, workspace_role
from highneeds.web.workspace import decide
from highneeds.web.workspace.decide_forms import StrategyUploadForm

from .documents import document_links, format_of, prepare
from .downloads import chart, export, la_table_download


def located(error: HighneedsError) -> str:
    """The core's message, which names the file, row and column at fault."""
    return str(error)


@workspace_role(Role.VIEWER)
@require_http_methods(["GET", "POST"])
def strategy(request, workspace):
    """The strategy and its KPIs (everyone); create or replace it (analysts)."""
    can_edit = has_role(request.user, workspace, Role.ANALYST)
    form = StrategyUploadForm()
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Viewers cannot change the strategy. Ask an analyst.")
        form = StrategyUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                decide.save_strategy(workspace, request.user, upload.read(), upload.name)
            except HighneedsError as error:
                form.add_error("file", located(error))
            else:
                messages.success(request, f"{upload.name} is now this LA's strategy.")
                return redirect("workspace:strategy", la_code=workspace.la_code)
    context = {
        "workspace": workspace,
        "form": form,
        "can_edit": can_edit,
        "active": "strategy",
        "status_rule": STATUS_RULE,
        "decisions": decide.recorded_decisions(workspace=workspace),
    }
    try:
        found = decide.tracking(workspace)
    except HighneedsError as error:
        found, context["problem"] = None, located(error)
    if found is not None:
        context.update(
            strategy=found.strategy,
            tracking=found,
            summary=decide.kpi_summary(found),
            panels=decide.kpi_panels(workspace, found),
            **document_links(workspace, decide.PROGRESS),
        )
    return render(request, "workspace/strategy.html", context, status=400 if form.errors else 200)


@workspace_role(Role.ANALYST)
@require_POST
def strategy_from_template(request, workspace):
    try:
        decide.strategy_from_template(workspace, request.user)
    except HighneedsError as error:
        messages.error(request, located(error))
    else:
        messages.success(
            request,
            "The strategy was created from the worked example. Its targets are examples: "
            "download the file, make them your own and upload it again.",
        )
    return redirect("workspace:strategy", la_code=workspace.la_code)


@workspace_role(Role.VIEWER)
@require_GET
def strategy_file(request, workspace):
    text = decide.strategy_toml(workspace)
    if text is None:
        raise Http404("This workspace has no strategy yet.")
    return export(
        request,
        workspace,
        text.encode("utf-8"),
        filename=f"{workspace.la_code}-strategy.toml",
        content_type="application/toml; charset=utf-8",
        target="strategy.toml",
    )


def _kpi_table(workspace, code):
    tables = decide.kpi_tables(workspace)
    if code not in tables:
        raise Http404("The strategy has no KPI of that code.")
    return tables[code]


@workspace_role(Role.VIEWER)
@require_GET
def kpi_download(request, workspace, code, fmt):
    return la_table_download(request, workspace, "strategy", _kpi_table(workspace, code), code, fmt)


@workspace_role(Role.VIEWER)
@require_GET
def kpi_chart(request, workspace, code):
    from highneeds.web.workspace import services

    key = f"chart:kpi:{workspace.la_code}:{code}:{services.store_fingerprint()}"
    return chart(request, _kpi_table(workspace, code), cache_key=key)


@workspace_role(Role.ANALYST)
@require_POST
def progress_report(request, workspace):
    """Prepare the progress report (PDF, Word or web page) in the background."""
    if decide.strategy_of(workspace) is None:
        raise Http404("This workspace has no strategy yet.")
    fmt = format_of(request)
    if fmt is None:
        messages.error(request, "Choose PDF, Word or a web page.")
        return redirect("workspace:strategy", la_code=workspace.la_code)
    return prepare(request, workspace, decide.PROGRESS, {"format": fmt})
