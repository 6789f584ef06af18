"""Consultation analysis in real Chromium: import a survey export, choose its columns, upload a
plain codebook, hand-code five answers, rerun, see the proposals change and the hand codes
kept, download the assignments. axe on every page."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from highneeds.web.consult_analysis import services
from highneeds.web.consult_analysis.models import ThemeReview
from highneeds.web.consultations.demo import seed_demo_consultation
from web.browser.conftest import assert_accessible
from web.factories import SURVEY_ANSWERS as ANSWERS
from web.factories import SURVEY_CODEBOOK as CODEBOOK
from web.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Five answers a person codes, by the export's own id.
HAND_CODES = {
    "R000": "Money",
    "R001": "Transport",
    "R006": "Communication",
    "R010": "Communication",
    "R011": "Communication",
}


def _machine(consultation) -> set[tuple[str, str]]:
    review = ThemeReview.objects.get(consultation=consultation, question="P1")
    theme_set = services.theme_set_of(review)
    return {
        (d.response_id, theme_set.themes[d.theme_id].label)
        for d in theme_set.decisions.values()
        if d.origin == "machine" and d.assigned
    }


def test_import_code_by_hand_rerun_and_download(page, live_server, sign_in, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    consultation, _ = seed_demo_consultation()
    analyst = MembershipFactory(role="analyst", workspace=consultation.workspace).user
    export = tmp_path / "smartsurvey-export.csv"
    pd.DataFrame(
        {"Respondent ID": [f"R{i:03d}" for i in range(len(ANSWERS))], "Comment": ANSWERS}
    ).to_csv(export, index=False)
    codebook = tmp_path / "codebook.csv"
    codebook.write_text(CODEBOOK)

    sign_in(page, analyst)
    root = f"{live_server.url}/workspaces/{consultation.workspace.la_code}/consultations"
    page.goto(f"{root}/{consultation.pk}/analysis/")
    assert_accessible(page)

    # Upload the export and map its columns, looking at the preview.
    page.get_by_role("link", name="Import a survey export").click()
    assert_accessible(page)
    page.get_by_label("Survey export (CSV or Excel)").set_input_files(export)
    page.get_by_role("button", name="Upload and choose columns").click()
    page.get_by_role("heading", name="Choose the columns of smartsurvey-export.csv").wait_for()
    assert_accessible(page)
    assert page.get_by_role("cell", name=ANSWERS[0]).is_visible()
    page.get_by_label("Answers in people's own words").select_option("Comment")
    page.get_by_label("Response id (optional)").select_option("Respondent ID")
    page.get_by_label("The proposal the answers are about").select_option("P1")
    page.get_by_role("button", name="Import the answers").click()
    page.get_by_text(f"Imported {len(ANSWERS)} answers to P1.").wait_for()
    assert_accessible(page)
    reference = {v: k for k, v in services.setup_for(consultation).imported_ids.items()}

    # Upload a plain codebook (label and description only) and code against it.
    page.goto(f"{root}/{consultation.pk}/analysis/codebook/")
    page.get_by_label("Codebook (CSV)").set_input_files(codebook)
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("Codebook saved: 5 themes.").wait_for()
    page.goto(f"{root}/{consultation.pk}/analysis/themes/P1/")
    page.get_by_label("Code against the codebook, learning from the answers people coded").check()
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_text("The run has started").wait_for()
    page.reload()
    assert page.get_by_text("Done", exact=True).is_visible()
    assert_accessible(page)
    first = _machine(consultation)

    # Hand-code five answers on the review page.
    page.get_by_role("link", name="Review answers one by one").click()
    assert_accessible(page)
    for answer, label in HAND_CODES.items():
        ref = reference[answer]
        page.get_by_label(f"Add a theme to {ref}").select_option(label=label)
        page.locator(f"form:has(#assign-{ref})").get_by_role("button", name="Add").click()
        page.wait_for_load_state("load")
    assert_accessible(page)

    # Rerun: the machine's proposals change, the hand codes stay.
    page.goto(f"{root}/{consultation.pk}/analysis/themes/P1/")
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_text("The run has started").wait_for()
    page.reload()
    page.get_by_text("People coded 5 of them").wait_for()
    assert_accessible(page)
    second = _machine(consultation)
    assert second != first
    for label in ("Transport", "Specialist places", "Staff training", "Money", "Communication"):
        assert page.get_by_role("link", name=label, exact=True).is_visible()

    # Download the assignments: the hand codes are there as the person's, by the export's ids.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the themes of every answer (CSV)").click()
    path = download.value.path()
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["id", "theme_id", "theme_label", "assigned_by", "confidence"]
    people = {(r["id"], r["theme_label"]) for r in rows if r["assigned_by"] == "person"}
    assert people == set(HAND_CODES.items())
    assert {r["id"] for r in rows if r["assigned_by"] == "machine"} >= {"R002", "R003"}
