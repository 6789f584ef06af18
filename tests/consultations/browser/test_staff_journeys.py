"""Staff pages in real Chromium: enter a paper response, moderate it, axe on each page."""

from __future__ import annotations

import pytest

from highneeds.web.consultations.demo import seed_demo_consultation
from highneeds.web.consultations.models import Redaction, Response
from web.browser.conftest import assert_accessible
from web.factories import MembershipFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.every_database,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


def test_analyst_enters_paper_response_and_moderates_it(page, live_server, sign_in):
    consultation, _ = seed_demo_consultation()
    analyst = MembershipFactory(role="analyst", workspace=consultation.workspace).user
    sign_in(page, analyst)
    root = f"{live_server.url}/workspaces/{consultation.workspace.la_code}/consultations"
    page.goto(f"{root}/")
    assert_accessible(page)
    page.get_by_role("link", name=consultation.title).click()
    assert_accessible(page)
    page.get_by_role("link", name="Enter a paper, email or event response").click()
    assert_accessible(page)
    page.get_by_label("Paper").check()
    page.get_by_label("Date received").fill("2026-11-20")
    page.get_by_label("Parent or carer").check()
    page.locator("textarea").first.fill("Ring me on 07700 900123 please")
    page.get_by_role("button", name="Save response").click()
    page.get_by_text("Response saved with reference").wait_for()
    assert_accessible(page)
    response = Response.objects.get()
    assert response.source == "paper" and response.entered_by == analyst

    page.goto(f"{root}/{consultation.pk}/moderation/")
    assert_accessible(page)
    page.get_by_role("link", name=f"Moderate {response.reference} proposal P1").click()
    assert_accessible(page)
    assert page.get_by_label("Wording that may be quoted").input_value() == (
        "Ring me on [phone number removed] please"
    )
    page.get_by_role("button", name="Save moderated wording").click()
    page.get_by_text("Moderated wording saved").wait_for()
    assert Redaction.objects.get().removed_kinds == ["phone"]

    page.goto(f"{root}/{consultation.pk}/responses/")
    assert_accessible(page)
    page.get_by_role("link", name=response.reference).click()
    assert_accessible(page)
