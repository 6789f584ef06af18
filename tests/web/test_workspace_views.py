"""Every workspace view × every kind of visitor, and what each page does."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from highneeds.tables import TitledTable
from highneeds.web.accounts.models import AuditEvent, Membership
from highneeds.web.workspace import services
from highneeds.web.workspace.models import Job

from .conftest import empty_store
from .factories import shown_tables

Role = Membership.Role
pytestmark = pytest.mark.django_db

OVERVIEW = {
    "caseload_trend": TitledTable(
        "Caseload trend",
        pd.DataFrame({"census_year": [2022, 2023, 2024], "ehcps": [2618, 2790, 3012]}),
        labels={"census_year": "census_year", "ehcps": "EHCPs"},
    ),
    "setting_mix": TitledTable(
        "Setting mix",
        pd.DataFrame(
            {"setting": ["Mainstream", "Special", '=HYPERLINK("x")'], "share": [0.4, 0.5, 0.1]}
        ),
        labels={"setting": "setting group"},
    ),
    "notes": TitledTable("Notes", pd.DataFrame({"note": ["Figures are for January each year."]})),
}


def _overview_returns(monkeypatch, make):
    """The core's overview stands in: make(store, la_code) gives its tables."""
    monkeypatch.setattr(
        services, "core_overview_tables", lambda store, la_code, la_name=None: make(store, la_code)
    )


@pytest.fixture
def fake_overview(monkeypatch):
    """The core's overview stands in with fixed tables (the real one is tested in
    tests/overview)."""
    calls = []

    def overview(store, la_code):
        calls.append(la_code)
        return dict(OVERVIEW)

    _overview_returns(monkeypatch, overview)
    return calls


FAN_TABLE = {
    "columns": [
        "January census year",
        "Expected",
        "Lower 95% bound",
        "Lower 80% bound",
        "Median",
        "Upper 80% bound",
        "Upper 95% bound",
    ],
    "data": [[2024, 404.0, 404, 404, 404, 404, 404], [2025, 416.6, 395, 403.9, 417, 424, 436.0]],
}


@pytest.fixture
def job(workspace):
    """A finished forecast with one table."""
    return Job.objects.create(
        workspace=workspace,
        kind=Job.Kind.FORECAST,
        status=Job.Status.SUCCEEDED,
        options={"horizon": 1, "simulations": 100, "estimation": "bayes", "seed": 50},
        result={"tables": {"total": FAN_TABLE}},
    )


# (url name, extra kwargs, least role that may open it with GET)
GET_VIEWS = [
    ("workspace:overview", {}, Role.VIEWER),
    ("workspace:overview_download", {"key": "caseload_trend", "fmt": "csv"}, Role.VIEWER),
    ("workspace:overview_chart", {"key": "caseload_trend"}, Role.VIEWER),
    ("workspace:data", {}, Role.VIEWER),
    ("workspace:data_template", {"kind": "budget", "fmt": "xlsx"}, Role.ANALYST),
    ("workspace:job", {"number": "JOB"}, Role.VIEWER),
    ("workspace:job_status", {"number": "JOB"}, Role.VIEWER),
    ("workspace:job_download", {"number": "JOB", "key": "total", "fmt": "csv"}, Role.VIEWER),
    ("workspace:job_chart", {"number": "JOB", "key": "total"}, Role.VIEWER),
    ("workspace:forecast", {}, Role.VIEWER),
    ("workspace:finance", {}, Role.VIEWER),
    ("workspace:scenarios", {}, Role.VIEWER),
    ("workspace:audit", {}, Role.ADMIN),
]
RANK = {Role.VIEWER: 1, Role.ANALYST: 2, Role.ADMIN: 3}


def _url(name, extra, la_code, job):
    kwargs = {k: (job.number if v == "JOB" else v) for k, v in extra.items()}
    return reverse(name, kwargs={"la_code": la_code, **kwargs})


@pytest.mark.parametrize(("name", "extra", "least"), GET_VIEWS)
@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST, Role.ADMIN])
def test_members_open_views_their_role_allows(
    name, extra, least, role, client_as, workspace, job, fake_overview
):
    response = client_as(role).get(_url(name, extra, workspace.la_code, job))
    expected = 200 if RANK[role] >= RANK[least] else 403
    assert response.status_code == expected


