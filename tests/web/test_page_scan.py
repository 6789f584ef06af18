"""No internals on screen: crawl the demo's pages and exports (as a signed-in administrator
and as a member of the public) and scan each for Python reprs, snake_case labels, booleans
and unformatted numbers."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from .page_scan import problems_in_csv, problems_in_text, problems_in_xlsx, visible_text

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

_HREF = re.compile(r'href="(/[^"#]*)"')
#: Links a crawl must not follow: they change things or leave the demo; and files whose
#: headings are codes by design: blank input templates (the importer reads those codes; the
#: words are on their Instructions sheet) and an export asked for with codes.
_SKIP = re.compile(
    r"sign-out|delete|remove|django-admin|/static/|\.(png|svg|pdf|docx)$|fmt=(png|svg)|"
    r"/data/templates/|headers=codes"
)
#: Text that looks like an internal but is the user's own or a published code.
ALLOW = ("SHA-256", "sha256", "@", "HNR-")


def crawl(
    client: Client, start: list[str], *, limit: int = 160, least: int = 20
) -> dict[str, list[str]]:
    seen, queue, problems, shapes = set(), list(start), {}, {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or _SKIP.search(url):
            continue
        # Three pages of a kind (one response of 300, one job of many) speak for the rest.
        shape = re.sub(r"/[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3}/|/\d+/", "/N/", url.split("?")[0])
        shapes[shape] = shapes.get(shape, 0) + 1
        if shapes[shape] > 3:
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        if response.status_code != 200:
            continue
        kind = response.get("Content-Type", "")
        body = b"".join(response) if response.streaming else response.content
        if kind.startswith("text/html"):
            page = body.decode()
            found = problems_in_text(visible_text(page), allow=ALLOW)
            queue += [
                h.replace("&amp;", "&") for h in _HREF.findall(page) if h.split("?")[0] not in seen
            ]
        elif "csv" in kind:
            found = problems_in_csv(body)
        elif "spreadsheetml" in kind:
            found = problems_in_xlsx(body)
        else:
            continue
        if found:
            problems[url] = found
    assert len(seen) >= least, f"the crawl reached too little: {sorted(seen)}"
    return problems


def _report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}\n  " + "\n  ".join(found[:6]) for url, found in problems.items())


@pytest.fixture
def demo_login():
    out = StringIO()
    call_command("setup_demo_workspace", stdout=out)
    call_command("seed_demo_consultation", stdout=StringIO())
    call_command("seed_demo_responses", stdout=StringIO())
    return re.search(r"username '([^']+)' and password '([^']+)'", out.getvalue()).groups()


def test_public_consultation_pages_show_no_internals(demo_login):
    client = Client()
    problems = crawl(client, ["/consult/high-needs-review/", "/status"], least=8)
    assert not problems, _report(problems)


def test_workspace_pages_and_exports_show_no_internals(demo_login):
    from highneeds.sen2.synth import LA_CODE

    username, password = demo_login
    client = Client()
    client.post("/accounts/sign-in/", {"username": username, "password": password})
    # Jobs run inline in tests: the sufficiency check and a scenario comparison of the
    # shipped examples give the demo's job pages, charts, tables and workbook.
    run = {"simulations": "100", "seed": "1"}
    from highneeds.finance.scenario_store import delete_scenario, list_scenarios
    from highneeds.web.core.store import get_store

    client.post(f"/workspaces/{LA_CODE}/finance/", run)
    client.post(f"/workspaces/{LA_CODE}/scenarios/", {"copy_examples": "1"})
    names = list_scenarios(get_store(), LA_CODE)["name"].tolist()
    client.post(f"/workspaces/{LA_CODE}/scenarios/", {**run, "scenarios": names[:2]})
    start = ["/workspaces/", f"/workspaces/{LA_CODE}/jobs/1/", f"/workspaces/{LA_CODE}/jobs/2/"]
    try:
        problems = crawl(client, start, limit=220)
    finally:
        for name in names:  # the store is not rolled back with the test
            delete_scenario(get_store(), LA_CODE, name)
    assert not problems, _report(problems)


def test_the_scan_finds_what_the_issue_found():
    """The scan itself can fail: the internals issue 15 saw are each caught."""
    text = (
        "Scenarios ['Early help and inclusion', 'Status quo'] Estimation bayes "
        "Uses reference default True Cost gbp q05 £44,652,699.0 3,091.0 cost_gbp_q05 "
        "('P1', 'all', 'strongly_agree') 31.18151500714626 children 62180"
    )
    found = " ".join(problems_in_text(text))
    for token in (
        "['Early",
        "True",
        "cost_gbp_q05",
        "44,652,699.0",
        "3,091.0",
        "('P1'",
        "31.18151500714626",
        "62180",
    ):
        assert token in found, token
    assert problems_in_text("3,091 (2,950–3,240) £44.65m 31.2% in 2024") == []
