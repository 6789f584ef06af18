"""A real LA (Stockport, public data only, no SEN2 upload) and the demo LA, page by page in
real Chromium: overview → forecast → finance → scenarios, axe on every page, and the same
LA's caseload for the same January reads the same on every page that shows it."""

from __future__ import annotations

import pytest

from highneeds.web.accounts.models import Membership
from highneeds.web.core.store import get_store

from .conftest import assert_accessible

Role = Membership.Role
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
STOCKPORT = "356"
DEMO = "999"


def _empty_store():
    """The store is not rolled back with a test: leave it as the other tests expect it."""
    from highneeds.store import schema

    with get_store().engine.begin() as conn:
        for table in reversed(schema.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def national():
    """The bundled DfE release in the store (what a fresh install loads), nothing else; the
    store is emptied afterwards (saved scenarios and imports included)."""
    from highneeds.importers.dfe import bundled_release_path, import_release

    store = get_store()
    import_release(store, bundled_release_path())
    yield store
    _empty_store()


#: Pages compute from the whole national release on first open (then from the cache); a
#: machine running other work meanwhile can take far longer than the usual ten seconds.
SLOW_PAGE_MS = 120_000


def _panel(page, key):
    return page.locator(f"section[aria-labelledby='panel-{key}']")


def figure(page, key: str, row: str, column: str) -> float:
    """The number in table ``key`` at the row headed ``row`` and the column headed ``column``,
    read from the page as people see it."""
    section = _panel(page, key)
    section.wait_for()
    headers = [h.strip() for h in section.locator("thead th").all_inner_texts()]
    cells = (
        section.locator("tbody tr")
        .filter(has=page.locator("th", has_text=row))
        .first.locator("th, td")
    )
    return float(cells.nth(headers.index(column)).inner_text().replace(",", ""))


def _open(page, name):
    page.get_by_role("link", name=name, exact=True).click()
    page.get_by_role("heading", name=name if name != "Finance" else "Finance and sufficiency",
                     level=1).wait_for()  # fmt: skip


def _run_forecast(page, *, child_level: bool):
    """Run the forecast: the simulation options are offered only to the child-level model
    (SEN2 returns); the public-data model takes the horizon alone."""
    page.get_by_label("How many years ahead").fill("3")
    simulations = page.get_by_label("Number of simulations")
    assert simulations.count() == (1 if child_level else 0)
    if child_level:
        simulations.fill("100")
    page.get_by_role("button", name="Run the forecast").click()
    page.get_by_role("heading", name="EHCP caseload forecast").wait_for(timeout=3 * SLOW_PAGE_MS)
    assert_accessible(page)


def _compare_status_quo(page):
    """Save the example scenarios and compare the status quo with the baseline."""
    _open(page, "Scenarios")
    assert_accessible(page)
    page.get_by_role("button", name="Save the example scenarios").click()
    page.get_by_text("Saved the example scenarios").wait_for()
    page.get_by_label("Status quo").check()
    page.get_by_label("Number of simulations").fill("100")
    page.get_by_role("button", name="Compare scenarios").click()
    page.get_by_role("heading", name="Children with an EHCP by scenario (mean)").wait_for(
        timeout=3 * SLOW_PAGE_MS
    )
    assert_accessible(page)


def test_stockport_from_public_data_alone(page, live_server, sign_in, national, make_workspace,
                                          member):  # fmt: skip
    page.set_default_timeout(SLOW_PAGE_MS)
    stockport = make_workspace(STOCKPORT, "Stockport")
    sign_in(page, member(Role.ANALYST, stockport))
    page.goto(f"{live_server.url}/workspaces/{STOCKPORT}/")
    page.get_by_role("heading", name="EHCPs and new plans by January census").wait_for()
    assert_accessible(page)
    years = _panel(page, "caseload").locator("tbody th").all_inner_texts()
    latest = years[-1]
    caseload = figure(page, "caseload", latest, "EHCPs")
    # the comparison is of the latest January too
    assert figure(page, "comparison", "Stockport", "EHCPs") == caseload

    _open(page, "Forecast")
    assert_accessible(page)
    _run_forecast(page, child_level=False)
    assert figure(page, "total", latest, "Median") == caseload
    following = str(int(latest) + 1)
    low = figure(page, "total", following, "Lower 95% bound")
    high = figure(page, "total", following, "Upper 95% bound")
    assert low < figure(page, "total", following, "Median") < high
    page.get_by_text("Public-data model").first.wait_for()
    page.get_by_text(f"when the LA had {caseload:,.0f} EHCPs").wait_for()

    _open(page, "Finance")
    page.get_by_role("heading", name="High needs block allocation by year (£)").wait_for()
    page.get_by_role("heading", name="Statistical neighbours compared").wait_for()
    assert page.get_by_text("no English local authority").count() == 0
    assert_accessible(page)

    _compare_status_quo(page)
    assert figure(page, "children", latest, "Baseline") == caseload


def test_demo_la_from_its_imported_returns(page, live_server, sign_in, national, make_workspace,
                                           member):  # fmt: skip
    from highneeds.importers.demo import load_demo_la
    from highneeds.sen2.synth import LA_NAME

    load_demo_la(national)
    page.set_default_timeout(SLOW_PAGE_MS)
    demo = make_workspace(DEMO, LA_NAME)
    sign_in(page, member(Role.ANALYST, demo))
    page.goto(f"{live_server.url}/workspaces/{DEMO}/")
    page.get_by_role("heading", name="EHCPs and new plans by January census").wait_for()
    assert_accessible(page)
    assert page.get_by_text("no English local authority").count() == 0
    page.get_by_text(f"{LA_NAME} is not in DfE's published statistics").wait_for()
    years = _panel(page, "caseload").locator("tbody th").all_inner_texts()
    latest = years[-1]
    caseload = figure(page, "caseload", latest, "EHCPs")
    assert caseload == sum(
        figure(page, "setting_groups", latest, column)
        for column in _panel(page, "setting_groups").locator("thead th").all_inner_texts()[1:]
    )

    _open(page, "Forecast")
    _run_forecast(page, child_level=True)
    assert figure(page, "total", latest, "Median") == caseload
    page.get_by_text("Child-level model fitted to this LA's SEN2 returns").wait_for()

    _open(page, "Finance")
    page.get_by_text(f"{LA_NAME} is not in the published High Needs data").wait_for()
    page.get_by_role("heading", name="DSG position from your own figures (£)").wait_for()
    assert_accessible(page)

    _compare_status_quo(page)
    assert figure(page, "children", latest, "Baseline") == caseload
    assert figure(page, "children", latest, "Status quo") == caseload