@pytest.mark.parametrize(("name", "extra", "least"), GET_VIEWS)
def test_anonymous_visitors_are_sent_to_sign_in(name, extra, least, client, workspace, job):
    url = _url(name, extra, workspace.la_code, job)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert "next=" in response.url


@pytest.mark.parametrize(("name", "extra", "least"), GET_VIEWS)
def test_member_of_one_la_cannot_open_another(
    name, extra, least, client_as, workspace, other_workspace, job, fake_overview
):
    admin_elsewhere = client_as(Role.ADMIN, other_workspace)
    response = admin_elsewhere.get(_url(name, extra, workspace.la_code, job))
    assert response.status_code == 404


def test_unknown_workspace_is_404(client_as):
    assert client_as(Role.ADMIN).get(reverse("workspace:overview", args=["000"])).status_code == 404


def test_job_of_another_workspace_is_404_even_for_its_own_members(
    client_as, workspace, other_workspace, job
):
    other_admin = client_as(Role.ADMIN, other_workspace)
    url = reverse(
        "workspace:job", kwargs={"la_code": other_workspace.la_code, "number": job.number}
    )
    assert other_admin.get(url).status_code == 404


def test_index_lists_only_my_workspaces(client_as, workspace, other_workspace):
    html = client_as(Role.VIEWER).get(reverse("workspace:index")).content.decode()
    assert workspace.name in html
    assert other_workspace.name not in html


def test_index_needs_sign_in(client):
    assert client.get(reverse("workspace:index")).status_code == 302


# --- overview -------------------------------------------------------------------------------


def test_overview_shows_every_table_with_chart_and_downloads(client_as, workspace, fake_overview):
    html = (
        client_as(Role.VIEWER)
        .get(reverse("workspace:overview", args=[workspace.la_code]))
        .content.decode()
    )
    assert fake_overview == [workspace.la_code]
    for key in ("caseload_trend", "setting_mix"):
        assert reverse("workspace:overview_chart", args=[workspace.la_code, key]) in html
        for fmt in ("csv", "xlsx", "png", "svg"):
            assert (
                reverse("workspace:overview_download", args=[workspace.la_code, key, fmt]) in html
            )
    # A table without numbers has no chart, but still its table and CSV.
    assert reverse("workspace:overview_chart", args=[workspace.la_code, "notes"]) not in html
    assert reverse("workspace:overview_download", args=[workspace.la_code, "notes", "csv"]) in html
    assert "2,790" in html  # the table is the chart's text alternative, counts with separators
    assert "Chart: Caseload trend. The same figures are in the table below." in html


def test_overview_csv_download_has_the_numbers_and_is_audited(client_as, workspace, fake_overview):
    url = reverse("workspace:overview_download", args=[workspace.la_code, "caseload_trend", "csv"])
    response = client_as(Role.VIEWER).get(url)
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="{workspace.la_code}-caseload_trend.csv"'
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Census year,EHCPs"  # headings in words in every download
    assert lines[-1] == "2024,3012"
    event = AuditEvent.objects.get(action="export")
    assert event.workspace == workspace
    assert event.detail == {"rows": 3}


def test_csv_download_neutralises_formulas(client_as, workspace, fake_overview):
    url = reverse("workspace:overview_download", args=[workspace.la_code, "setting_mix", "csv"])
    text = client_as(Role.VIEWER).get(url).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text


def test_xlsx_png_and_svg_downloads_are_real_files(client_as, workspace, fake_overview):
    import io

    client = client_as(Role.VIEWER)
    base = [workspace.la_code, "caseload_trend"]
    xlsx = client.get(reverse("workspace:overview_download", args=[*base, "xlsx"])).content
    frame = pd.read_excel(io.BytesIO(xlsx), engine="openpyxl")
    assert frame["EHCPs"].tolist() == [2618, 2790, 3012]
    png = client.get(reverse("workspace:overview_download", args=[*base, "png"])).content
    assert png.startswith(b"\x89PNG")
    svg = client.get(reverse("workspace:overview_download", args=[*base, "svg"])).content
    assert b"<svg" in svg


