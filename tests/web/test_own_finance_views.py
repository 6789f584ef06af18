"""The finance page's "Your budget and outturn": the LA's imported budget template, reconciled
with the cost model, its DSG position from its own figures, and their downloads."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from highneeds.finance import schema as tables
from highneeds.finance.demo import EXAMPLES, write_example_budget
from highneeds.sen2.synth import LA_CODE as DEMO
from highneeds.web.accounts.models import AuditEvent, Membership
from highneeds.web.core.store import get_store
from highneeds.web.workspace.models import Job

from .factories import WorkspaceFactory

Role = Membership.Role
pytestmark = pytest.mark.django_db(transaction=True)  # the Store writes on its own connection


def _forget_budget():
    """The store is not rolled back with the test: remove the demo LA's budget import."""
    get_store().delete_imports(
        "finance_budget", DEMO, [tables.budget_lines, tables.budget_allocation]
    )


@pytest.fixture
def demo(db):
    _forget_budget()
    yield WorkspaceFactory(la_code=DEMO, name="Stockbridge (fictional)")
    _forget_budget()


@pytest.fixture
def imported(demo, client_as, tmp_path, settings):
    """The demo LA's example budget, outturn and allocations uploaded on the Data page (its
    SEN2 returns and example unit costs in the store, as the demo set-up loads them)."""
    from highneeds.importers.finance import import_finance
    from highneeds.importers.sen2 import import_demo

    import_demo(get_store())
    import_finance(get_store(), EXAMPLES / "unit_costs.csv", la_code=DEMO)
    settings.MEDIA_ROOT = tmp_path / "media"
    content = write_example_budget(tmp_path / "stockbridge-budget.xlsx").read_bytes()
    client_as(Role.ANALYST, demo).post(
        reverse("workspace:data", args=[DEMO]),
        {"file": SimpleUploadedFile("stockbridge-budget.xlsx", content)},
    )
    job = Job.objects.get(kind=Job.Kind.IMPORT)
    assert job.status == Job.Status.SUCCEEDED, job.result
    return demo


def _page(client) -> str:
    response = client.get(reverse("workspace:finance", args=[DEMO]))
    assert response.status_code == 200
    return response.content.decode()


def _download(client, key, fmt="csv"):
    return client.get(reverse("workspace:finance_download", args=[DEMO, key, fmt]))


def _csv(response) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig", dtype={"S251 line": str})


def test_without_an_import_the_section_explains_itself_and_shows_no_table(client_as, demo):
    html = _page(client_as(Role.VIEWER, demo))
    assert "Your budget and outturn" in html
    assert "Nothing is imported yet" in html
    assert f'href="{reverse("workspace:data", args=[DEMO])}"' in html
    # Viewers cannot download templates (analysts only), so they get no link to one.
    budget_template = reverse("workspace:data_template", args=[DEMO, "budget", "xlsx"])
    assert budget_template not in html and "An analyst can download" in html
    assert (
        'id="panel-own_lines"' not in html
        and "<table" not in html.split('id="own"')[1].split('id="sufficiency"')[0]
    )
    assert _download(client_as(Role.VIEWER, demo), "own_lines").status_code == 404


def test_without_an_import_analysts_get_a_link_to_the_budget_template(client_as, demo):
    html = _page(client_as(Role.ANALYST, demo))
    own = html.split('id="own"')[1].split('id="sufficiency"')[0]
    budget_template = reverse("workspace:data_template", args=[DEMO, "budget", "xlsx"])
    assert f'href="{budget_template}"' in own
    assert "highneeds finance template budget" in own  # the CLI, for analysts who script


def test_after_import_the_page_shows_the_files_figures_and_provenance(client_as, imported):
    html = _page(client_as(Role.VIEWER, imported))
    assert "Nothing is imported yet" not in html
    assert "stockbridge-budget.xlsx" in html  # provenance: file name, when, by whom
    for title in (
        "Your budget and outturn by Section 251 line (£)",
        "Your outturn against caseload × unit cost, by Section 251 line (£)",
        "DSG position from your own figures (£)",
    ):
        assert title in html
    # 1.2.3 in 2023-24 as the file gives it: budget 10.2m, outturn 12.3m, variance 2.1m (money
    # on the page in £m; the downloads keep exact pounds)
    assert (
        '<th scope="row" class="govuk-table__header">2023-24</th><td class="govuk-table__cell">'
        '1.2.3</td><td class="govuk-table__cell">Top-up and other funding – non-maintained and '
        'independent providers</td><td class="govuk-table__cell govuk-table__cell--numeric">'
        '£10.20m</td><td class="govuk-table__cell govuk-table__cell--numeric">£12.30m</td>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">£2.10m</td>'
    ) in html
    # the DSG position: 43.5m − 45.66m, 46.8m − 50.03m, 49.9m − 52.14m carried forward
    assert "−£7.63m" in html  # a deficit, with a true minus sign
    # no chart of tables that mix lines and years
    assert reverse("workspace:finance_chart", args=[DEMO, "own_lines"]) not in html


