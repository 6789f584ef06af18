"""What a decide-and-track page shows of its document (progress report, IPS, decision pack):
the newest file prepared in each format, and any run still going or failed. Files are
prepared as render jobs and downloaded from their job (highneeds.web.workspace.renders)."""

from __future__ import annotations

from django.urls import reverse

from highneeds.web.workspace import decide, renders
from highneeds.web.workspace.models import Job


def document_links(workspace, document: str, pack: int | None = None) -> dict:
    latest = decide.latest_documents(workspace, document, pack)
    for item in latest:
        job = item["job"]
        item["url"] = (
            reverse("workspace:job_file", args=[workspace.la_code, job.number]) if job else ""
        )
    recent = decide.document_jobs(workspace, document, pack)[:5]
    return {
        "documents": latest,
        "document_runs": [
            {"job": job, "url": renders.job_url(job)}
            for job in recent
            if not job.is_finished or job.status == Job.Status.FAILED
        ],
        "formats": decide.FORMATS,
    }


def format_of(request) -> str | None:
    """The format a "Prepare" button asked for, or None."""
    fmt = request.POST.get("format")
    return fmt if fmt in decide.FORMATS else None


def prepare(request, workspace, document: str, options: dict, pack=None):
    """Start preparing the document in the asked format; the person lands on its job page."""
    fmt = options["format"]
    return renders.start_and_show(
        request, workspace, document, options, title=decide.document_title(document, fmt, pack)
    )
