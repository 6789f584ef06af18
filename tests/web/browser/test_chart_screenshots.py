"""Every chart of the demo workspaces, on a 1366×900 screen and a 390×844 phone, in real
Chromium: each chart is screenshotted and checked — drawn (not blank), no wider than the phone,
its smallest text at least 8 pixels high (phones get the narrow layout, the outcome report's
charts included: a <picture> offers the narrow drawing below GOV.UK's tablet width) — and its SVG
names its axes. Every page visited must also fit the phone's width, with wide
tables scrolling inside their own box rather than the page.

Screenshots of the charts go to ``$HIGHNEEDS_SCREENSHOTS`` when set (to look at), else a
temporary folder; whole pages are screenshotted too when it is set (nobody looks at them
otherwise, and they take a tenth of the test's time).
"""

from __future__ import annotations

import base64
import io
import os
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from highneeds import charts
from highneeds.web.accounts.models import Membership
from highneeds.web.core.store import get_store
from web.conftest import empty_store

from .conftest import assert_accessible

Role = Membership.Role
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

DEMO, PUBLIC = "999", "356"
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}
SLOW_PAGE_MS = 120_000
LOOKING = bool(os.environ.get("HIGHNEEDS_SCREENSHOTS"))  # someone will look at the pages


@pytest.fixture
def demo_workspaces(transactional_db, settings, tmp_path, monkeypatch, member):
    """The demo's two workspaces (the fictional LA from its SEN2 returns; Stockport from public
    data) with one of each job that draws charts, and the demo consultation's outcome report
    as HTML. Returns (admin user, {page name: path}). The store is emptied after."""
    from highneeds.importers.demo import load_demo_la
    from highneeds.importers.dfe import bundled_release_path, import_release
    from highneeds.sen2.synth import LA_NAME
    from highneeds.web.consult_analysis.demo import seed_demo_responses
    from highneeds.web.workspace import renders, services
    from highneeds.web.workspace.demo import save_example_scenarios

    monkeypatch.setenv("HIGHNEEDS_SECRET", "test-secret-for-the-demo-la")
    settings.MEDIA_ROOT = tmp_path / "media"
    store = get_store()
    import_release(store, bundled_release_path())
    load_demo_la(store)
    save_example_scenarios(store)
    seed_demo_responses(60, seed=3)
    from highneeds.web.accounts.models import Workspace

    demo = Workspace.objects.get(la_code=DEMO)
    assert demo.name == LA_NAME
    public = Workspace.objects.create(la_code=PUBLIC, name="Stockport")
    admin = member(Role.ADMIN, demo)
    Membership.objects.create(user=admin, workspace=public, role=Role.ADMIN)

    runs = {"simulations": 100, "seed": 1}
    forecast = {"horizon": 3, "estimation": "bayes", **runs}
    names = services.saved_scenarios(demo)["name"].tolist()
    jobs = {
        "demo forecast": services.start_forecast(demo, admin, forecast),
        "demo comparison": services.start_scenarios(demo, admin, {"scenarios": names, **runs}),
        "demo sufficiency": services.start_sufficiency(demo, admin, runs),
        "public forecast": services.start_forecast(public, admin, forecast),
    }
    from highneeds.web.consultations.models import Consultation

    consultation = Consultation.objects.get(workspace=demo)
    report = renders.start_render(
        demo,
        admin,
        "outcome-report",
        {"consultation": consultation.pk, "format": "html"},
        title="Outcome report (HTML)",
    )
    # Decide and track (Stockport's worked example): a strategy's KPIs and the places register.
    from highneeds.web.workspace import decide

    decide.strategy_from_template(public, admin)
    register = Path(decide.__file__).parents[2] / "data" / "strategy"
    csv = register / "stockport_places_register.csv"
    decide.save_register(public, admin, csv.read_bytes(), csv.name)
    for job in [*jobs.values(), report]:
        job.refresh_from_db()
        assert job.status == "succeeded", (job.label, job.message, job.result)
    pages = {
        "demo overview": f"/workspaces/{DEMO}/",
        "demo data": f"/workspaces/{DEMO}/data/",
        "demo forecast page": f"/workspaces/{DEMO}/forecast/",
        "demo finance": f"/workspaces/{DEMO}/finance/",
        "demo scenarios": f"/workspaces/{DEMO}/scenarios/",
        "demo scenario": f"/workspaces/{DEMO}/scenarios/saved/{names[0]}/",
        "demo consultations": f"/workspaces/{DEMO}/consultations/",
        "demo consultation": f"/workspaces/{DEMO}/consultations/{consultation.pk}/",
        "demo analysis": f"/workspaces/{DEMO}/consultations/{consultation.pk}/analysis/",
        "demo report job": f"/workspaces/{DEMO}/jobs/{report.number}/",
        "demo audit": f"/workspaces/{DEMO}/audit/",
        "public overview": f"/workspaces/{PUBLIC}/",
        "public finance": f"/workspaces/{PUBLIC}/finance/",
        "public strategy": f"/workspaces/{PUBLIC}/strategy/",
        "public places": f"/workspaces/{PUBLIC}/places/",
        "public ips": f"/workspaces/{PUBLIC}/ips/",
        "public packs": f"/workspaces/{PUBLIC}/packs/",
    }
    for name, job in jobs.items():
        pages[name] = f"/workspaces/{job.workspace.la_code}/jobs/{job.number}/"
    yield admin, pages
    empty_store()