def test_own_tables_download_as_csv_and_xlsx_with_the_files_figures(client_as, imported):
    client = client_as(Role.VIEWER, imported)
    lines = _csv(_download(client, "own_lines"))
    given = pd.read_csv(EXAMPLES / "budget.csv", dtype={"s251_line": str})
    given["financial_year"] = (
        given["period_start"].str[:4].map(lambda y: f"{y}-{(int(y) + 1) % 100:02d}")
    )
    expected = given.pivot_table(
        index=["financial_year", "s251_line"], columns="statement", values="amount_gbp"
    )
    shown = lines[lines["S251 line"] != "all"].set_index(["Financial year", "S251 line"])
    assert len(shown) == len(expected)
    assert (shown["Budget"] == expected["budget"].reindex(shown.index)).all()
    outturn = expected["outturn"].reindex(shown.index)
    assert ((shown["Outturn"] == outturn) | (shown["Outturn"].isna() & outturn.isna())).all()
    recon = _csv(_download(client, "own_reconciliation")).set_index(["Financial year", "S251 line"])
    assert recon.loc[("2023-24", "1.2.5"), "Modelled (caseload × unit cost)"] == 0
    assert recon.loc[("2023-24", "all"), "Outturn"] == 50_030_000
    position = _csv(_download(client, "own_position")).set_index("Financial year")
    assert position["Closing balance (cumulative)"].to_dict() == {
        "2022-23": -2_160_000,
        "2023-24": -5_390_000,
        "2024-25": -7_630_000,
    }
    book = openpyxl.load_workbook(io.BytesIO(_download(client, "own_position", "xlsx").content))
    assert book.active["A1"].value == "Financial year"
    assert AuditEvent.objects.filter(target="finance/own_position.xlsx").exists()
    # a table of lines and years has no chart, in any format
    assert _download(client, "own_lines", "svg").status_code == 404
    chart = reverse("workspace:finance_chart", args=[DEMO, "own_position"])
    assert client.get(chart).status_code == 404


def test_lines_on_reference_default_unit_costs_are_flagged(client_as, imported, monkeypatch):
    from highneeds.finance import la_inputs
    from highneeds.finance.costs import empty_unit_costs

    # No unit costs of the LA's own: every modelled figure rests on the national defaults.
    monkeypatch.setattr(
        la_inputs, "_unit_costs_for_reconciling", lambda store, la: (empty_unit_costs(), "none")
    )
    client = client_as(Role.VIEWER, imported)
    html = _page(client)
    assert "govuk-warning-text" in html and "national reference default unit costs" in html
    recon = _csv(_download(client, "own_reconciliation")).set_index(["Financial year", "S251 line"])
    assert recon.loc[("2023-24", "1.2.3"), "Uses reference default unit cost"] == "yes"
    assert pd.isna(recon.loc[("2023-24", "1.2.5"), "Uses reference default unit cost"])


def test_with_the_shipped_example_costs_only_the_other_arrangements_line_is_flagged(
    client_as, imported
):
    # The examples give no cost for "other" arrangements (NEET, home education…): the
    # default of £0 is still an assumption, and the line they are reported on says so.
    client = client_as(Role.VIEWER, imported)
    assert "for: other." in _page(client)
    recon = _csv(_download(client, "own_reconciliation"))
    flagged = recon[recon["Uses reference default unit cost"] == "yes"]
    assert set(flagged["S251 line"]) == {"1.2.11", "all"}


@pytest.mark.parametrize("key", ["own_lines", "own_reconciliation", "own_position"])
def test_another_las_member_and_anonymous_visitors_cannot_see_them(
    key, client_as, client, imported, other_workspace
):
    outsider = client_as(Role.ADMIN, other_workspace)
    assert outsider.get(reverse("workspace:finance", args=[DEMO])).status_code == 404
    assert _download(outsider, key).status_code == 404
    anonymous = _download(client, key)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("accounts:login"))
    assert _download(client_as(Role.VIEWER, imported), key).status_code == 200


def test_demo_set_up_imports_the_example_budget_once_and_keeps_an_uploaded_one(demo):
    from highneeds.finance.la_inputs import la_budget_outturn
    from highneeds.importers.demo import load_demo_la

    store = get_store()
    assert any("Budget" in line and "rows loaded" in line for line in load_demo_la(store))
    own = la_budget_outturn(store, DEMO)
    assert own.source.imported_by == "demo"
    assert own.lines["financial_year"].unique().tolist() == ["2022-23", "2023-24", "2024-25"]
    assert any("Budget" in line and "kept" in line for line in load_demo_la(store))
    assert la_budget_outturn(store, DEMO).source.imported_at == own.source.imported_at
