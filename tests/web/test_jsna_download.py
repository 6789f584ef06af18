"""The Data page's "JSNA tables": a published (suppressed) workbook for workspace members."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from highneeds.web.accounts.models import AuditEvent, Membership

from .factories import WorkspaceFactory

Role = Membership.Role
DEMO_LA = "999"


@pytest.fixture
def demo(transactional_db):
    """The demo LA's workspace with its six SEN2 returns in the store; the store's SEN2
    tables are emptied afterwards (the store writes on its own connection)."""
    from highneeds.importers.sen2 import import_demo
    from highneeds.store import schema
    from highneeds.web.core.store import get_store

    store = get_store()
    import_demo(store)
    yield WorkspaceFactory(la_code=DEMO_LA, name="Stockbridge (fictional)")
    with store.engine.begin() as conn:
        for table in reversed(schema.metadata.sorted_tables):
            conn.execute(table.delete())


def _url(la_code, year=2024):
    return reverse("workspace:data_jsna", args=[la_code, year])


def test_viewer_sees_the_link_and_downloads_suppressed_tables(client_as, demo):
    client = client_as(Role.VIEWER, demo)
    html = client.get(reverse("workspace:data", args=[DEMO_LA])).content.decode()
    assert "JSNA tables" in html and f'href="{_url(DEMO_LA)}"' in html
    assert "--exact" not in html and "exact" not in html.lower().split("jsna tables")[1][:2000]

    response = client.get(_url(DEMO_LA))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="999-jsna-2024.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert "Notes" in book.sheetnames
    rows = list(book["Need by age"].iter_rows(min_row=4, values_only=True))
    cells = [value for row in rows for value in row[1:]]
    assert "c" in cells
    assert not any(isinstance(v, int) and 0 < v < 5 for v in cells)
    notes = [row[0] for row in book["Notes"].iter_rows(values_only=True)]
    assert any("sen2-2024" in str(line) for line in notes)
    assert not any("not for publication" in str(line) for line in notes)

    event = AuditEvent.objects.get(action="export")
    assert (event.workspace, event.target) == (demo, "data/jsna-2024.xlsx")
    assert event.detail == {"year": 2024, "suppressed": True, "threshold": 5}


def test_a_year_without_a_return_is_404(client_as, demo):
    assert client_as(Role.VIEWER, demo).get(_url(DEMO_LA, 2018)).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_member_of_another_la_and_anonymous_are_refused(client_as, client, demo, workspace):
    other = client_as(Role.ADMIN, workspace)  # a member of LA 990 only
    assert other.get(_url(DEMO_LA)).status_code in (403, 404)
    anonymous = client.get(_url(DEMO_LA))
    assert anonymous.status_code == 302 and "sign-in" in anonymous.url
    assert not AuditEvent.objects.filter(action="export").exists()


def test_without_sen2_data_the_page_says_what_is_needed(client_as, workspace):
    client = client_as(Role.ANALYST, workspace)
    html = client.get(reverse("workspace:data", args=[workspace.la_code])).content.decode()
    assert "JSNA tables need this LA's SEN2 return" in html
    assert "/data/jsna-" not in html
    assert client.get(_url(workspace.la_code)).status_code == 404


@pytest.mark.slow
def test_the_pdf_is_prepared_as_a_job_and_downloaded_from_its_page(client_as, demo):
    import re

    from pdf_checks import assert_tagged

    client = client_as(Role.VIEWER, demo)
    html = client.get(reverse("workspace:data", args=[DEMO_LA])).content.decode()
    start = reverse("workspace:data_jsna_pdf", args=[DEMO_LA, 2024])
    assert f'action="{start}"' in html
    assert client.get(start).status_code == 405  # starting work is a POST
    started = client.post(start)
    assert started.status_code == 302 and "/jobs/1/" in started["Location"]
    page = client.get(started["Location"]).content.decode()
    assert "JSNA tables, January 2024 census (PDF)" in page and "Finished" in page
    link = re.search(r'href="([^"]+/document/)"[^>]*>Download 999-jsna-2024.pdf', page)
    assert link, page
    pdf = client.get(link.group(1))
    assert pdf["Content-Type"] == "application/pdf"
    assert_tagged(pdf.content, title="SEND JSNA tables: LA 999, January 2024 census")
    assert client.post(reverse("workspace:data_jsna_pdf", args=[DEMO_LA, 1990])).status_code == 404
