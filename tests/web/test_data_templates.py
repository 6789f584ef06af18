"""The Data page's "Templates to fill in": blank templates, written by the core, downloaded by
analysts, filled in and uploaded back on the same page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from highneeds.finance.templates import SPECS, WORKBOOKS
from highneeds.web.accounts.models import AuditEvent, Membership
from highneeds.web.workspace.models import Job

Role = Membership.Role
KINDS = list(WORKBOOKS)


def _url(la_code, kind, fmt="xlsx"):
    return reverse("workspace:data_template", args=[la_code, kind, fmt])


def _data_page(client, la_code) -> str:
    response = client.get(reverse("workspace:data", args=[la_code]))
    assert response.status_code == 200
    return response.content.decode()


def test_analysts_see_every_template_the_core_writes(client_as, workspace):
    html = _data_page(client_as(Role.ANALYST), workspace.la_code)
    assert "Templates to fill in" in html
    for kind in KINDS:
        assert SPECS[kind].title in html
        for fmt in ("xlsx", "csv"):
            assert f'href="{_url(workspace.la_code, kind, fmt)}"' in html
    # The budget workbook also holds the allocation, which its CSV cannot.
    assert "the CSV holds the Budget sheet only" in html


def test_viewers_see_no_template_links(client_as, workspace):
    html = _data_page(client_as(Role.VIEWER), workspace.la_code)
    assert "Templates to fill in" not in html
    assert "/data/templates/" not in html


@pytest.mark.parametrize("kind", KINDS)
def test_each_template_downloads_as_a_workbook_with_the_readers_header(kind, client_as, workspace):
    response = client_as(Role.ANALYST).get(_url(workspace.la_code, kind))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    filename = f"{workspace.la_code}-{kind.replace('_', '-')}-template.xlsx"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert "Instructions" in book.sheetnames and "Lists" in book.sheetnames
    for part in WORKBOOKS[kind]:
        spec = SPECS[part]
        header = next(book[spec.sheet].iter_rows(min_row=1, max_row=1, values_only=True))
        assert list(header) == spec.names, spec.sheet
    event = AuditEvent.objects.get(action="export")
    assert (event.workspace, event.target) == (workspace, f"data/templates/{kind}.xlsx")
    assert event.detail == {"template": kind}


@pytest.mark.parametrize("kind", KINDS)
def test_each_template_downloads_as_csv_of_its_first_sheet(kind, client_as, workspace):
    response = client_as(Role.ANALYST).get(_url(workspace.la_code, kind, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == SPECS[WORKBOOKS[kind][0]].names


@pytest.mark.parametrize(
    ("kind", "fmt"),
    [("nonsense", "xlsx"), ("allocation", "xlsx"), ("budget", "png"), ("budget", "svg")],
)
def test_unknown_template_or_format_is_404(kind, fmt, client_as, workspace):
    # "allocation" is a sheet of the budget workbook, not a template of its own.
    assert client_as(Role.ANALYST).get(_url(workspace.la_code, kind, fmt)).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_viewers_are_refused_and_nothing_is_audited(client_as, workspace):
    assert client_as(Role.VIEWER).get(_url(workspace.la_code, "budget")).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def test_members_of_another_la_are_refused(client_as, workspace, other_workspace):
    admin_elsewhere = client_as(Role.ADMIN, other_workspace)
    assert admin_elsewhere.get(_url(workspace.la_code, "budget")).status_code == 404
    # ... and their own workspace's template works, so it is the LA that was refused.
    assert admin_elsewhere.get(_url(other_workspace.la_code, "budget")).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, workspace):
    url = _url(workspace.la_code, "capacity")
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login")) and "next=" in response.url


# --- round trip: download, fill in, upload, imported --------------------------------------

# Two valid rows per data sheet (by column name; other columns left blank).
ROWS = {
    "Unit costs": [
        {"funding_category": "maintained_special", "place_funding_gbp": 10000, "top_up_gbp": 15000},
        {"funding_category": "independent_special", "top_up_gbp": 60000, "source": "contracts"},
    ],
    "Budget": [
        {
            "s251_line": "1.2.3",
            "statement": "budget",
            "period_start": dt.date(2024, 4, 1),
            "period_end": dt.date(2025, 3, 31),
            "amount_gbp": 1_200_000,
        },
        {
            "s251_line": "1.2.3",
            "statement": "outturn",
            "period_start": dt.date(2024, 4, 1),
            "period_end": dt.date(2025, 3, 31),
            "amount_gbp": 1_350_000,
        },
    ],
    "Allocation": [
        {"financial_year": "2024-25", "allocation_gbp": 40_000_000},
        {"financial_year": "2025-26", "allocation_gbp": 42_000_000},
    ],
    "Capacity": [
        {
            "provision": "Oak Tree School",
            "funding_category": "maintained_special",
            "year": 2026,
            "places": 120,
        },
        {
            "provision": "Oak Tree School",
            "funding_category": "maintained_special",
            "year": 2027,
            "places": 130,
        },
    ],
}
IMPORTED = {  # template -> (label the import reports, rows it writes)
    "unit_costs": ("High Needs unit costs", 2),
    "budget": ("High Needs budget and outturn by Section 251 line", 4),
    "capacity": ("Capacity register", 2),
}


def _fill(content: bytes) -> bytes:
    """The downloaded workbook with each data sheet's example rows replaced by ROWS."""
    book = load_workbook(io.BytesIO(content))
    for name, rows in ROWS.items():
        if name not in book.sheetnames:
            continue
        sheet = book[name]
        header = [cell.value for cell in sheet[1]]
        sheet.delete_rows(2, sheet.max_row)
        for row in rows:
            sheet.append([row.get(column) for column in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def clean_store(transactional_db, workspace, settings, tmp_path):
    """The store writes on its own connection, so nothing rolls back: remove this LA's
    finance imports before and after."""
    from highneeds.finance import schema as tables
    from highneeds.web.core.store import get_store

    settings.MEDIA_ROOT = tmp_path / "media"
    store = get_store()
    store.create_all()
    stored_in = {
        "finance_unit_costs": [tables.unit_costs],
        "finance_budget": [tables.budget_lines, tables.budget_allocation],
        "finance_capacity": [tables.capacity],
    }

    def forget():
        for kind, in_tables in stored_in.items():
            store.delete_imports(kind, workspace.la_code, in_tables)

    forget()
    yield store
    forget()


@pytest.mark.parametrize("kind", KINDS)
def test_a_downloaded_template_filled_in_and_uploaded_is_imported(
    kind, client_as, workspace, clean_store
):
    from highneeds.finance.stored import load_budget, load_capacity, load_unit_costs

    client = client_as(Role.ANALYST)
    blank = client.get(_url(workspace.la_code, kind)).content
    response = client.post(
        reverse("workspace:data", args=[workspace.la_code]),
        {"file": SimpleUploadedFile(f"our-{kind}.xlsx", _fill(blank))},
    )
    job = Job.objects.get(kind=Job.Kind.IMPORT)
    assert response.status_code == 302 and response.url.endswith(f"/jobs/{job.number}/")
    assert job.status == Job.Status.SUCCEEDED, job.result
    label, rows = IMPORTED[kind]
    assert (job.result["kind"], job.result["rows_imported"]) == (label, rows)

    la = workspace.la_code
    if kind == "unit_costs":
        stored = load_unit_costs(clean_store, la)
        assert stored.set_index("funding_category")["top_up_gbp"].to_dict() == {
            "maintained_special": 15000.0,
            "independent_special": 60000.0,
        }
    elif kind == "budget":
        lines, allocation = load_budget(clean_store, la)
        assert lines.set_index("statement")["amount_gbp"].to_dict() == {
            "budget": 1_200_000.0,
            "outturn": 1_350_000.0,
        }
        assert allocation["allocation_gbp"].sum() == 82_000_000
    else:
        assert load_capacity(clean_store, la).set_index("year")["places"].to_dict() == {
            2026: 120.0,
            2027: 130.0,
        }
