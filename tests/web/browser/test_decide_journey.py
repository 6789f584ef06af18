"""Decide and track for a real LA (Stockport, public data only, no SEN2) in Chromium: create
the strategy from the worked example and see its KPIs, upload the places register, open the
IPS, write a decision pack's words, prepare its PDF, record the decision, and see it on the
consultation's public page and the strategy page — axe on every page, on a desktop and on a
390×844 phone."""

from __future__ import annotations

import datetime as dt
import os
from importlib import resources
from pathlib import Path

import pytest

from highneeds.web.accounts.models import Membership

from .conftest import assert_accessible
from .test_la_journeys import SLOW_PAGE_MS, STOCKPORT, national  # noqa: F401

Role = Membership.Role
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
REGISTER = Path(str(resources.files("highneeds.data").joinpath("strategy"))) / (
    "stockport_places_register.csv"
)
#: Where screenshots go for a person to look at (kept out of the repository).
SHOTS = Path(os.environ.get("HIGHNEEDS_SCREENSHOTS", "/tmp/highneeds-screenshots"))
DECISION = "The SEND Strategy 2024 to 2027 was approved and endorsed."


def _shot(page, name: str) -> None:
    """A full-page screenshot once every chart has loaded (each must have)."""
    page.wait_for_load_state("networkidle")
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def consultation(make_workspace):
    """Stockport's published consultation on its strategy, closed (the journey's factory)."""
    from consultations.factories import ConsultationFactory

    opened = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    return ConsultationFactory(
        workspace=make_workspace(STOCKPORT, "Stockport"),
        slug="stockport-send-strategy",
        title="Our SEND strategy 2024 to 2027",
        opens_at=opened,
        closes_at=opened + dt.timedelta(days=60),
    )


def _section(page, name: str, fill: dict[str, str]) -> None:
    page.get_by_role("link", name=f"Change {name.lower()}").click()
    for label, text in fill.items():
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_role("button", name="Save").click()
    page.get_by_text(f"{name} was saved.").wait_for()


def test_stockport_decides_and_tracks(page, live_server, sign_in, national, consultation,  # noqa: F811
                                      member, settings):  # fmt: skip
    settings.HIGHNEEDS_DOCUMENT_SIMULATIONS = 100
    page.set_default_timeout(SLOW_PAGE_MS)
    sign_in(page, member(Role.ANALYST, consultation.workspace))
    base = f"{live_server.url}/workspaces/{STOCKPORT}"

    # the strategy, from the worked example: KPIs beside neighbours, region and England
    page.goto(f"{base}/strategy/")
    assert_accessible(page)
    page.get_by_role("button", name="Create from the worked example").click()
    page.get_by_role("heading", name="Every KPI at a glance").wait_for()
    page.get_by_role(
        "heading", name="K3: EHC plans per 1,000 residents aged 0 to 25 (per 1,000)"
    ).wait_for()
    page.get_by_role(
        "heading", name="K1: New EHC plans issued within 20 weeks (%)", exact=True
    ).wait_for()
    table = page.get_by_role("table").first
    assert table.locator("tbody tr").count() >= 8
    assert "North West" in table.inner_text() and "England" in table.inner_text()
    assert_accessible(page)
    charts = page.locator("img.hn-chart")
    assert charts.count() == 12  # one per KPI

    # the places register
    page.get_by_role("link", name="Places register").click()
    page.get_by_label("Upload a places register").set_input_files(str(REGISTER))
    page.get_by_role("button", name="Upload the places register").click()
    page.get_by_text(
        "Since 2020/21: 600 places opened, 20 closed, 580 added in all; 200 more planned."
    ).wait_for()
    assert_accessible(page)

    # the IPS page: capital costs labelled as assumptions
    page.get_by_role("link", name="Investment Position Statement").first.click()
    page.get_by_role("heading", name="Investment Position Statement", level=1).wait_for()
    page.get_by_text("an example assumption, not a published figure").first.wait_for()
    assert_accessible(page)

    # a decision pack: the officer's words, section by section
    page.get_by_role("link", name="Decision packs").first.click()
    page.get_by_role("button", name="Create a decision pack").click()
    page.get_by_label("Title of the report").fill("SEND Strategy 2024 to 2027")
    page.get_by_label("Meeting", exact=True).fill("Cabinet")
    page.get_by_label("Date of the meeting").fill("18/9/2024")
    page.get_by_label("Report of").fill("Cabinet Member for Children, Families and Education")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The pack was created").wait_for()
    assert_accessible(page)
    _section(page, "Purpose of the report", {"Purpose of the report": "To endorse the strategy."})
    _section(page, "Recommendations", {"Recommendations": "Endorse the strategy.\nNote the DSG."})
    _section(page, "Background", {"Background": "Co-produced with the parent carer forum."})
    page.get_by_role("link", name="Change consultation outcome").click()
    page.get_by_label("Consultation this report follows").select_option(label=consultation.title)
    page.get_by_label("Consultation outcome").fill("People backed more local places.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Consultation outcome was saved.").wait_for()
    _shot(page, "pack-desktop")

    # prepare its PDF: the job page, then the download
    page.get_by_role("button", name="Prepare the PDF").click()
    download_button = page.get_by_role("button", name="Download").or_(
        page.get_by_role("link", name="Download")
    )
    download_button.first.wait_for(timeout=5 * SLOW_PAGE_MS)
    assert_accessible(page)
    with page.expect_download() as download:
        download_button.first.click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000

    # after the meeting: the decision
    page.get_by_role("link", name="Back to the decision pack").click()
    page.get_by_role("button", name="Record the decision").or_(
        page.get_by_role("link", name="Record the decision")
    ).first.click()
    page.get_by_label("Date of the decision").fill("18/9/2024")
    page.get_by_label("Decision", exact=True).fill(DECISION)
    page.get_by_label("Scrutiny comments (optional)").fill("Noted and endorsed for Cabinet.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The decision was recorded.").wait_for()
    assert_accessible(page)

    # shown on the strategy page and, as what we did, on the public consultation page
    page.get_by_role("link", name="Strategy", exact=True).click()
    page.get_by_text(DECISION).wait_for()
    _shot(page, "strategy-desktop")
    page.goto(f"{live_server.url}/consult/{consultation.slug}/")
    page.get_by_role("heading", name="What we did").wait_for()
    page.get_by_text(f"Cabinet, 18 September 2024: {DECISION}").wait_for()
    assert_accessible(page)
    _shot(page, "consultation-desktop")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.get_by_role("heading", name="What we did").wait_for()
    assert_accessible(page)
    _shot(page, "consultation-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{base}/strategy/")
    page.get_by_text(DECISION).wait_for()
    assert_accessible(page)
    _shot(page, "strategy-phone")
