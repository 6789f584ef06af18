"""An LA uploads its own unit costs and capacity register, then runs sufficiency and scenarios.

Stockport (356) stands in for any real LA: only the demo LA has shipped example inputs, so
these pages must run on what 356 uploaded, and say so.
"""

from __future__ import annotations

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from highneeds.finance.demo import EXAMPLES
from highneeds.finance.templates import write_template
from highneeds.web.accounts.models import Membership
from highneeds.web.workspace import services
from highneeds.web.workspace.models import Job

from .factories import WorkspaceFactory, shown_tables

Role = Membership.Role
LA = "356"


def _upload(client, name: str, content: bytes):
    return client.post(
        reverse("workspace:data", args=[LA]), {"file": SimpleUploadedFile(name, content)}
    )


def _filled_unit_costs(tmp_path) -> bytes:
    """The unit-cost template as the tool writes it, filled with the example figures."""
    path = write_template("unit_costs", tmp_path / "template.xlsx")
    book = load_workbook(path)
    sheet = book["Unit costs"]
    header = [cell.value for cell in sheet[1]]
    sheet.delete_rows(2, sheet.max_row)
    for row in pd.read_csv(EXAMPLES / "unit_costs.csv").itertuples(index=False):
        values = row._asdict()
        sheet.append([None if pd.isna(values.get(h)) else values.get(h) for h in header])
    book.save(path)
    return path.read_bytes()


@pytest.fixture
def stockport(transactional_db, settings, tmp_path):
    """Stockport's workspace with SEN2 transitions in the store (the demo LA's, relabelled:
    a forecast needs some) and nothing else; the core's tables are emptied afterwards."""
    from highneeds.finance.demo import demo_transitions
    from highneeds.sen2 import schema as sen2_tables
    from highneeds.store import schema
    from highneeds.web.core.store import get_store

    settings.MEDIA_ROOT = tmp_path / "media"
    store = get_store()
    moves = demo_transitions().assign(la_code=LA, leave_reason=None)
    store.import_tables(
        kind="sen2_transitions",
        owner=LA,
        file_name="test transitions",
        sha256="0" * 64,
        frames={sen2_tables.transitions: moves},
    )
    yield WorkspaceFactory(la_code=LA, name="Stockport")
    with store.engine.begin() as conn:
        for table in reversed(schema.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.mark.slow
def test_uploaded_costs_and_places_drive_sufficiency_and_scenarios(client_as, stockport, tmp_path):
    client = client_as(Role.ANALYST, stockport)
    # Nothing of this LA's is loaded yet (the page lists the templates, so look at provenance).
    assert (
        "places-2026.csv" not in client.get(reverse("workspace:data", args=[LA])).content.decode()
    )

    _upload(client, "our-costs.xlsx", _filled_unit_costs(tmp_path))
    _upload(client, "places-2026.csv", (EXAMPLES / "capacity.csv").read_bytes())
    costs, places = Job.objects.filter(kind=Job.Kind.IMPORT).order_by("pk")
    assert costs.status == Job.Status.SUCCEEDED, costs.result
    assert costs.result["kind"] == "High Needs unit costs" and costs.result["rows_imported"] == 7
    assert places.result["kind"] == "Capacity register" and places.result["rows_imported"] == 10
    data_page = client.get(reverse("workspace:data", args=[LA])).content.decode()
    # provenance: the import named in words beside its file
    provenance = 'Capacity register</td><td class="govuk-table__cell">places-2026.csv'
    assert provenance in data_page

    client.post(reverse("workspace:finance", args=[LA]), {"simulations": "100", "seed": "1"})
    sufficiency = Job.objects.get(kind=Job.Kind.SUFFICIENCY)
    assert sufficiency.status == Job.Status.SUCCEEDED, sufficiency.result
    tables = shown_tables(sufficiency)
    capacity = pd.read_csv(EXAMPLES / "capacity.csv")
    in_2027 = tables["sufficiency"][tables["sufficiency"]["January census year"] == 2027]
    assert in_2027["Commissioned places"].sum() == capacity[capacity.year == 2027].places.sum()
    notes = " ".join(tables["notes"]["Note"])
    assert "Capacity register: the LA's own import — 'places-2026.csv'" in notes
    assert "'our-costs.xlsx'" in notes and "shipped example" not in notes

    response = client.post(reverse("workspace:scenarios", args=[LA]), {"copy_examples": "1"})
    names = services.saved_scenarios(stockport)["name"].tolist()
    client.post(
        reverse("workspace:scenarios", args=[LA]),
        {"scenarios": names, "simulations": "100", "seed": "1"},
    )
    comparison = Job.objects.get(kind=Job.Kind.SCENARIOS)
    assert comparison.status == Job.Status.SUCCEEDED, comparison.result
    result = shown_tables(comparison)
    assert set(result["cost"].columns) == {"January census year", "Baseline", *names}
    assert "'our-costs.xlsx'" in " ".join(result["notes"]["Note"])
    page = client.get(reverse("workspace:job", args=[LA, comparison.number])).content.decode()
    assert "places-2026.csv" in page
    assert response.status_code == 302


def test_a_bad_template_row_shows_its_location_on_the_job_page(client_as, stockport):
    client = client_as(Role.ANALYST, stockport)
    register = (EXAMPLES / "capacity.csv").read_text().splitlines()
    register[3] = register[3].rsplit(",", 1)[0] + ",-5"  # spreadsheet row 4: negative places
    response = _upload(client, "places.csv", "\n".join(register).encode())
    job = Job.objects.get(kind=Job.Kind.IMPORT)
    assert job.status == Job.Status.FAILED
    problem = job.result["problems"][0]
    assert (problem["file"], problem["row"], problem["column"]) == ("places.csv", 4, "places")
    assert "negative" in problem["message"]
    html = client.get(response.url).content.decode()
    assert "The file was not imported" in html and "negative" in html
    from highneeds.web.core.store import get_store

    assert "finance_capacity" not in set(get_store().imports()["kind"])


def test_an_unrecognised_table_is_described_but_not_imported(client_as, stockport):
    client = client_as(Role.ANALYST, stockport)
    _upload(client, "caseload.csv", b"year,ehcps\n2023,10\n")
    job = Job.objects.get(kind=Job.Kind.IMPORT)
    # Not a success: nothing was loaded (it used to show a green "Finished").
    assert job.status == Job.Status.FAILED and job.result["imported"] is False
    assert "cannot tell what this file is" in job.result["note"]
