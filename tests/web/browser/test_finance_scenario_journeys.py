"""Finance, scenarios and consultation analysis in real Chromium, axe on every page."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import openpyxl
import pytest

from highneeds.finance.scenario_store import delete_scenario, list_scenarios, save_scenario
from highneeds.finance.scenarios import Scenario, scenario_from_toml
from highneeds.sen2.synth import LA_CODE as DEMO
from highneeds.web.accounts.models import Membership
from highneeds.web.core.store import get_store
from highneeds.web.workspace.models import Job

from .conftest import assert_accessible

Role = Membership.Role
pytestmark = pytest.mark.django_db(transaction=True)
STOCKPORT = "356"


@pytest.fixture
def las(transactional_db, make_workspace, member):
    """The demo LA (unit costs, capacity register) and Stockport (published finance data),
    each with an analyst and a viewer. Saved scenarios are removed afterwards (the store is
    not rolled back with the test). The demo LA's data is loaded as any LA's files are."""
    from highneeds.importers.demo import load_demo_la

    load_demo_la(get_store())
    demo = make_workspace(DEMO, "Stockbridge (fictional)")
    stockport = make_workspace(STOCKPORT, "Stockport")
    yield {
        "demo": demo,
        "stockport": stockport,
        "analyst": member(Role.ANALYST, demo),
        "viewer": member(Role.VIEWER, stockport),
        "stockport_analyst": member(Role.ANALYST, stockport),
    }
    store = get_store()
    for owner in (DEMO, STOCKPORT):
        for name in list_scenarios(store, owner)["name"]:
            delete_scenario(store, owner, name)
    forget_budget(DEMO)


def forget_budget(la_code):
    """Remove an LA's imported budget template (the store is not rolled back either)."""
    from highneeds.finance import schema as tables

    get_store().delete_imports(
        "finance_budget", la_code, [tables.budget_lines, tables.budget_allocation]
    )


def _wait_for_chart(page, name):
    chart = page.get_by_role("img", name=name)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=chart.first.element_handle()
    )