def test_chart_of_a_table_without_numbers_is_404(client_as, workspace, fake_overview):
    client = client_as(Role.VIEWER)
    assert (
        client.get(
            reverse("workspace:overview_chart", args=[workspace.la_code, "notes"])
        ).status_code
        == 404
    )
    url = reverse("workspace:overview_download", args=[workspace.la_code, "notes", "png"])
    assert client.get(url).status_code == 404


def test_unknown_overview_table_is_404(client_as, workspace, fake_overview):
    url = reverse("workspace:overview_download", args=[workspace.la_code, "nope", "csv"])
    assert client_as(Role.VIEWER).get(url).status_code == 404


# --- data upload ------------------------------------------------------------------------------


def _upload(client, workspace, name, content: bytes):
    return client.post(
        reverse("workspace:data", args=[workspace.la_code]),
        {"file": SimpleUploadedFile(name, content)},
    )


def test_viewer_sees_data_page_without_upload_form(client_as, workspace):
    html = (
        client_as(Role.VIEWER)
        .get(reverse("workspace:data", args=[workspace.la_code]))
        .content.decode()
    )
    assert 'type="file"' not in html
    assert "you need the analyst role" in html


def test_viewer_cannot_upload(client_as, workspace):
    response = _upload(client_as(Role.VIEWER), workspace, "a.csv", b"a,b\n1,2\n")
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_csrf_less_upload_is_refused(client_as, workspace):
    client = client_as(Role.ANALYST, enforce_csrf_checks=True)
    response = _upload(client, workspace, "a.csv", b"a,b\n1,2\n")
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_analyst_upload_of_an_unknown_table_runs_a_job_that_says_nothing_was_imported(
    client_as, workspace, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    client = client_as(Role.ANALYST)
    response = _upload(client, workspace, "caseload.csv", b"year,ehcps\n2023,10\n2024,12\n")
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("workspace:job", args=[workspace.la_code, job.number])
    # Tasks run inline in tests. A readable table of no kind highneeds imports is described,
    # but the job failed: nothing was loaded (it used to say "Finished" in green).
    assert job.status == Job.Status.FAILED
    assert not job.result["imported"]
    assert job.progress == 100
    assert job.result["sheets"] == [{"name": "", "rows": 2, "columns": ["year", "ehcps"]}]
    assert not list(tmp_path.rglob("*.csv")), "the uploaded copy must be deleted after the job"
    html = client.get(response.url).content.decode()
    assert "Validation report" in html
    assert "2 rows" in html
    status = client.get(
        reverse("workspace:job_status", args=[workspace.la_code, job.number])
    ).json()
    assert status == {
        "status": "failed",
        "status_label": "Failed",
        "progress": 100,
        "message": "The file was not imported: see below.",
        "finished": True,
    }
    actions = set(AuditEvent.objects.filter(workspace=workspace).values_list("action", flat=True))
    assert actions == {"upload", "import_failed"}


def test_malformed_file_fails_cleanly_with_a_located_problem(
    client_as, workspace, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    client = client_as(Role.ANALYST)
    response = _upload(client, workspace, "budget.xlsx", b"this is not a spreadsheet")
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    problem = job.result["problems"][0]
    assert problem["file"] == "budget.xlsx"
    assert "cannot be read as a XLSX file" in problem["message"]
    html = client.get(response.url).content.decode()
    assert "The file was not imported" in html
    assert "budget.xlsx" in html


def test_empty_file_is_refused_by_the_form(client_as, workspace):
    response = _upload(client_as(Role.ANALYST), workspace, "a.csv", b"")
    assert response.status_code == 400
    assert "The selected file is empty" in response.content.decode()
    assert not Job.objects.exists()


def test_wrong_kind_of_file_is_refused_with_a_linked_error(client_as, workspace):
    response = _upload(client_as(Role.ANALYST), workspace, "notes.exe", b"MZ")
    html = response.content.decode()
    assert response.status_code == 400
    assert "must be a ZIP, XML, CSV, XLSX, XLS or ODS file" in html
    assert 'href="#id_file"' in html  # error summary links to the field
    assert "govuk-file-upload--error" in html


def test_missing_file_is_refused(client_as, workspace):
    response = client_as(Role.ANALYST).post(reverse("workspace:data", args=[workspace.la_code]), {})
    assert response.status_code == 400
    assert "Select a file to upload" in response.content.decode()


def test_oversized_file_is_refused_by_the_form(client_as, workspace, monkeypatch):
    from highneeds import config

    monkeypatch.setattr(config, "max_upload_bytes", lambda: 10)
    response = _upload(client_as(Role.ANALYST), workspace, "big.csv", b"a,b\n" + b"1,2\n" * 10)
    assert response.status_code == 400
    assert "must be smaller than" in response.content.decode()
    assert not Job.objects.exists()


def test_oversized_request_is_refused_before_it_is_read(workspace, member, settings):
    """The middleware refuses a body over the limit from its Content-Length alone."""
    from highneeds import config

    client = Client()
    client.force_login(member(Role.ANALYST))
    too_big = config.max_upload_bytes() + 2 * 1024 * 1024
    response = client.post(
        reverse("workspace:data", args=[workspace.la_code]),
        data=b"x",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(too_big),
    )
    assert response.status_code == 413
    assert b"The file is too large" in response.content


@pytest.mark.django_db(transaction=True)  # the Store writes on its own connection
def test_data_page_shows_provenance_from_the_store(client_as, workspace, other_workspace):
    import datetime as dt

    from highneeds.store import schema
    from highneeds.web.core.store import get_store

    rows = [
        {
            "kind": "dfe_ehcp",
            "owner": "",
            "file_name": "national.csv",
            "sha256": "a" * 64,
            "rows": 5,
        },
        {
            "kind": "sen2",
            "owner": workspace.la_code,
            "file_name": "ours.xml",
            "sha256": "b" * 64,
            "rows": 7,
        },
        {
            "kind": "sen2",
            "owner": other_workspace.la_code,
            "file_name": "theirs.xml",
            "sha256": "c" * 64,
            "rows": 9,
        },
    ]
    store = get_store()
    with store.engine.begin() as conn:
        conn.execute(
            schema.imports.insert(),
            [{**row, "imported_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)} for row in rows],
        )
    try:
        html = (
            client_as(Role.VIEWER)
            .get(reverse("workspace:data", args=[workspace.la_code]))
            .content.decode()
        )
    finally:
        with store.engine.begin() as conn:
            conn.execute(schema.imports.delete())
    assert "national.csv" in html
    assert "ours.xml" in html
    assert "theirs.xml" not in html


def test_audit_page_lists_workspace_events_for_admins(client_as, workspace, other_workspace):
    from highneeds.web.accounts import audit

    audit.record(audit.Action.EXPORT, workspace=workspace, target="mine.csv")
    audit.record(audit.Action.EXPORT, workspace=other_workspace, target="theirs.csv")
    html = (
        client_as(Role.ADMIN)
        .get(reverse("workspace:audit", args=[workspace.la_code]))
        .content.decode()
    )
    assert "mine.csv" in html
    assert "theirs.csv" not in html


def test_script_in_table_cells_is_shown_inert(client_as, workspace, monkeypatch):
    _overview_returns(
        monkeypatch,
        lambda store, la: {
            "t": TitledTable("T", pd.DataFrame({"label": ["<script>alert(1)</script>"], "n": [1]}))
        },
    )
    html = (
        client_as(Role.VIEWER)
        .get(reverse("workspace:overview", args=[workspace.la_code]))
        .content.decode()
    )
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_overview_is_computed_once_until_the_store_changes(
    client_as, workspace, fake_overview, monkeypatch
):
    from highneeds.web.workspace import services

    client = client_as(Role.VIEWER)
    url = reverse("workspace:overview", args=[workspace.la_code])
    client.get(url)
    cached = client.get(url).content.decode()
    assert '<section class="govuk-!-margin-bottom-9"' in cached  # served from cache, as HTML
    assert "&lt;section" not in cached
    client.get(
        reverse("workspace:overview_download", args=[workspace.la_code, "caseload_trend", "csv"])
    )
    assert fake_overview == [workspace.la_code]
    monkeypatch.setattr(services, "store_fingerprint", lambda: "after-an-import")
    client.get(url)
    assert fake_overview == [workspace.la_code, workspace.la_code]


def test_overview_problem_in_the_core_is_shown_as_a_message(client_as, workspace, monkeypatch):
    from highneeds.errors import NotFoundError

    def no_data(store, la_code):
        raise NotFoundError("no EHCP statistics for Fictional Borough in the store")

    _overview_returns(monkeypatch, no_data)
    html = (
        client_as(Role.VIEWER)
        .get(reverse("workspace:overview", args=[workspace.la_code]))
        .content.decode()
    )
    assert "no EHCP statistics for Fictional Borough in the store" in html


# --- SEN2 uploads through the core importer -------------------------------------------------


@pytest.fixture(scope="session")
def sen2_return_999(tmp_path_factory):
    """A small synthetic SEN2 return (fictional LA 999) as the XML an LA would upload."""
    from highneeds.sen2.synth import SynthConfig, generate
    from highneeds.sen2.write import write_xml

    (ret,) = generate(SynthConfig(first_year=2023, last_year=2023, children=30, seed=7))
    path = tmp_path_factory.mktemp("sen2") / "sen2-2023.xml"
    write_xml(ret, path)
    return path


def test_sen2_return_of_another_la_is_refused(
    client_as, workspace, sen2_return_999, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    _upload(client_as(Role.ANALYST), workspace, "sen2-2023.xml", sen2_return_999.read_bytes())
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert (
        "SEN2 return for LA 999, not for this workspace's LA 990"
        in job.result["problems"][0]["message"]
    )


@pytest.mark.django_db(transaction=True)  # the core's importer writes on its own connection
def test_sen2_return_is_imported_into_its_own_la(
    client_as, sen2_return_999, tmp_path, settings, monkeypatch
):
    from highneeds.web.core.store import get_store

    from .factories import WorkspaceFactory

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setenv("HIGHNEEDS_SECRET", "test-installation-secret")
    demo = WorkspaceFactory(la_code="999", name="Fictional demo LA")
    client = client_as(Role.ANALYST, demo)
    response = _upload(client, demo, "sen2-2023.xml", sen2_return_999.read_bytes())
    job = Job.objects.get()
    try:
        assert job.status == Job.Status.SUCCEEDED, job.result
        assert job.result["kind"] == "SEN2 return"
        assert job.result["rows_imported"] > 0
        assert job.result["children"] > 0
        imports = get_store().imports()
        assert set(imports["owner"]) == {"999"}  # the return, and transitions derived from it
        sen2 = imports[imports["kind"] == "sen2:2023"]
        assert sen2["file_name"].tolist() == ["sen2-2023.xml"]
        html = client.get(response.url).content.decode()
        assert "Children with a plan at the census" in html
    finally:
        empty_store()


def test_sen2_upload_without_installation_secret_explains_what_to_do(
    client_as, sen2_return_999, tmp_path, settings, monkeypatch
):
    from .factories import WorkspaceFactory

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.delenv("HIGHNEEDS_SECRET", raising=False)
    demo = WorkspaceFactory(la_code="999", name="Fictional demo LA")
    _upload(client_as(Role.ANALYST, demo), demo, "sen2-2023.xml", sen2_return_999.read_bytes())
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert "HIGHNEEDS_SECRET" in job.result["problems"][0]["message"]


def test_display_values_are_rounded_for_reading_only():
    from highneeds.web.workspace import figures

    frame = pd.DataFrame({"year": [2022], "ehcps": [12345.0], "rate": [31.18151], "gap": [None]})
    assert figures.display_rows(frame) == [["2022", "12,345", "31.2", "–"]]


def test_panels_right_align_figures_and_explain_the_dash():
    from highneeds.web.workspace import figures

    frame = pd.DataFrame({"Line": ["1.0.2", "1.2.1"], "Label": ["a", "b"], "Budget": [5.0, None]})
    panel = figures.panel(
        "t", TitledTable("T", frame), chart_src="", download_url=lambda fmt: fmt, chart=False
    )
    assert [c["numeric"] for c in panel["columns"]] == [False, False, True]
    assert panel["rows"][1][2] == {"text": "–", "numeric": True}
    assert panel["has_missing"]
    full = frame.fillna(1.0)
    shown = figures.panel(
        "t", TitledTable("T", full), chart_src="", download_url=lambda fmt: fmt, chart=False
    )
    assert not shown["has_missing"]


def test_the_overview_shows_dfe_symbols_with_their_legend(client_as, workspace, monkeypatch):
    """A figure DfE suppressed reads as its symbol, as on the CLI, and the legend says what it
    means; a January is named on every table of one January."""
    frame = pd.DataFrame(
        {"year": [2021, 2022], "ehcps": [2618.0, None], "new_plans": [None, 360.0]}
    )
    symbols = pd.DataFrame(
        {"year": [None, None], "ehcps": [None, "c"], "new_plans": ["low", None]}, dtype=object
    )
    table = TitledTable("EHCPs and new plans by January census", frame, symbols=symbols)
    _overview_returns(monkeypatch, lambda store, la_code: {"caseload": table})
    html = (
        client_as(Role.VIEWER)
        .get(reverse("workspace:overview", args=[workspace.la_code]))
        .content.decode()
    )
    cells = re.findall(r'<td class="govuk-table__cell[^"]*">([^<]*)</td>', html)
    assert cells == ["2,618", "low", "c", "360"]
    assert "c = confidential (a small number, suppressed)" in html
    assert "low = rounds to zero but is not zero" in html
    assert "January census year" in html  # each row's January

    # The downloads carry the same symbols; the other figures stay numbers with their format.
    viewer = client_as(Role.VIEWER)
    url = reverse("workspace:overview_download", args=[workspace.la_code, "caseload", "csv"])
    rows = viewer.get(url).content.decode("utf-8-sig").splitlines()
    assert rows[1:] == ["2021,2618,low", "2022,c,360"]
    url = reverse("workspace:overview_download", args=[workspace.la_code, "caseload", "xlsx"])
    sheet = load_workbook(io.BytesIO(viewer.get(url).content)).worksheets[0]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        [2021, 2618, "low"],
        [2022, "c", 360],
    ]
    assert sheet["B2"].number_format == "#,##0"


# --- forecast ---------------------------------------------------------------------------------

FORECAST_POST = {"horizon": "2", "simulations": "100", "estimation": "bayes", "seed": "50"}


def test_viewer_sees_forecasts_but_no_form_and_cannot_run_one(client_as, workspace, job):
    client = client_as(Role.VIEWER)
    html = client.get(reverse("workspace:forecast", args=[workspace.la_code])).content.decode()
    assert "Run the forecast" not in html
    assert f"Forecast {job.number}" in html
    response = client.post(reverse("workspace:forecast", args=[workspace.la_code]), FORECAST_POST)
    assert response.status_code == 403
    assert Job.objects.count() == 1


def test_csrf_less_forecast_post_is_refused(client_as, workspace):
    client = client_as(Role.ANALYST, enforce_csrf_checks=True)
    response = client.post(reverse("workspace:forecast", args=[workspace.la_code]), FORECAST_POST)
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_forecast_options_are_checked_with_linked_errors(client_as, workspace, monkeypatch):
    monkeypatch.setattr(services, "child_level_forecast", lambda workspace: True)
    response = client_as(Role.ANALYST).post(
        reverse("workspace:forecast", args=[workspace.la_code]),
        {"horizon": "0", "simulations": "lots", "seed": "50"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Forecast at least 1 year ahead" in html
    assert "The number of simulations must be a whole number" in html
    assert 'href="#id_estimation_0"' in html  # radios: link to the first option
    assert not Job.objects.exists()


def test_without_sen2_returns_the_forecast_page_offers_only_the_horizon(client_as, workspace):
    """The public-data model takes no simulation options, so the page does not offer them."""
    client = client_as(Role.ANALYST)
    url = reverse("workspace:forecast", args=[workspace.la_code])
    html = client.get(url).content.decode()
    assert 'name="horizon"' in html
    for name in ("simulations", "estimation", "seed"):
        assert f'name="{name}"' not in html
    assert "the public-data model will run" in html
    assert "published statistics" in html  # the horizon counts from the latest published year
    client.post(url, {"horizon": "2"})
    assert Job.objects.get().options == {"horizon": 2}


def test_with_sen2_returns_the_forecast_page_offers_the_simulation_options(
    client_as, workspace, monkeypatch
):
    monkeypatch.setattr(services, "child_level_forecast", lambda workspace: True)
    html = (
        client_as(Role.ANALYST)
        .get(reverse("workspace:forecast", args=[workspace.la_code]))
        .content.decode()
    )
    for name in ("horizon", "simulations", "estimation", "seed"):
        assert f'name="{name}"' in html
    assert "the child-level model will run" in html


def test_forecast_without_sen2_data_fails_with_what_to_do(client_as, workspace):
    client = client_as(Role.ANALYST)
    response = client.post(reverse("workspace:forecast", args=[workspace.la_code]), FORECAST_POST)
    job = Job.objects.get()
    assert response.url == reverse("workspace:job", args=[workspace.la_code, job.number])
    assert job.status == Job.Status.FAILED
    assert "upload its SEN2 returns" in job.result["problems"][0]["message"]
    assert "This could not run" in client.get(response.url).content.decode()


def test_finished_forecast_shows_fan_chart_table_and_downloads(client_as, workspace, job):
    client = client_as(Role.VIEWER)
    html = client.get(
        reverse("workspace:job", args=[workspace.la_code, job.number])
    ).content.decode()
    assert "EHCP caseload forecast" in html
    assert reverse("workspace:job_chart", args=[workspace.la_code, job.number, "total"]) in html
    assert "Upper 80% bound" in html
    assert "417" in html and "416.6" not in html  # mean children as whole children
    svg = client.get(reverse("workspace:job_chart", args=[workspace.la_code, job.number, "total"]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"80% interval" in svg.content
    csv = client.get(
        reverse("workspace:job_download", args=[workspace.la_code, job.number, "total", "csv"])
    ).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("January census year,Expected,Lower 95% bound")
    assert AuditEvent.objects.filter(action="export", target=f"job {job.number}/total.csv").exists()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the core's importer writes on its own connection
def test_forecast_runs_on_imported_sen2_returns(client_as, tmp_path, settings, monkeypatch):
    """End to end: two years of synthetic SEN2 returns in, a fan chart of EHCPs out."""
    from highneeds.sen2.synth import SynthConfig, generate
    from highneeds.sen2.write import write_xml

    from .factories import WorkspaceFactory

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setenv("HIGHNEEDS_SECRET", "test-installation-secret")
    demo = WorkspaceFactory(la_code="999", name="Fictional demo LA")
    client = client_as(Role.ANALYST, demo)
    try:
        for ret in generate(SynthConfig(first_year=2022, last_year=2023, children=40, seed=3)):
            path = tmp_path / f"sen2-{ret.year}.xml"
            write_xml(ret, path)
            _upload(client, demo, path.name, path.read_bytes())
        page = client.get(reverse("workspace:forecast", args=["999"])).content.decode()
        assert 'name="simulations"' in page  # its SEN2 transitions: the child-level options
        response = client.post(reverse("workspace:forecast", args=["999"]), FORECAST_POST)
        forecast = Job.objects.get(kind=Job.Kind.FORECAST)
        assert forecast.status == Job.Status.SUCCEEDED, forecast.result
        total = shown_tables(forecast)["total"]
        assert total["January census year"].tolist() == [2023, 2024, 2025]
        assert (total["Lower 95% bound"] <= total["Median"]).all()
        assert (total["Median"] <= total["Upper 95% bound"]).all()
        page = client.get(response.url).content.decode()
        assert "EHCP caseload forecast" in page
        assert "Forecast by setting group (median)" in page
    finally:
        empty_store()


# --- scenarios --------------------------------------------------------------------------------


# Finance, sufficiency and scenarios: tests/web/test_finance_scenario_views.py


def test_charts_are_drawn_once_and_served_from_cache(client_as, workspace, job, monkeypatch):
    from highneeds.web.workspace import figures

    drawn = []
    real_draw = figures.draw
    monkeypatch.setattr(figures, "draw", lambda *a, **k: drawn.append(a[1]) or real_draw(*a, **k))
    client = client_as(Role.VIEWER)
    url = reverse("workspace:job_chart", args=[workspace.la_code, job.number, "total"])
    first, second = client.get(url), client.get(url)
    assert first.content == second.content
    assert drawn == ["EHCP caseload forecast"]
