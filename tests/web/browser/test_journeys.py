"""Journeys through the workspace in real Chromium, with axe checks on every page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from highneeds.tables import TitledTable
from highneeds.web.accounts.models import Membership
from highneeds.web.workspace import services

from .conftest import assert_accessible, patient

Role = Membership.Role
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db, monkeypatch, make_workspace, member):
    """A workspace with an analyst, an admin and a viewer; the core's overview stubbed."""
    monkeypatch.setattr(
        services,
        "core_overview_tables",
        lambda store, la, la_name=None: {
            "caseload_trend": TitledTable(
                "Caseload trend",
                pd.DataFrame({"census_year": [2022, 2023, 2024], "EHCPs": [2618, 2790, 3012]}),
                labels={"census_year": "census_year", "EHCPs": "EHCPs"},
            ),
            "need_mix": TitledTable(
                "Need mix",
                pd.DataFrame({"need": ["ASD", "SEMH", "SLCN"], "children": [900, 700, 500]}),
                labels={"need": "need", "children": "children"},
            ),
        },
    )
    workspace = make_workspace("990", "Fictional Borough")
    return {"workspace": workspace, **{role: member(role, workspace) for role in Role}}


@pytest.mark.slow
def test_analyst_signs_in_sees_overview_downloads_and_uploads(
    page, live_server, sign_in, demo, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    sign_in(page, demo[Role.ANALYST])
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')"), (
        "GOV.UK Frontend's script did not run (blocked by CSP or not served)"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Fictional Borough").click()
    page.get_by_role("heading", name="Caseload trend").wait_for()
    # The chart image really loads, and its figures are in a table beside it.
    chart = page.get_by_role("img", name="Chart: Caseload trend")
    chart.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle()
    )
    assert page.get_by_role("cell", name="3,012").is_visible()  # counts with separators
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").first.click()
    download = download_info.value
    assert download.suggested_filename == "990-caseload_trend.csv"
    lines = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines == ["Census year,EHCPs", "2022,2618", "2023,2790", "2024,3012"]

    page.get_by_role("link", name="Data", exact=True).click()
    sample = tmp_path / "caseload.csv"
    sample.write_text("year,ehcps\n2023,10\n2024,12\n", encoding="utf-8")
    page.get_by_label("Upload a file").set_input_files(str(sample))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", name="Validation report").wait_for()
    assert page.get_by_text("2 rows").is_visible()
    assert_accessible(page)


def test_data_page_offers_templates_and_summarises_upload_errors(page, live_server, sign_in, demo):
    sign_in(page, demo[Role.ANALYST])
    page.goto(f"{live_server.url}/workspaces/990/data/")
    assert page.get_by_role("heading", name="Templates to fill in").is_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="XLSX template: High Needs budget and outturn").click()
    assert download_info.value.suggested_filename == "990-budget-template.xlsx"
    page.get_by_role("button", name="Upload and check").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error:")
    assert_accessible(page)
    summary.get_by_role("link", name="Select a file to upload").click()
    assert page.evaluate("document.activeElement.id") == "id_file"


@pytest.mark.slow
def test_viewer_sees_no_upload_form_and_every_page_passes_axe(page, live_server, sign_in, demo):
    sign_in(page, demo[Role.VIEWER])
    for path in ["", "data/", "forecast/", "finance/", "scenarios/"]:
        page.goto(f"{live_server.url}/workspaces/990/{path}")
        assert page.locator("h1").count() == 1
        assert_accessible(page)
    page.goto(f"{live_server.url}/workspaces/990/data/")
    assert page.locator("input[type=file]").count() == 0
    assert page.get_by_role("heading", name="Templates to fill in").count() == 0


