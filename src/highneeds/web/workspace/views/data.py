"""The Data page: uploads, what is loaded, templates and JSNA downloads."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from highneeds.analysis import jsna_export
from highneeds.finance import templates as finance_templates
from highneeds.suppression import DEFAULT_THRESHOLD
from highneeds.web.accounts.permissions import Role, has_role, workspace_role
from highneeds.web.core.store import get_store
from highneeds.web.workspace import documents, figures, services
from highneeds.web.workspace.forms import UploadForm

from .downloads import export


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
                workspace,
                request.user,
                form.cleaned_data["file"],
                year=form.cleaned_data["year"],
                accept_errors=form.cleaned_data["accept_errors"],
            )
            # Only the upload is done here: this page says whether it was imported.
            messages.info(request, f"{job.input_name} was uploaded. {_import_state(job)}")
            return redirect("workspace:job", la_code=workspace.la_code, number=job.number)
    loaded = services.provenance(workspace)
    return render(
        request,
        "workspace/data.html",
        {
            "workspace": workspace,
            "form": form,
            "can_upload": can_upload,
            "provenance": [
                {**item, "kind": import_kind_label(item["kind"])}
                for item in loaded.astype(object).where(loaded.notna(), "").to_dict("records")
            ],
            "jobs": services.recent_jobs(workspace),
            "templates": _templates() if can_upload else [],
            "jsna_years": _jsna_years(workspace),
            "jsna_threshold": DEFAULT_THRESHOLD,
            "active": "data",
        },
        status=400 if form.errors else 200,
    )


def _import_state(job) -> str:
    """What the import of a just-uploaded file has done so far, in a sentence."""
    job.refresh_from_db()
    Status = type(job).Status
    return {
        Status.SUCCEEDED: "It was imported: the report is below.",
        Status.FAILED: "It was not imported: the problems are below.",
        Status.AWAITING: "Nothing is imported until you confirm below.",
    }.get(job.status, "It is being checked; this page shows whether it was imported.")


def _jsna_years(workspace) -> list[int]:
    return documents.jsna_years(workspace)


@workspace_role(Role.VIEWER)
@require_POST
def data_jsna_pdf(request, workspace, year):
    """Prepare the JSNA tables of a census year as a tagged PDF (a background job)."""
    if year not in _jsna_years(workspace):
        raise Http404("This LA has no SEN2 return for that year.")
    return documents.start_jsna_pdf(request, workspace, year)


@workspace_role(Role.VIEWER)
@require_GET
def data_jsna(request, workspace, year):
    """The JSNA tables of a census year as a workbook fit to publish (small numbers
    suppressed). Every member may download them: nothing in them identifies a child."""
    if year not in _jsna_years(workspace):
        raise Http404("This LA has no SEN2 return for that year.")
    # The web never offers the exact figures: small numbers are suppressed.
    tables, sources = jsna_export.stored_jsna(
        get_store(), workspace.la_code, year, DEFAULT_THRESHOLD
    )
    body = jsna_export.workbook_bytes(tables, sources, exact=False)
    return export(
        request,
        workspace,
        body,
        filename=f"{workspace.la_code}-jsna-{year}.xlsx",
        content_type=figures.FORMATS["xlsx"],
        target=f"data/jsna-{year}.xlsx",
        detail={"year": year, "suppressed": True, "threshold": DEFAULT_THRESHOLD},
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
    return export(
        request,
        workspace,
        body,
        filename=f"{workspace.la_code}-{kind.replace('_', '-')}-template.{fmt}",
        content_type=figures.FORMATS[fmt],
        target=f"data/templates/{kind}.{fmt}",
        detail={"template": kind},
    )


#: What each kind of import is called on the page (the store keeps the code).
IMPORT_KINDS = {
    "dfe_ehcp": "DfE EHCP statistics",
    "sen2": "SEN2 return",
    "sen2_transitions": "SEN2 transitions (derived from the stored returns)",
    "finance_unit_costs": "Unit costs",
    "finance_budget": "Budget and outturn",
    "finance_capacity": "Capacity register",
    "strategy": "SEND strategy",
    "places_register": "Places register",
}


def import_kind_label(kind: str) -> str:
    """'sen2:2024' -> 'SEN2 return, 2024'; an unknown kind in plain words."""
    code, _, detail = str(kind).partition(":")
    words = IMPORT_KINDS.get(code, code.replace("_", " ").capitalize())
    return f"{words}, {detail}" if detail else words
