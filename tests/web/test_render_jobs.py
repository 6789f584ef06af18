"""Long renders as background jobs (highneeds.web.workspace.renders): the job page shows
progress without JavaScript, then the download; failures are shown in words; the file goes
only to people with the renderer's role, with the export in the audit log."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from highneeds.errors import HighneedsError
from highneeds.web.accounts.models import AuditEvent, Membership
from highneeds.web.workspace import renders, services
from highneeds.web.workspace.models import Job

pytestmark = pytest.mark.django_db
Role = Membership.Role
heard: list[tuple[int, str]] = []


@renders.renderer("test-letter", role=Role.ANALYST)
def _letter(job, workspace, options, progress):
    progress(40, "Writing the letter.")
    heard.append((job.progress, job.message))
    if options.get("fail") == "words":
        raise HighneedsError("There are no responses to report on yet.")
    if options.get("fail") == "bug":
        raise KeyError("oops")
    body = f"Dear {workspace.name}".encode()
    return renders.Rendered(body, "letter.txt", "text/plain", back=renders.Back("/x/", "Go back"))


def _page(client, job) -> str:
    return client.get(reverse("workspace:job", args=[job.workspace.la_code, job.number])).content


def test_a_render_job_reports_progress_and_offers_its_file(client_as, workspace, member):
    analyst = member(Role.ANALYST)
    heard.clear()
    job = renders.start_render(
        workspace, analyst, "test-letter", {}, title="Letter to the council (text)"
    )
    assert heard == [(40, "Writing the letter.")]  # the page saw the renderer's progress
    job.refresh_from_db()
    assert (
        job.status == Job.Status.SUCCEEDED and bytes(job.file) == b"Dear " + workspace.name.encode()
    )

    client = client_as(Role.ANALYST, workspace)
    html = _page(client, job).decode()
    assert "Letter to the council (text)" in html and f"Job {job.number}" in html
    link = reverse("workspace:job_file", args=[workspace.la_code, job.number])
    assert f'href="{link}"' in html and "Download letter.txt" in html
    assert "Check again" not in html and 'href="/x/">Go back' in html
    response = client.get(link)
    assert response.content == bytes(job.file)
    assert response["Content-Disposition"] == 'attachment; filename="letter.txt"'
    event = AuditEvent.objects.get(action="export")
    assert event.target == f"job {job.number}/letter.txt" and event.workspace == workspace


def test_the_progress_page_works_without_javascript(client_as, workspace):
    job = Job.objects.create(
        workspace=workspace,
        kind=Job.Kind.RENDER,
        status=Job.Status.RUNNING,
        progress=40,
        message="Laying out the PDF.",
        options={"renderer": "test-letter", "title": "Letter (PDF)", "document": {}},
    )
    html = _page(client_as(Role.ANALYST, workspace), job).decode()
    here = reverse("workspace:job", args=[workspace.la_code, job.number])
    # A "Check again" button (a link to this page) and the progress in words and as a bar.
    assert re.search(rf'<a href="{here}" role="button"[^>]*class="govuk-button[^"]*"', html)
    assert "Check again" in html and "Laying out the PDF." in html
    assert '<progress class="hn-progress" id="job-bar" max="100" value="40"' in html
    assert "job_file" not in html and "/document/" not in html
    file = reverse("workspace:job_file", args=[workspace.la_code, job.number])
    assert client_as(Role.ANALYST, workspace).get(file).status_code == 404


@pytest.mark.parametrize(
    ("fail", "shown"),
    [
        ("words", "There are no responses to report on yet."),
        ("bug", "Something went wrong on our side. Report job number 1."),
    ],
)
def test_a_failed_render_says_why_in_words(client_as, workspace, member, fail, shown):
    job = renders.start_render(
        workspace, member(Role.ANALYST), "test-letter", {"fail": fail}, title="Letter (PDF)"
    )
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.file is None
    html = _page(client_as(Role.ANALYST, workspace), job).decode()
    assert "The document could not be prepared" in html and shown in html
    assert "KeyError" not in html and "oops" not in html


def test_only_people_with_the_renderers_role_see_it(client_as, workspace, member):
    job = renders.start_render(workspace, member(Role.ANALYST), "test-letter", {}, title="L")
    viewer = client_as(Role.VIEWER, workspace)
    for name in ("job", "job_file", "job_status"):
        url = reverse(f"workspace:{name}", args=[workspace.la_code, job.number])
        assert viewer.get(url).status_code == 403, name


def test_an_unknown_document_cannot_be_started(workspace, member):
    with pytest.raises(HighneedsError, match="Pack \\(PDF\\) cannot be prepared here"):
        renders.start_render(workspace, member(Role.ANALYST), "no-such", {}, title="Pack (PDF)")


def test_a_second_click_joins_the_document_being_prepared(workspace, member, monkeypatch):
    monkeypatch.setattr(services, "enqueue", lambda job: job)  # the worker has not started
    analyst = member(Role.ANALYST)
    first = renders.start_render(workspace, analyst, "test-letter", {"n": 1}, title="L")
    again = renders.start_render(workspace, analyst, "test-letter", {"n": 1}, title="L")
    other = renders.start_render(workspace, analyst, "test-letter", {"n": 2}, title="L")
    assert again.pk == first.pk and other.pk != first.pk
    assert [first.number, other.number] == [1, 2]