def test_admin_pages_and_error_pages_pass_axe(page, live_server, sign_in, demo):
    from highneeds.web.workspace.models import Job

    forecast = Job.objects.create(
        workspace=demo["workspace"],
        kind=Job.Kind.FORECAST,
        status=Job.Status.SUCCEEDED,
        options={"horizon": 1, "simulations": 100, "estimation": "bayes", "seed": 50},
        result={
            "tables": {
                "total": {
                    "columns": [
                        "January census year",
                        "Expected",
                        "Lower 95% bound",
                        "Lower 80% bound",
                        "Median",
                        "Upper 80% bound",
                        "Upper 95% bound",
                    ],
                    "data": [
                        [2024, 404.0, 404, 404, 404, 404, 404],
                        [2025, 416.6, 395, 403.9, 417, 424, 436.0],
                    ],
                }
            }
        },
    )
    sign_in(page, demo[Role.ADMIN])
    page.goto(f"{live_server.url}/workspaces/990/jobs/{forecast.number}/")
    chart = page.get_by_role("img", name="Chart: EHCP caseload forecast")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle()
    )
    assert_accessible(page)
    page.goto(f"{live_server.url}/workspaces/990/forecast/")
    page.get_by_role("button", name="Run the forecast").wait_for()
    assert_accessible(page)
    download = page.request.get(f"{live_server.url}/workspaces/990/overview/need_mix.csv")
    assert download.ok
    page.goto(f"{live_server.url}/workspaces/990/")
    page.get_by_role("link", name="Audit log").click()
    page.get_by_role("heading", name="Audit log").wait_for()
    assert page.get_by_role("cell", name="overview/need_mix.csv").is_visible()
    assert_accessible(page)
    response = page.goto(f"{live_server.url}/workspaces/000/")
    assert response.status == 404
    assert_accessible(page)


def test_sign_in_page_passes_axe_and_refuses_wrong_password(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    assert_accessible(page)
    page.get_by_label("Username").fill(demo[Role.VIEWER].username)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)


def test_phone_sized_viewport_keeps_navigation_usable(browser, live_server, sign_in, demo):
    context = browser.new_context(viewport={"width": 375, "height": 667})
    patient(context)
    page = context.new_page()
    try:
        sign_in(page, demo[Role.VIEWER])
        page.goto(f"{live_server.url}/workspaces/990/")
        # GOV.UK service navigation collapses into a Menu button on small screens.
        menu = page.get_by_role("button", name="Menu")
        menu.click()
        page.get_by_role("link", name="Data", exact=True).click()
        page.get_by_role("heading", name="Data").wait_for()
        assert_accessible(page)
    finally:
        context.close()


def test_analyst_runs_a_forecast_and_sees_the_fan_chart(
    page, live_server, sign_in, demo, monkeypatch
):
    """The form, the background job (inline in tests) and the result page, in a real browser.
    The model itself is tested in tests/forecast and end to end in test_workspace_views."""
    calls = []

    def run_forecast(store, la_code, **options):
        calls.append(options)
        frame = pd.DataFrame(
            {
                "year": [2024, 2025, 2026],
                "expected": [404.0, 416.6, 433.2],
                "q2.5": [404.0, 395.0, 406.0],
                "q10": [404.0, 403.9, 416.9],
                "median": [404.0, 417.0, 434.0],
                "q90": [404.0, 424.0, 452.0],
                "q97.5": [404.0, 436.0, 461.0],
            }
        )
        return {"total": TitledTable("EHCP caseload forecast", frame, unit="children")}

    monkeypatch.setattr(services, "la_forecast", run_forecast)
    # the stand-in is the child-level model: the page offers its simulation options
    monkeypatch.setattr(services, "child_level_forecast", lambda workspace: True)
    sign_in(page, demo[Role.ANALYST])
    page.goto(f"{live_server.url}/workspaces/990/")
    page.get_by_role("link", name="Forecast", exact=True).click()
    page.get_by_label("How many years ahead").fill("2")
    page.get_by_label("Number of simulations").fill("200")
    page.get_by_role("button", name="Run the forecast").click()
    page.get_by_role("heading", name="EHCP caseload forecast").wait_for()
    assert calls == [{"horizon": 2, "simulations": 200, "estimation": "bayes", "seed": 50}]
    chart = page.get_by_role("img", name="Chart: EHCP caseload forecast")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle()
    )
    assert page.get_by_role("cell", name="461").is_visible()
    assert_accessible(page)
