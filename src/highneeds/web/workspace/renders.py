"""Documents that take more than a moment to prepare (the consultation outcome report, the JSNA
as PDF, a strategy's packs) are prepared by the background worker as a job, not inside the
request: the person sees the job page with its progress ("Check again" without JavaScript) and a
download link when the file is ready; a failure is shown in words.

To offer a document this way:

1. Write a renderer and register it (in a module your app's ``AppConfig.ready`` imports, so the
   worker knows it too)::

       @renders.renderer("ips", role=Role.ANALYST)
       def render_ips(job, workspace, options, progress) -> renders.Rendered:
           progress(20, "Reading the strategy and its measures.")
           ...
           return renders.Rendered(pdf, f"{workspace.la_code}-ips.pdf", "application/pdf",
                                   back=renders.Back(url, "Back to the strategy"))

   ``options`` is the JSON-safe dict your view passed; ``progress(percent, words)`` updates the
   job page. Raise ``HighneedsError`` (or a subclass) with a message for the person when the
   document cannot be made (no responses yet, data missing): the job page shows it as a
   problem. Anything else is a bug: the page says "Something went wrong on our side".
2. Start it from a POST view: ``return renders.start_and_show(request, workspace, "ips",
   options, title="Investment position statement (PDF)")``. The person lands on the job page.

The file is kept in the job row (``Job.file``) and sent by ``workspace:job_file``, to people
holding the renderer's role, with the export recorded in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.shortcuts import redirect
from django.utils import timezone

from highneeds.errors import HighneedsError
from highneeds.web.accounts.models import Workspace
from highneeds.web.accounts.permissions import Role, has_role

from .models import Job

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Back:
    """A link back to the page the document was asked for from."""

    url: str
    text: str


@dataclass(frozen=True)
class Rendered:
    """A prepared document: its bytes, the file name to save it as and its content type."""

    content: bytes
    file_name: str
    content_type: str
    back: Back | None = None


@dataclass(frozen=True)
class Renderer:
    name: str
    render: Callable[[Job, Workspace, dict, Progress], Rendered]
    role: str
    section: str


_RENDERERS: dict[str, Renderer] = {}


def renderer(name: str, *, role: str = Role.ANALYST, section: str = "data"):
    """Register ``render(job, workspace, options, progress) -> Rendered`` under ``name``.
    ``role``: who may start it, follow its progress and download the file; ``section``: the
    workspace menu item its job page sits under ("data", "strategy", "consultations"…)."""

    def register(render):
        _RENDERERS[name] = Renderer(name=name, render=render, role=role, section=section)
        return render

    return register


def section_of(job: Job) -> str:
    """The menu item a document job's page sits under."""
    found = _RENDERERS.get((job.options or {}).get("renderer", ""))
    return found.section if found else "data"


def role_for(job: Job) -> str:
    """The role a person needs to see this job: a document's renderer's; viewer otherwise."""
    if job.kind != Job.Kind.RENDER:
        return Role.VIEWER
    found = _RENDERERS.get((job.options or {}).get("renderer", ""))
    return found.role if found else Role.ADMIN


def may_see(user, job: Job) -> bool:
    return has_role(user, job.workspace, role_for(job))


#: A second click on "Prepare" while the first is still queued or running joins that job.
JOIN_WITHIN = timedelta(minutes=10)


def start_render(workspace: Workspace, user, name: str, options: dict, *, title: str) -> Job:
    """Queue the document ``name`` with ``options`` (JSON-safe), shown as ``title`` (e.g.
    "Outcome report (PDF)"). The same document already being prepared is joined, not redone."""
    from . import services

    if name not in _RENDERERS:
        raise HighneedsError(f"{title} cannot be prepared here.")
    stored = {"renderer": name, "title": title, "document": options}
    running = (
        Job.objects.filter(
            workspace=workspace,
            kind=Job.Kind.RENDER,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
            created_at__gte=timezone.now() - JOIN_WITHIN,
            options=stored,
        )
        .defer("file")
        .first()
    )
    if running is not None:
        return running
    return services.start_job(workspace, user, Job.Kind.RENDER, stored, "preparing the document")


def start_and_show(request, workspace: Workspace, name: str, options: dict, *, title: str):
    """start_render, then send the person to the job's page (its progress, then the file)."""
    job = start_render(workspace, request.user, name, options, title=title)
    return redirect(job_url(job))


def job_url(job: Job) -> str:
    from django.urls import reverse

    return reverse("workspace:job", args=[job.workspace.la_code, job.number])


def run_render(job: Job) -> dict:
    """Prepare the job's document (the worker calls this): the file goes into the job row,
    what the page shows of it into the returned result."""
    from . import services

    stored = job.options or {}
    found = _RENDERERS.get(stored.get("renderer", ""))
    if found is None:
        raise HighneedsError(f"{stored.get('title', 'This document')} cannot be prepared here.")
    services.report_progress(job, 5, "Starting.")
    done = found.render(
        job,
        job.workspace,
        dict(stored.get("document") or {}),
        lambda percent, words: services.report_progress(job, percent, words),
    )
    job.file, job.file_name, job.file_type = done.content, done.file_name, done.content_type
    result = {"file_bytes": len(done.content)}
    if done.back:
        result["back"] = {"url": done.back.url, "text": done.back.text}
    return result


def send_file(request, workspace: Workspace, job: Job):
    """The job's document as a download, recorded in the audit log."""
    from django.http import Http404

    from .views.downloads import export

    if job.status != Job.Status.SUCCEEDED or job.file is None:
        raise Http404("This job has no document to download.")
    return export(
        request,
        workspace,
        bytes(job.file),
        filename=job.file_name,
        content_type=job.file_type,
        target=f"job {job.number}/{job.file_name}"[:200],
        detail={"job": job.number, "bytes": len(job.file)},
    )
