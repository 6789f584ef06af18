"""Real headless Chromium (Debian's package) driven by Playwright, against Django's live server.

Install the browser once with scripts/install-browser.sh. Playwright's own browser downloads
are never used. Run only these tests with `pytest -m browser`, skip them with `-m "not browser"`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

# Playwright's sync API runs an event loop in this thread; the ORM calls tests make between
# browser steps are still ordinary synchronous calls, so Django's async guard is lifted here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# What Chromium says when a document goes away under a running script.
NAVIGATION_SIGNS = ("Execution context was destroyed", "reading 'documentElement'", "navigation")
AXE_SOURCE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def patient(context):
    """Generous waits for a browser context. A page that works out an LA's plan takes seconds
    on a quiet machine and ten or more when the two cores are busy (CI beside other jobs); a
    wait that runs out under load is a flaky test, not a finding. Speed is measured in
    benchmarks/, not here."""
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(60_000)
    return context


@pytest.fixture
def page(browser):
    """A fresh browser tab (own cookies). Fails the test if the page logs a CSP violation or
    a JavaScript error: those mean something silently did not work."""
    context = browser.new_context(viewport={"width": 1024, "height": 768}, accept_downloads=True)
    patient(context)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert problems == []


def _run_axe(page) -> dict:
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    return page.evaluate("async () => await window.axe.run(document)")


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the current page; return violations of the given impacts.

    A click on a link returns before the browser has swapped documents, so axe can start on
    the page being left and lose its document half-way. That is a race in the test, not a
    finding: wait for the new page to load and run axe again on it (a few times at most)."""
    for attempt in range(4):
        try:
            result = _run_axe(page)
            break
        except PlaywrightError as error:
            navigating = any(sign in str(error) for sign in NAVIGATION_SIGNS)
            if not navigating or attempt == 3:
                raise
            page.wait_for_timeout(200)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def assert_accessible(page) -> None:
    """No serious or critical axe-core violations on the current page."""
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"


@pytest.fixture
def sign_in(live_server, user_password):
    """sign_in(page, user) through the real sign-in form."""

    def go(page, user):
        page.goto(f"{live_server.url}/accounts/sign-in/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(user_password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/workspaces/")

    return go
