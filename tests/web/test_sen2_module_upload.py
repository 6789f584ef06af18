"""SEN2 module CSVs (m1–m5) uploaded on the data page: they need their collection year."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from highneeds.web.accounts.models import Membership
from highneeds.web.workspace.models import Job

Role = Membership.Role


@pytest.fixture(scope="module")
def modules_zip(tmp_path_factory) -> tuple[bytes, int]:
    """m1–m5 files of a small invented return, zipped as an LA would send them."""
    from highneeds.sen2.synth import SynthConfig, generate
    from highneeds.sen2.write import write_module_csv

    sen2_return = generate(SynthConfig(first_year=2024, last_year=2024, children=150, seed=5))[0]
    files = write_module_csv(sen2_return, tmp_path_factory.mktemp("modules"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in files:
            archive.write(file, file.name)
    return buffer.getvalue(), sen2_return.year


def _upload(client, content: bytes, **fields):
    url = reverse("workspace:data", args=["999"])
    return client.post(url, {"file": SimpleUploadedFile("modules.zip", content), **fields})


def test_module_csvs_without_a_year_are_refused_with_what_to_do(
    client_as, demo_la, modules_zip, django_capture_on_commit_callbacks
):
    client = client_as(Role.ANALYST, demo_la)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, modules_zip[0])
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == Job.Status.FAILED
    page = client.get(response.url).content.decode()
    assert "collection year" in page


def test_module_csvs_with_their_year_are_imported(
    client_as, demo_la, modules_zip, django_capture_on_commit_callbacks
):
    content, year = modules_zip
    client = client_as(Role.ANALYST, demo_la)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, content, year=str(year))
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED, job.result
    assert job.options == {"year": year}
    assert job.result["rows_imported"] > 0


def test_a_year_that_is_not_a_number_is_refused_at_the_field(client_as, demo_la, modules_zip):
    response = _upload(client_as(Role.ANALYST, demo_la), modules_zip[0], year="twenty")
    page = response.content.decode()
    assert response.status_code in (200, 400)
    assert "Enter the collection year as a number" in page and 'href="#id_year"' in page
    assert not Job.objects.exists()
