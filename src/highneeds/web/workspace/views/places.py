"""The register of specialist places: upload it, see places planned, opened and closed by
academic year and the places added since 2020 against plan, download it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from highneeds.errors import HighneedsError
from highneeds.strategy.places import against_plan_sentence, register_for_download
from highneeds.web.accounts.permissions import Role, has_role, workspace_role
from highneeds.web.workspace import decide, figures
from highneeds.web.workspace.decide_forms import PlacesUploadForm

from .downloads import chart, export, la_table_download
from .strategy import located


@workspace_role(Role.VIEWER)
@require_http_methods(["GET", "POST"])
def places(request, workspace):
    can_edit = has_role(request.user, workspace, Role.ANALYST)
    form = PlacesUploadForm()
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Viewers cannot change the places register. Ask an analyst.")
        form = PlacesUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                decide.save_register(workspace, request.user, upload.read(), upload.name)
            except HighneedsError as error:
                form.add_error("file", located(error))
            else:
                messages.success(request, f"{upload.name} is now this LA's places register.")
                return redirect("workspace:places", la_code=workspace.la_code)
    register = decide.register_of(workspace)
    context = {"workspace": workspace, "form": form, "can_edit": can_edit, "active": "strategy"}
    if register is not None:
        la = workspace.la_code
        table = decide.places_table(register)
        context.update(
            against_plan=against_plan_sentence(register, decide.SINCE),
            panel=figures.panel(
                "places",
                table,
                chart_src=reverse("workspace:places_chart", args=[la]),
                download_url=lambda fmt: reverse("workspace:places_table", args=[la, fmt]),
            ),
            rows=len(register),
        )
    return render(request, "workspace/places.html", context, status=400 if form.errors else 200)


def _register(workspace):
    register = decide.register_of(workspace)
    if register is None:
        raise Http404("This workspace has no places register yet.")
    return register


@workspace_role(Role.VIEWER)
@require_GET
def places_table(request, workspace, fmt):
    table = decide.places_table(_register(workspace))
    return la_table_download(request, workspace, "places", table, "places-by-year", fmt)


@workspace_role(Role.VIEWER)
@require_GET
def places_chart(request, workspace):
    from highneeds.web.workspace import services

    table = decide.places_table(_register(workspace))
    return chart(
        request, table, cache_key=f"chart:places:{workspace.la_code}:{services.store_fingerprint()}"
    )


@workspace_role(Role.VIEWER)
@require_GET
def places_register(request, workspace, fmt):
    """The register itself, as uploaded (headers and codes in words)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("The register downloads as CSV or XLSX.")
    frame = register_for_download(_register(workspace))
    body = figures.to_csv(frame) if fmt == "csv" else figures.to_xlsx(frame, sheet="Places")
    return export(
        request,
        workspace,
        body,
        filename=f"{workspace.la_code}-places-register.{fmt}",
        content_type=figures.FORMATS[fmt],
        target=f"places register.{fmt}",
        detail={"rows": len(frame)},
    )
