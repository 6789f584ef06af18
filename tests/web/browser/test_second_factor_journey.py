"""Two-factor sign-in in real Chromium, with and without JavaScript; axe on every page."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from highneeds.web.accounts.models import AuditEvent
from web.test_second_factor import code_for

from .conftest import assert_accessible, patient

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without"])
def test_set_up_then_sign_in_with_a_code(browser, live_server, sign_in, member, javascript):
    user = member("analyst")
    context = browser.new_context(java_script_enabled=javascript)
    patient(context)
    page = context.new_page()
    # axe runs as a script in the page: it checks the pages with JavaScript on; the journey
    # without JavaScript shows the same pages work with none.
    check = assert_accessible if javascript else (lambda page: None)
    try:
        sign_in(page, user)
        page.get_by_role("link", name="Two-factor sign-in").click()
        page.get_by_role("heading", name="Two-factor sign-in").wait_for()
        assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
        check(page)
        secret = page.locator("#totp-secret").inner_text()
        assert re.fullmatch(r"[A-Z2-7 ]{16,}", secret)

        page.get_by_label("Code from your authenticator app").fill("000000")
        page.get_by_role("button", name="Turn on two-factor sign-in").click()
        page.locator(".govuk-error-summary").wait_for()
        check(page)

        device = TOTPDevice.objects.get(user=user, confirmed=False)
        page.get_by_label("Code from your authenticator app").fill(code_for(device))
        page.get_by_role("button", name="Turn on two-factor sign-in").click()
        page.get_by_role("heading", name="Your recovery codes").wait_for()
        assert page.locator(".hn-recovery-codes li").count() == 10
        check(page)

        page.get_by_role("button", name="Sign out").click()
        page.goto(f"{live_server.url}/accounts/sign-in/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill("correct-horse-battery-staple")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Enter the code from your authenticator app").wait_for()
        check(page)
        page.get_by_label("Code from your authenticator app").fill("111111")
        page.get_by_role("button", name="Continue").click()
        page.locator(".govuk-error-summary").wait_for()
        check(page)
        device.refresh_from_db()
        # The set-up code's time step is used; the next one is what the app shows next.
        page.get_by_label("Code from your authenticator app").fill(
            code_for(device, at=(device.last_t + 1) * device.step + device.t0)
        )
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(f"{live_server.url}/workspaces/")
        assert AuditEvent.objects.filter(actor=user, detail__step="second factor").count() == 1
    finally:
        context.close()