#: Pages that draw at least one chart (the rest are visited for the phone's width only).
CHARTED = {
    "demo overview",
    "demo forecast",
    "demo comparison",
    "demo sufficiency",
    "demo finance",
    "public overview",
    "public finance",
    "public forecast",
    "public strategy",
    "public places",
}


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: $HIGHNEEDS_SCREENSHOTS (to look at them), else a temporary folder."""
    folder = Path(os.environ.get("HIGHNEEDS_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def drawn(png: bytes) -> tuple[float, int]:
    """(share of pixels that are not background, how many distinct colours): a blank or
    one-colour image scores near zero on both."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    inked = float((pixels.min(axis=1) < 235).mean()) if len(pixels) else 0.0
    return inked, len(np.unique(pixels, axis=0))


def axis_titles(svg: bytes) -> list[list[str]]:
    """For each panel (matplotlib Axes) of a chart's SVG, the titles of its axes: the text
    drawn directly in an axis group (tick labels sit inside each tick's own group). Matplotlib
    writes each text's words in a comment before its glyphs."""
    parser = ElementTree.XMLParser(target=ElementTree.TreeBuilder(insert_comments=True))
    root = ElementTree.fromstring(svg, parser=parser)
    g = "{http://www.w3.org/2000/svg}g"
    panels = []
    for axes in root.iter(g):
        if not axes.get("id", "").startswith("axes_"):
            continue
        titles = []
        for axis in axes.findall(g):
            if not axis.get("id", "").startswith("matplotlib.axis_"):
                continue
            for text in axis.findall(g):
                if text.get("id", "").startswith("text_"):
                    words = [c.text.strip() for c in text if c.tag is ElementTree.Comment]
                    titles += [w for w in words if w]
        panels.append(titles)
    return panels


