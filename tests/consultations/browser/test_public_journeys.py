"""The demo consultation in headless Chromium: phone-sized, keyboard only, axe on every page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from highneeds.web.consultations.demo import seed_demo_consultation
from highneeds.web.consultations.models import Consultation, Response
from web.browser.conftest import assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.every_database,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]
PHONE = {"width": 375, "height": 667}


@pytest.fixture
def demo(transactional_db):
    consultation, _ = seed_demo_consultation()
    return consultation


def test_phone_journey_end_to_end_with_axe_on_every_page(page, live_server, demo):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/consult/{demo.slug}/")
    assert_accessible(page)
    page.get_by_role("button", name="Start now").click()

    # About you: submitting nothing shows a linked error summary.
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert_accessible(page)
    summary.get_by_role("link", name="Select who you are responding as").click()
    assert page.evaluate("document.activeElement.id") == "id_respondent_type_0"
    page.get_by_label("Parent or carer").check()
    page.get_by_label("Eastvale").check()
    page.get_by_role("button", name="Continue").click()

    for area in demo.areas.all():
        page.get_by_role("heading", name=area.title, level=1).wait_for()
        assert_accessible(page)
        page.get_by_label("Agree", exact=True).check()
        page.get_by_label("Tell us why (optional)").fill(f"<b>{area.title}</b> matters")
        page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Equality monitoring (optional)").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Check your answers before sending").wait_for()
    assert_accessible(page)
    assert page.get_by_text("<b>Early help and SEN support</b> matters").is_visible()
    page.get_by_role("link", name="Change your answer to proposal P2").click()
    page.get_by_label("Strongly disagree").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Check your answers before sending").wait_for()
    page.get_by_role("button", name="Send response").click()

    page.get_by_role("heading", name="Response sent").wait_for()
    assert_accessible(page)
    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3}", reference)
    response = Response.objects.get(reference=reference)
    assert response.answers.get(proposal__code="P2").agreement == "strongly_disagree"
    # The page fits the phone: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches selector (keyboard only, like a person)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with the Tab key")


def test_keyboard_only_completion(page, live_server, demo):
    page.goto(f"{live_server.url}/consult/{demo.slug}/easy-read/")
    _tab_to(page, "a.govuk-button--start")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/about-you/$"))
    _tab_to(page, "input[name=respondent_type]")
    page.keyboard.press("ArrowDown")  # the second option: child or young person
    page.keyboard.press("Space")
    _tab_to(page, "button.govuk-button")
    page.keyboard.press("Enter")
    for area in demo.areas.all():
        page.wait_for_url(re.compile(rf"/area/{area.position}/$"))
        _tab_to(page, "input[type=radio][name^=agree_]")
        page.keyboard.press("Space")  # first option: "Agree" (agree / not sure / disagree)
        _tab_to(page, "textarea")
        page.keyboard.type("Typed with the keyboard")
        _tab_to(page, "button.govuk-button")
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/equality/$"))
    _tab_to(page, "button.govuk-button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/check-your-answers/$"))
    _tab_to(page, "button#submit")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Response sent").wait_for()
    response = Response.objects.get()
    assert response.version == "easy_read"
    assert response.respondent_type == "young_person"
    assert {a.agreement for a in response.answers.all()} == {"agree"}
    assert {a.why for a in response.answers.all()} == {"Typed with the keyboard"}


def test_closed_and_young_person_pages_are_accessible(page, live_server, demo):
    page.goto(f"{live_server.url}/consult/{demo.slug}/young-people/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/consult/{demo.slug}/privacy/")
    assert_accessible(page)
    Consultation.objects.filter(pk=demo.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    page.goto(f"{live_server.url}/consult/{demo.slug}/standard/about-you/")
    page.get_by_role("heading", name="This consultation has closed").wait_for()
    assert_accessible(page)


def test_save_with_a_code_and_come_back_in_a_browser_without_javascript(
    page, live_server, demo, browser
):
    """Young-person version on a phone: save part-way with a reference code (axe on each
    save page), then come back in another browser with JavaScript switched off."""
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/consult/{demo.slug}/young-people/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Parent or carer").check()
    page.get_by_role("button", name="Continue").click()
    first = demo.areas.get(position=1)
    page.get_by_role("heading", name=first.title, level=1).wait_for()
    assert_accessible(page)
    page.get_by_label("I like it", exact=True).check()
    page.get_by_label("Tell us why. You can skip this.").fill("Saved on my phone")
    page.get_by_role("button", name="Save and come back later").click()
    page.get_by_role("heading", name="Save and come back later").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Save my answers").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)
    page.get_by_label("Give me a reference code").check()
    page.get_by_label("Choose a memorable word").fill("Lighthouse")
    page.get_by_role("button", name="Save my answers").click()
    page.get_by_role("heading", name="Your answers are saved").wait_for()
    assert_accessible(page)
    reference = page.locator("#reference").inner_text()
    page.get_by_role("link", name="Come back to your saved answers").click()
    page.get_by_role("heading", name="Come back to your saved answers").wait_for()
    assert_accessible(page)

    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        other = context.new_page()
        other.goto(f"{live_server.url}/consult/{demo.slug}/resume/")
        other.get_by_label("Reference code").fill(reference)
        other.get_by_label("Memorable word").fill("lighthouse")
        other.get_by_role("button", name="Continue").click()
        other.wait_for_url(re.compile(r"/young-people/area/2/$"))
        other.goto(f"{live_server.url}/consult/{demo.slug}/young-people/area/1/")
        assert other.locator("textarea").first.input_value() == "Saved on my phone"
        assert other.get_by_label("I like it", exact=True).is_checked()
    finally:
        context.close()
