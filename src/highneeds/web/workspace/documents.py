"""The workspace's own documents prepared as background jobs (highneeds.web.workspace.renders):
the JSNA tables of a census year as a tagged PDF."""

from __future__ import annotations

from django.urls import reverse

from highneeds.analysis import jsna_export
from highneeds.errors import HighneedsError
from highneeds.suppression import DEFAULT_THRESHOLD
from highneeds.web.accounts.permissions import Role
from highneeds.web.core.store import get_store

from . import renders


def jsna_years(workspace) -> list[int]:
    """The census years of this LA's stored SEN2 returns (each has JSNA tables)."""
    return jsna_export.stored_years(get_store(), workspace.la_code)


@renders.renderer("jsna-pdf", role=Role.VIEWER)
def render_jsna_pdf(job, workspace, options: dict, progress) -> renders.Rendered:
    """The JSNA tables fit to publish (small numbers suppressed) as tagged PDF/UA-1. Every
    member may have them, as the workbook: nothing in them identifies a child."""
    year = options.get("year")
    if year not in jsna_years(workspace):
        raise HighneedsError(f"This LA has no SEN2 return for the January {year} census.")
    progress(20, "Reading the SEN2 return and suppressing small numbers.")
    tables, sources = jsna_export.stored_jsna(
        get_store(), workspace.la_code, year, DEFAULT_THRESHOLD
    )
    progress(50, "Laying out the PDF.")
    body = jsna_export.pdf_bytes(tables, sources, exact=False)
    return renders.Rendered(
        body,
        f"{workspace.la_code}-jsna-{year}.pdf",
        "application/pdf",
        back=renders.Back(
            reverse("workspace:data", args=[workspace.la_code]) + "#jsna", "Back to data"
        ),
    )


def start_jsna_pdf(request, workspace, year: int):
    return renders.start_and_show(
        request,
        workspace,
        "jsna-pdf",
        {"year": year},
        title=f"JSNA tables, January {year} census (PDF)",
    )
