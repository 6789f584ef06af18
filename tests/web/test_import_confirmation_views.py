"""Imports on the data page never surprise: a return that would replace the stored year or
has errors stops and asks; nothing changes until an analyst ticks what it asks; messages and
the audit log say what really happened."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from highneeds.web.accounts.models import AuditEvent, Membership
from highneeds.web.workspace.models import Job

Role = Membership.Role


@pytest.fixture(scope="module")
def returns(tmp_path_factory):
    """Two 2024 returns of LA 999 (40 and 20 children) and one with validation errors."""
    from highneeds.sen2.inject import inject_errors
    from highneeds.sen2.synth import SynthConfig, generate
    from highneeds.sen2.write import write_xml

    folder = tmp_path_factory.mktemp("returns")
    big = generate(SynthConfig(first_year=2024, last_year=2024, children=40, seed=2))[0]
    small = generate(SynthConfig(first_year=2024, last_year=2024, children=20, seed=9))[0]
    broken = inject_errors(small, ["bad_need_code"], seed=1, count=3)
    return {
        name: write_xml(ret, folder / f"{name}.xml").read_bytes()
        for name, ret in (("big", big), ("small", small), ("broken", broken))
    }


@pytest.fixture(autouse=True)
def empty_store():
    """The core store is not rolled back with Django's test database: another test may have
    left LA 999's demo returns (and their secret's fingerprint) there. Start from nothing."""
    from highneeds.store import schema
    from highneeds.web.core.store import get_store

    store = get_store()
    store.create_all()
    with store.engine.begin() as conn:
        for table in reversed(schema.metadata.sorted_tables):
            conn.execute(table.delete())


def _upload(client, name, content, **fields):
    url = reverse("workspace:data", args=["999"])
    return client.post(url, {"file": SimpleUploadedFile(f"{name}.xml", content), **fields})


def _children():
    from highneeds.importers.sen2 import stored_children
    from highneeds.web.core.store import get_store

    return stored_children(get_store(), "999", 2024)


def _actions():
    """The workspace's audit trail, oldest first (sign-ins belong to no workspace)."""
    events = AuditEvent.objects.filter(workspace__la_code="999").order_by("at", "pk")
    return list(events.values_list("action", flat=True))


def test_a_replacement_waits_for_an_analysts_tick(client_as, demo_la, returns):
    client = client_as(Role.ANALYST, demo_la)
    _upload(client, "big", returns["big"])
    before = _children()
    assert before > 30
    response = _upload(client, "small", returns["small"])
    job = Job.objects.filter(input_name="small.xml").get()
    assert job.status == Job.Status.AWAITING, job.message
    assert _children() == before  # nothing replaced yet
    (change,) = job.result["confirm"]["changes"]
    assert change["children_before"] == before and change["children_after"] < 30
    page = client.get(response.url)
    html = page.content.decode()
    assert "Nothing is imported until you confirm below" in html
    assert "Waiting for your confirmation" in html
    assert f">{before}<" in html and f">{change['children_after']}<" in html
    # The upload is kept for the answer, readable by this account only.
    kept = Job.objects.get(pk=job.pk).input_path
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
    confirm = reverse("workspace:job_confirm", args=["999", job.number])
    unticked = client.post(confirm, {})
    assert unticked.status_code == 400
    assert "tick to replace the stored return" in unticked.content.decode()
    assert _children() == before
    done = client.post(confirm, {"replace": "1"})
    assert done.status_code == 302
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert _children() == change["children_after"]
    assert _actions()[-4:] == ["upload", "import_held", "change", "import"]


def test_a_viewer_cannot_confirm(client_as, demo_la, returns):
    analyst = client_as(Role.ANALYST, demo_la)
    _upload(analyst, "big", returns["big"])
    before = _children()
    _upload(analyst, "small", returns["small"])
    job = Job.objects.get(input_name="small.xml")
    viewer = client_as(Role.VIEWER, demo_la)
    assert (
        "Import this file"
        not in viewer.get(reverse("workspace:job", args=["999", job.number])).content.decode()
    )
    response = viewer.post(
        reverse("workspace:job_confirm", args=["999", job.number]), {"replace": "1"}
    )
    assert response.status_code == 403
    assert _children() == before


def test_errors_are_refused_unless_the_box_is_ticked(client_as, demo_la, returns):
    client = client_as(Role.ANALYST, demo_la)
    _upload(client, "broken", returns["broken"])
    job = Job.objects.get()
    assert job.status == Job.Status.AWAITING and job.result["confirm"]["needs_accept_errors"]
    assert _children() is None
    assert _actions() == ["upload", "import_held"]
    Job.objects.all().delete()
    response = _upload(client, "broken", returns["broken"], accept_errors="on")
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED
    assert _children() == job.result["children"]
    assert "It was imported" in client.get(response.url).content.decode()
    event = AuditEvent.objects.filter(action="import").get()
    assert event.detail["accept_errors"] is True


def test_a_junk_upload_is_reported_as_not_imported(client_as, demo_la, settings):
    client = client_as(Role.ANALYST, demo_la)
    response = _upload(client, "junk", b"\x00\x01 not xml at all")
    assert Job.objects.get().status == Job.Status.FAILED
    html = client.get(response.url).content.decode()
    assert "It was not imported" in html and "was uploaded." in html
    assert _actions() == ["upload", "import_failed"]
    assert not list(Path(settings.MEDIA_ROOT).rglob("junk.xml"))
