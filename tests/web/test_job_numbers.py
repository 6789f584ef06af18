"""Jobs are numbered within their workspace (1, 2, 3…): the number the pages show and the
URLs use, so one LA never sees another's job count or ids."""

from __future__ import annotations

import pytest
from django.urls import reverse

from highneeds.web.accounts.models import Membership
from highneeds.web.workspace.models import Job

pytestmark = pytest.mark.django_db
Role = Membership.Role


def _forecast(workspace, horizon: int) -> Job:
    return Job.objects.create(
        workspace=workspace,
        kind=Job.Kind.FORECAST,
        status=Job.Status.SUCCEEDED,
        options={"horizon": horizon, "simulations": 100, "estimation": "bayes", "seed": 1},
        result={"tables": {}},
    )


def test_each_workspace_counts_its_own_jobs(workspace, other_workspace):
    first, second = _forecast(workspace, 1), _forecast(workspace, 2)
    elsewhere = _forecast(other_workspace, 3)
    third = _forecast(workspace, 4)
    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert elsewhere.number == 1
    assert (second.label, elsewhere.label) == ("Forecast 2", "Forecast 1")


def test_a_number_is_never_reused_after_a_newer_job(workspace):
    _forecast(workspace, 1)
    second = _forecast(workspace, 2)
    Job.objects.filter(number=1).delete()
    assert _forecast(workspace, 3).number == second.number + 1


def test_pages_and_urls_use_the_workspace_number(client_as, workspace, other_workspace):
    for horizon in (1, 2):
        _forecast(workspace, horizon)
    theirs = _forecast(other_workspace, 5)
    assert theirs.pk > theirs.number  # the global id differs from what people see

    mine = client_as(Role.VIEWER, workspace)
    page = mine.get(reverse("workspace:job", args=[workspace.la_code, 2]))
    html = page.content.decode()
    assert page.status_code == 200 and "Forecast 2" in html and "Job 2" in html
    listing = mine.get(reverse("workspace:forecast", args=[workspace.la_code])).content.decode()
    assert reverse("workspace:job", args=[workspace.la_code, 2]) in listing
    assert f"/jobs/{theirs.pk}/" not in listing

    other = client_as(Role.VIEWER, other_workspace)
    own = other.get(reverse("workspace:job", args=[other_workspace.la_code, 1])).content.decode()
    # Its own job 1 (a 5-year horizon), not the first workspace's job 1 (a 1-year horizon).
    assert "Forecast 1" in own and "Years ahead</dt>" in own
    assert '<dd class="govuk-summary-list__value">5</dd>' in own
    # Job 2 exists only in the first workspace: the second's URL for it is not found.
    assert other.get(reverse("workspace:job", args=[other_workspace.la_code, 2])).status_code == 404


def test_a_failure_names_the_workspace_job_number(workspace, monkeypatch):
    from highneeds.web.workspace import services

    _forecast(workspace, 1)
    job = Job.objects.create(workspace=workspace, kind=Job.Kind.FORECAST, options={})

    def broken(job):
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "_run_forecast", broken)
    services.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "Something went wrong on our side. Report job number 2."


def test_the_migration_numbers_existing_jobs_oldest_first(workspace, other_workspace):
    from importlib import import_module

    from django.apps import apps

    jobs = [_forecast(w, 1) for w in (workspace, other_workspace, workspace)]
    # Scramble the numbers, renumber as the migration does and find creation order again.
    migration = import_module("highneeds.web.workspace.migrations.0006_job_number")
    Job.objects.filter(pk=jobs[2].pk).update(number=90)
    Job.objects.filter(pk=jobs[0].pk).update(number=91)
    migration.number_jobs(apps, None)
    assert [Job.objects.get(pk=j.pk).number for j in jobs] == [1, 1, 2]