def _too_wide(page) -> str | None:
    """What makes the page scroll sideways, if anything (a wide table must scroll in its own
    box)."""
    wide = page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const over = [];
          for (const el of document.querySelectorAll('body *')) {
            const box = el.getBoundingClientRect();
            if (box.width === 0 || box.right <= width + 1) continue;
            if (el.closest('.hn-table-scroll, .govuk-visually-hidden, .govuk-skip-link')) continue;
            over.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.right)}px`);
          }
          return {scroll: document.documentElement.scrollWidth, width, over: over.slice(0, 5)};
        }"""
    )
    if wide["scroll"] > wide["width"] or wide["over"]:
        return f"{page.url} is wider than the phone: {wide}"
    return None


def _charts(page, label, viewport, width, svgs: dict, shots: Path, problems: list) -> int:
    """Screenshot and check every chart on the page (what is wrong goes into ``problems``);
    returns how many there were."""
    images = page.locator("img.hn-chart, img[src^='data:image/svg+xml']")
    count = images.count()
    for index in range(count):
        chart = images.nth(index)
        chart.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle()
        )
        box = chart.bounding_box()
        name = chart.get_attribute("alt") or f"chart {index}"
        where = f"{label}, {viewport}: {name}"
        if not (box and box["width"] > 150 and box["height"] > 80):
            problems.append(f"{where}: too small to read: {box}")
        elif viewport == "phone" and not (box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5):
            problems.append(f"{where}: wider than the phone: {box}")
        png = chart.screenshot()
        (shots / f"{viewport}-{_slug(label)}-{index:02d}.png").write_bytes(png)
        inked, colours = drawn(png)
        if not (inked > 0.01 and colours > 4):
            problems.append(f"{where}: blank ({inked:.1%} drawn, {colours} colours)")
        src = chart.evaluate("img => img.currentSrc")  # the one shown, absolute
        if src not in svgs:
            if src.startswith("data:"):
                svg = base64.b64decode(src.split(",", 1)[1])
            else:
                response = page.request.get(src)
                assert response.ok, (where, src)
                svg = response.body()
            svgs[src] = (where, svg)
        # The smallest text (tick labels) as high on screen as the chart is scaled to.
        text_px = charts.TICK_POINTS * box["width"] / view_width(svgs[src][1])
        if text_px < MIN_TEXT_PX:
            problems.append(f"{where}: its smallest text is {text_px:.1f} px high")
    return count


#: The smallest text a chart may show, in CSS pixels (9pt ticks at a desktop's scale are ~12).
MIN_TEXT_PX = 8


def view_width(svg: bytes) -> float:
    """The width of an SVG's viewBox (matplotlib's: points)."""
    found = re.search(rb'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) [\d.]+"', svg)
    assert found, svg[:300]
    return float(found.group(1))


def test_every_chart_on_desktop_and_phone(browser, live_server, sign_in, demo_workspaces, shots):
    admin, pages = demo_workspaces
    svgs: dict[str, tuple[str, bytes]] = {}
    problems: list[str | None] = []
    for viewport, (width, height) in VIEWPORTS.items():
        context = browser.new_context(
            viewport={"width": width, "height": height}, accept_downloads=True
        )
        context.set_default_timeout(SLOW_PAGE_MS)
        page = context.new_page()
        sign_in(page, admin)
        for label, path in pages.items():
            page.goto(f"{live_server.url}{path}")
            page.locator("h1").first.wait_for()
            if LOOKING:
                page.screenshot(path=shots / f"{viewport}-page-{_slug(label)}.png", full_page=True)
            found = _charts(page, label, viewport, width, svgs, shots, problems)
            if (found > 0) != (label in CHARTED):
                problems.append(f"{label}, {viewport}: {found} charts")
            if viewport == "phone":
                problems.append(_too_wide(page))
                assert_accessible(page)
        # The outcome report (a document, opened as it would be from the download).
        body = page.request.get(f"{live_server.url}{pages['demo report job']}document/").body()
        page.goto("about:blank")  # not under the workspace's CSP, which forbids inline styles
        page.set_content(body.decode("utf-8"))
        if LOOKING:
            page.screenshot(path=shots / f"{viewport}-page-outcome-report.png", full_page=True)
        assert _charts(page, "outcome report", viewport, width, svgs, shots, problems) > 0
        if viewport == "phone":
            problems.append(_too_wide(page))
        context.close()

    for where, svg in svgs.values():
        for panel, titles in enumerate(axis_titles(svg)):
            if len(titles) < 2:
                problems.append(f"{where}: panel {panel + 1} has axis titles {titles}")
    problems = [p for p in problems if p]
    assert svgs and not problems, "\n".join(problems)