@pytest.mark.slow
def test_analyst_creates_a_scenario_compares_it_and_downloads(
    page, live_server, sign_in, las, tmp_path
):
    from highneeds.importers.demo import load_demo_la

    load_demo_la(get_store())  # the demo LA is data: comparing needs it loaded
    sign_in(page, las["analyst"])
    page.goto(f"{live_server.url}/workspaces/{DEMO}/")
    page.get_by_role("link", name="Scenarios", exact=True).click()
    page.get_by_role("heading", name="Scenarios", exact=True).wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Create a scenario").click()
    assert_accessible(page)
    page.get_by_role("button", name="Create the scenario").click()  # nothing filled in
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert_accessible(page)
    summary.get_by_role("link", name="Enter a scenario name").click()
    assert page.evaluate("document.activeElement.id") == "id_name"
    page.get_by_label("Scenario name").fill("Resource bases")
    page.get_by_label("Date").fill("2026-03-01")
    page.get_by_label("Description").fill("Two resource bases from 2028.")
    page.get_by_role("button", name="Create the scenario").click()
    page.get_by_role("heading", name="Resource bases").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Open or close places").click()
    page.get_by_label("Open places").check()
    page.get_by_label("Type of provision").select_option("resourced_provision")
    page.get_by_label("First year").fill("2028")
    page.get_by_label("Places", exact=True).fill("20, -40")
    page.get_by_role("button", name="Save the intervention").click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.title().startswith("Error:")
    assert_accessible(page)
    page.get_by_label("Places", exact=True).fill("20, 40")
    page.get_by_role("button", name="Save the intervention").click()
    page.get_by_text("Open 20, then 40 places in resourced provision").wait_for()
    assert_accessible(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download Resource bases as a TOML file").click()
    saved = scenario_from_toml(Path(info.value.path()).read_text(encoding="utf-8"))
    assert saved.interventions[0]["places"] == [20, 40]

    page.get_by_role("link", name="Back to scenarios").click()
    page.get_by_label("Resource bases").check()
    page.get_by_label("Number of simulations").fill("100")
    page.get_by_role("button", name="Compare scenarios").click()
    page.get_by_role("heading", name="High needs cost by scenario").wait_for(timeout=120_000)
    _wait_for_chart(page, "Chart: High needs cost by scenario (mean, £ a year)")
    assert page.get_by_role("columnheader", name="Resource bases").first.is_visible()
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the DSG management plan workbook").click()
    assert info.value.suggested_filename.endswith("-dsg-plan.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert book.sheetnames


def test_finance_and_scenario_pages_pass_axe(page, live_server, sign_in, las):
    """Every finance and scenario page, each kind of job result, and the form states; the
    demo LA's finance page with its own budget and outturn (tables and warning) imported."""
    from highneeds.importers.demo import load_demo_la

    forget_budget(DEMO)
    load_demo_la(get_store())
    save_scenario(
        get_store(),
        DEMO,
        Scenario(
            "Everything",
            description="One of each.",
            interventions=(
                {"type": "places", "funding_category": "maintained_special",
                 "from_year": 2028, "places": [50, 100], "designated_needs": "ASD;SLD",
                 "min_ncy": 7, "max_ncy": 14},
                {"type": "move", "from_category": "independent_special",
                 "to_setting": "special_la_maintained", "share": 0.1, "from_year": 2027},
                {"type": "early_help", "reduction": 0.05, "from_year": 2027, "ramp_years": 3},
                {"type": "unit_cost", "funding_category": "mainstream", "factor": 1.1,
                 "from_year": 2027},
                {"type": "capital", "year": 2027, "amount_gbp": 1_000_000},
            ),
        ),
    )  # fmt: skip
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    comparison = Job.objects.create(
        workspace=las["demo"],
        kind=Job.Kind.SCENARIOS,
        status=Job.Status.SUCCEEDED,
        options={"scenarios": ["Everything"], "simulations": 100, "seed": 1},
        result={
            "tables": {"cost": {"columns": ["January census year", "Baseline", "Everything"],
                                "data": [[2025, 1e6, 1e6], [2026, 1.1e6, 1.0e6]]}},
            "workbook": base64.b64encode(buffer.getvalue()).decode("ascii"),
        },
    )  # fmt: skip
    sufficiency = Job.objects.create(
        workspace=las["demo"],
        kind=Job.Kind.SUFFICIENCY,
        status=Job.Status.SUCCEEDED,
        options={"simulations": 100, "seed": 1},
        result={
            "tables": {"gap": {"columns": ["January census year", "Special schools"],
                               "data": [[2026, 20.0], [2027, -5.0]]}},
        },
    )  # fmt: skip
    root = f"{live_server.url}/workspaces/{DEMO}"
    saved = f"{root}/scenarios/saved/Everything"
    sign_in(page, las["analyst"])
    pages = [
        f"{root}/finance/",
        f"{root}/data/",
        f"{root}/jobs/{comparison.number}/",
        f"{root}/jobs/{sufficiency.number}/",
        f"{root}/scenarios/",
        f"{saved}/",
        f"{saved}/details/",
        f"{saved}/delete/",
        *(f"{saved}/interventions/{n}/" for n in range(1, 6)),
        *(
            f"{saved}/add/{kind}/"
            for kind in ("places", "move", "early_help", "unit_cost", "capital")
        ),
    ]
    for url in pages:
        response = page.goto(url)
        assert response.status == 200, url
        assert page.locator("h1").count() == 1, url
        assert_accessible(page)
        if url.endswith("/finance/"):
            # the LA's own figures, not an empty section
            page.get_by_role("heading", name="DSG position from your own figures (£)").wait_for()
        if url.endswith("/data/"):
            # templates to fill in, and the JSNA section (links, or why there are none)
            page.get_by_role("heading", name="Templates to fill in").wait_for()
            page.get_by_role("heading", name="JSNA tables").wait_for()
    # a form with errors at every field
    page.goto(f"{saved}/add/move/")
    page.get_by_role("button", name="Save the intervention").click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.locator(".govuk-error-message").count() >= 4
    assert_accessible(page)
    # the places form's designation: needs ticked by their labels, a range backwards
    page.goto(f"{saved}/add/places/")
    page.get_by_label("Open places").check()
    page.get_by_label("Type of provision").select_option("maintained_special")
    page.get_by_label("First year").fill("2028")
    page.get_by_label("Places", exact=True).fill("20")
    needs = page.get_by_role("group", name="Designated for these needs (optional)")
    needs.get_by_label("Autistic spectrum disorder (ASD)").check()
    page.get_by_label("Youngest year group (optional)").fill("14")
    page.get_by_label("Oldest year group (optional)").fill("7")
    page.get_by_role("button", name="Save the intervention").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert_accessible(page)
    summary.get_by_role("link", name="The oldest year group must be").click()
    assert page.evaluate("document.activeElement.id") == "id_max_ncy"
    assert needs.get_by_label("Autistic spectrum disorder (ASD)").is_checked()
    page.get_by_label("Oldest year group (optional)").fill("")
    page.get_by_role("button", name="Save the intervention").click()
    page.get_by_text("Open 20 places in maintained special schools and special academies "
                     "from 2028, for ASD, year 14 and above").wait_for()  # fmt: skip
    # the comparison form's own errors (checkboxes)
    page.goto(f"{root}/scenarios/")
    page.get_by_label("Number of simulations").fill("5")
    page.get_by_role("button", name="Compare scenarios").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)

    # Stockport's published money, charts and all, as a viewer
    page.context.clear_cookies()
    sign_in(page, las["viewer"])
    page.goto(f"{live_server.url}/workspaces/{STOCKPORT}/finance/")
    _wait_for_chart(page, "Chart: Budget per EHCP, beside comparators (£)")
    assert page.get_by_role("rowheader", name="Cheshire West And Chester").is_visible()
    assert page.get_by_text("Nothing is imported yet").is_visible()  # no budget of its own
    assert_accessible(page)
    page.goto(f"{live_server.url}/workspaces/{STOCKPORT}/scenarios/")
    assert_accessible(page)


@pytest.mark.slow
def test_consultation_analysis_pages_pass_axe(page, live_server, sign_in, member):
    """An analyst's view of the demo consultation's analysis: overview, codebook, report
    text, themes after a run, answers to review, one theme, and the HTML report."""
    from highneeds.web.consult_analysis.demo import seed_demo_responses
    from highneeds.web.consultations.models import Consultation

    seed_demo_responses(60, seed=5)
    consultation = Consultation.objects.get(slug="high-needs-review")
    sign_in(page, member(Role.ANALYST, consultation.workspace))
    root = (
        f"{live_server.url}/workspaces/{consultation.workspace.la_code}/consultations/"
        f"{consultation.pk}/analysis"
    )
    for path in ("", "?by=version", "codebook/", "report-text/", "themes/P2/"):
        assert page.goto(f"{root}/{path}").status == 200, path
        assert_accessible(page)
    page.get_by_label("Discover themes (offline)").check()
    page.get_by_role("button", name="Run").click()
    page.get_by_text("Machine runs: 1").wait_for(timeout=60_000)
    assert_accessible(page)
    page.goto(f"{root}/themes/P2/answers/")
    assert_accessible(page)
    page.goto(f"{root}/themes/P2/")
    page.locator("a[href*='/theme/']").first.click()
    page.get_by_role("heading", level=1).wait_for()
    assert_accessible(page)
    # The report is prepared as a job: its page (progress, then the download) passes axe;
    # then open the HTML it made as a page and check that too.
    page.goto(f"{root}/")
    page.get_by_role("button", name="Prepare the report as HTML").click()
    download = page.get_by_role("button", name=re.compile(r"^Download .*outcome-report\.html"))
    download.wait_for(timeout=120_000)
    assert_accessible(page)
    report = page.request.get(live_server.url + download.get_attribute("href"))
    assert report.ok and report.headers["content-type"].startswith("text/html")
    page.goto("about:blank")  # a document without the workspace's CSP (the report has styles)
    page.set_content(report.text())
    assert_accessible(page)


@pytest.mark.slow
def test_consultation_staff_pages_not_covered_elsewhere_pass_axe(
    page, live_server, sign_in, member
):
    """The staff pages tests/consultations/browser does not open (setting up, responses,
    erasure), as an admin, and the public home page."""
    from highneeds.web.consult_analysis.demo import seed_demo_responses
    from highneeds.web.consultations.models import Consultation

    seed_demo_responses(10, seed=5)
    consultation = Consultation.objects.get(slug="high-needs-review")
    area = consultation.areas.order_by("pk").first()
    proposal = area.proposals.order_by("pk").first()
    reference = consultation.responses.order_by("pk").first().reference
    page.goto(f"{live_server.url}/")
    assert_accessible(page)
    sign_in(page, member(Role.ADMIN, consultation.workspace))
    root = f"{live_server.url}/workspaces/{consultation.workspace.la_code}/consultations"
    paths = [
        "new/",
        f"{consultation.pk}/edit/",
        f"{consultation.pk}/links/new/",
        f"{consultation.pk}/areas/new/",
        f"{consultation.pk}/areas/{area.pk}/",
        f"{consultation.pk}/areas/{area.pk}/proposals/new/",
        f"{consultation.pk}/areas/{area.pk}/proposals/{proposal.pk}/",
        f"{consultation.pk}/responses/",
        f"{consultation.pk}/responses/{reference}/",
        f"{consultation.pk}/erase/",
    ]
    for path in paths:
        assert page.goto(f"{root}/{path}").status == 200, path
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
