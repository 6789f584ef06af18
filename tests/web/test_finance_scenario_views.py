"""Finance and sufficiency, and saved scenarios: every view × role, forms, refusals."""

from __future__ import annotations

import base64
import io

import openpyxl
import pandas as pd
import pytest
from django.urls import reverse

from highneeds.finance.scenario_store import delete_scenario, list_scenarios, save_scenario
from highneeds.finance.scenarios import Scenario, scenario_from_toml
from highneeds.web.accounts.models import AuditEvent, Membership
from highneeds.web.core.store import get_store
from highneeds.web.workspace import services
from highneeds.web.workspace.models import Job

from .factories import WorkspaceFactory, shown_tables

Role = Membership.Role
pytestmark = pytest.mark.django_db(transaction=True)  # the Store writes on its own connection

STOCKPORT = "356"
PLAN = Scenario(
    "New school",
    description="A special school.",
    interventions=(
        {"type": "places", "funding_category": "maintained_special", "from_year": 2028,
         "places": [50, 100]},
        {"type": "capital", "year": 2027, "amount_gbp": 12_000_000},
    ),
)  # fmt: skip


def _forget_scenarios(*owners):
    store = get_store()
    for owner in owners:
        for name in list_scenarios(store, owner)["name"]:
            delete_scenario(store, owner, name)


@pytest.fixture
def la(db):
    """Stockport's workspace (published finance data) with a saved scenario; the store's
    scenarios are not rolled back with the test, so they are removed afterwards."""
    from highneeds.sen2.synth import LA_CODE as DEMO

    workspace = WorkspaceFactory(la_code=STOCKPORT, name="Stockport")
    save_scenario(get_store(), STOCKPORT, PLAN)
    yield workspace
    _forget_scenarios(STOCKPORT, DEMO, "990", "991")


@pytest.fixture
def workbook_job(la):
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active["A1"] = "DSG management plan"
    book.save(buffer)
    return Job.objects.create(
        workspace=la,
        kind=Job.Kind.SCENARIOS,
        status=Job.Status.SUCCEEDED,
        result={
            "tables": {"cost": {"columns": ["January census year", "Baseline"],
                                "data": [[2025, 1.0], [2026, 2.0]]}},
            "workbook": base64.b64encode(buffer.getvalue()).decode("ascii"),
        },
    )  # fmt: skip


NAME = {"name": PLAN.name}
# (url name, extra kwargs, least role that may open it with GET)
VIEWS = [
    ("workspace:finance", {}, Role.VIEWER),
    ("workspace:finance_download", {"key": "per_ehcp", "fmt": "csv"}, Role.VIEWER),
    ("workspace:finance_download", {"key": "allocation", "fmt": "xlsx"}, Role.VIEWER),
    ("workspace:finance_chart", {"key": "balance"}, Role.VIEWER),
    ("workspace:scenarios", {}, Role.VIEWER),
    ("workspace:scenario", NAME, Role.VIEWER),
    ("workspace:scenario_download", NAME, Role.VIEWER),
    ("workspace:job_workbook", {"number": "JOB"}, Role.VIEWER),
    ("workspace:scenario_new", {}, Role.ANALYST),
    ("workspace:scenario_edit", NAME, Role.ANALYST),
    ("workspace:intervention_add", {**NAME, "kind": "early_help"}, Role.ANALYST),
    ("workspace:intervention_edit", {**NAME, "number": 1}, Role.ANALYST),
    ("workspace:scenario_delete", NAME, Role.ANALYST),
]
RANK = {Role.VIEWER: 1, Role.ANALYST: 2, Role.ADMIN: 3}


def _url(name, extra, job=None):
    kwargs = {k: (job.number if v == "JOB" else v) for k, v in extra.items()}
    return reverse(name, kwargs={"la_code": STOCKPORT, **kwargs})


@pytest.mark.parametrize(("name", "extra", "least"), VIEWS)
@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST, Role.ADMIN])
def test_members_open_what_their_role_allows(name, extra, least, role, client_as, la, workbook_job):
    response = client_as(role, la).get(_url(name, extra, workbook_job))
    assert response.status_code == (200 if RANK[role] >= RANK[least] else 403)


@pytest.mark.parametrize(("name", "extra", "least"), VIEWS)
def test_anonymous_visitors_are_sent_to_sign_in(name, extra, least, client, la, workbook_job):
    response = client.get(_url(name, extra, workbook_job))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("name", "extra", "least"), VIEWS)
def test_members_of_another_la_cannot_open_them(
    name, extra, least, client_as, la, other_workspace, workbook_job
):
    response = client_as(Role.ADMIN, other_workspace).get(_url(name, extra, workbook_job))
    assert response.status_code == 404


# --- finance --------------------------------------------------------------------------------


def _csv(response) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig")


def test_finance_page_shows_published_money_beside_neighbours_and_england(client_as, la):
    client = client_as(Role.VIEWER, la)
    html = client.get(_url("workspace:finance", {})).content.decode()
    for title in ("Section 251 line", "Neighbours&#x27; median", "England", "Place funding"):
        assert title in html
    assert "Statistical neighbours compared" in html
    assert reverse("workspace:finance_chart", args=[STOCKPORT, "per_ehcp"]) in html
    assert reverse("workspace:finance_download", args=[STOCKPORT, "unit_costs", "svg"]) in html
    # with no SEN2 and no templates, places and scenarios rest on public data: nothing missing
    assert "needs something to plan from" not in html


def test_finance_downloads_are_consistent_and_audited(client_as, la):
    from highneeds.finance.benchmark import la_finance_profile

    client = client_as(Role.ANALYST, la)
    spend = _csv(
        client.get(_url("workspace:finance_download", {"key": "spend_by_line", "fmt": "csv"}))
    )
    per_head = _csv(
        client.get(_url("workspace:finance_download", {"key": "per_head", "fmt": "csv"}))
    )
    population = la_finance_profile(STOCKPORT).population_2_18
    assert population > 10_000
    # per head × population gives back the budget, line by line (per head is to the penny)
    rebuilt = per_head["Stockport"] * population
    assert ((rebuilt - spend["Budget 2021-22"]).abs() <= 0.005 * population + 1).all()
    assert "All published high needs lines" in set(spend["Section 251 line"])
    assert AuditEvent.objects.filter(action="export", target="finance/per_head.csv").exists()
    png = client.get(_url("workspace:finance_download", {"key": "balance", "fmt": "png"}))
    assert png.content.startswith(b"\x89PNG")


def test_finance_tables_without_numbers_have_no_chart_and_unknown_tables_404(client_as, la):
    client = client_as(Role.VIEWER, la)
    assert client.get(_url("workspace:finance_chart", {"key": "neighbours"})).status_code == 404
    assert client.get(_url("workspace:finance_chart", {"key": "nothing"})).status_code == 404
    missing = _url("workspace:finance_download", {"key": "notes", "fmt": "svg"})
    assert client.get(missing).status_code == 404


def test_finance_page_for_an_la_without_published_data_says_so(client_as, workspace):
    response = client_as(Role.VIEWER).get(reverse("workspace:finance", args=["990"]))
    assert response.status_code == 200
    assert "is not in the published High Needs data" in response.content.decode()


def test_viewer_cannot_start_a_sufficiency_check_and_csrf_less_post_is_refused(client_as, la):
    url = _url("workspace:finance", {})
    assert (
        client_as(Role.VIEWER, la).post(url, {"simulations": "100", "seed": "1"}).status_code == 403
    )
    csrf = client_as(Role.ANALYST, la, enforce_csrf_checks=True)
    assert csrf.post(url, {"simulations": "100", "seed": "1"}).status_code == 403
    assert not Job.objects.filter(kind=Job.Kind.SUFFICIENCY).exists()


def test_sufficiency_options_are_checked_with_linked_errors(client_as, la):
    response = client_as(Role.ANALYST, la).post(
        _url("workspace:finance", {}), {"simulations": "lots", "seed": "-1"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#id_simulations">The number of simulations must be a whole number' in html
    assert '<a href="#id_seed">The seed must be 0 or more' in html


@pytest.mark.slow
def test_sufficiency_for_an_la_without_sen2_or_templates_rests_on_public_data(client_as, la):
    client_as(Role.ANALYST, la).post(
        _url("workspace:finance", {}), {"simulations": "100", "seed": "1"}
    )
    job = Job.objects.get(kind=Job.Kind.SUFFICIENCY)
    assert job.status == Job.Status.SUCCEEDED, job.result
    notes = " ".join(shown_tables(job)["notes"]["Note"])
    assert "public data" in notes and "reference default" in notes


@pytest.mark.slow
def test_demo_la_sufficiency_runs_in_the_background_and_shows_the_gap(client_as, la):
    from highneeds.importers.demo import load_demo_la
    from highneeds.sen2.synth import LA_CODE

    load_demo_la(get_store())  # the demo LA is data: loaded as any LA's files are
    demo = WorkspaceFactory(la_code=LA_CODE, name="Stockbridge (fictional)")
    client = client_as(Role.ANALYST, demo)
    response = client.post(
        reverse("workspace:finance", args=[LA_CODE]), {"simulations": "100", "seed": "1"}
    )
    job = Job.objects.get(kind=Job.Kind.SUFFICIENCY)
    assert response.url == reverse("workspace:job", args=[LA_CODE, job.number])
    assert job.status == Job.Status.SUCCEEDED, job.result
    table = shown_tables(job)["sufficiency"]
    gap = table["Commissioned places"] - table["Forecast demand (children)"]
    assert (gap - table["Spare places (negative: short)"]).abs().max() < 1e-6
    html = client.get(reverse("workspace:finance", args=[LA_CODE])).content.decode()
    assert "Places against forecast demand by year" in html
    assert reverse("workspace:job_chart", args=[LA_CODE, job.number, "gap"]) in html


# --- scenarios ------------------------------------------------------------------------------


def _saved(owner=STOCKPORT):
    return list_scenarios(get_store(), owner)


def test_viewer_sees_saved_scenarios_read_only(client_as, la):
    client = client_as(Role.VIEWER, la)
    listing = client.get(_url("workspace:scenarios", {})).content.decode()
    assert PLAN.name in listing
    assert "Create a scenario" not in listing
    page = client.get(_url("workspace:scenario", NAME)).content.decode()
    assert "Open 50, then 100 places in maintained special schools" in page
    assert "Capital cost of £12,000,000 in 2027" in page
    assert "Remove" not in page and "Add an intervention" not in page


@pytest.mark.parametrize(
    ("name", "extra", "data"),
    [
        ("workspace:scenario_new", {}, {"name": "Mine"}),
        ("workspace:scenario_edit", NAME, {"name": "Renamed"}),
        ("workspace:intervention_add", {**NAME, "kind": "capital"},
         {"year": "2027", "amount_gbp": "1"}),
        ("workspace:intervention_remove", {**NAME, "number": 1}, {}),
        ("workspace:scenario_delete", NAME, {}),
        ("workspace:scenarios", {}, {"copy_examples": "1"}),
    ],
)  # fmt: skip
def test_viewers_cannot_edit_and_csrf_less_posts_are_refused(name, extra, data, client_as, la):
    before = _saved().to_dict("records")
    assert client_as(Role.VIEWER, la).post(_url(name, extra), data).status_code == 403
    csrf = client_as(Role.ANALYST, la, enforce_csrf_checks=True)
    assert csrf.post(_url(name, extra), data).status_code == 403
    assert _saved().to_dict("records") == before


def test_analyst_creates_edits_downloads_and_deletes_a_scenario(client_as, la):
    client = client_as(Role.ANALYST, la)
    response = client.post(
        _url("workspace:scenario_new", {}),
        {"name": "Inclusion", "date": "01/03/2026", "description": "More in mainstream."},
    )
    assert response.url == _url("workspace:scenario", {"name": "Inclusion"})
    named = {"name": "Inclusion"}
    client.post(
        _url("workspace:intervention_add", {**named, "kind": "places"}),
        {"action": "close", "funding_category": "independent_special", "from_year": "2028",
         "places": "10, 20"},
    )  # fmt: skip
    client.post(
        _url("workspace:intervention_add", {**named, "kind": "move"}),
        {"from_category": "maintained_special", "to_setting": "mainstream_academy",
         "share": "10", "from_year": "2027", "ramp_years": "2", "note": "inclusion"},
    )  # fmt: skip
    client.post(
        _url("workspace:intervention_add", {**named, "kind": "early_help"}),
        {"reduction": "5", "from_year": "2027", "ramp_years": "3"},
    )
    client.post(
        _url("workspace:intervention_add", {**named, "kind": "unit_cost"}),
        {"funding_category": "mainstream", "change": "-5", "from_year": "2027"},
    )
    # change the early help to 4%
    form = client.get(_url("workspace:intervention_edit", {**named, "number": 3})).content.decode()
    assert 'value="5' in form
    client.post(
        _url("workspace:intervention_edit", {**named, "number": 3}),
        {"reduction": "4", "from_year": "2027", "ramp_years": "3"},
    )
    download = client.get(_url("workspace:scenario_download", named))
    assert download["Content-Disposition"] == 'attachment; filename="Inclusion.toml"'
    scenario = scenario_from_toml(download.content.decode())
    assert scenario.date.isoformat() == "2026-03-01"
    assert [i["type"] for i in scenario.interventions] == [
        "places",
        "move",
        "early_help",
        "unit_cost",
    ]
    places, move, early, cost = scenario.interventions
    assert places["places"] == [-10, -20]  # closing places
    assert move["share"] == pytest.approx(0.10) and move["note"] == "inclusion"
    assert early["reduction"] == pytest.approx(0.04)
    assert cost["factor"] == pytest.approx(0.95)
    # remove the move, then delete the scenario
    client.post(_url("workspace:intervention_remove", {**named, "number": 2}))
    kinds = [i["type"] for i in services.load_scenario(la, "Inclusion").interventions]
    assert kinds == ["places", "early_help", "unit_cost"]
    assert client.get(_url("workspace:scenario_delete", named)).status_code == 200
    client.post(_url("workspace:scenario_delete", named))
    assert "Inclusion" not in set(_saved()["name"])
    actions = set(
        AuditEvent.objects.filter(target="scenario Inclusion").values_list("action", flat=True)
    )
    assert {"create", "change", "export", "delete"} <= actions


def test_renaming_keeps_interventions_and_a_taken_name_is_refused(client_as, la):
    client = client_as(Role.ANALYST, la)
    client.post(_url("workspace:scenario_new", {}), {"name": "Other"})
    taken = client.post(_url("workspace:scenario_edit", NAME), {"name": "Other"})
    assert taken.status_code == 400
    assert "A scenario with this name already exists" in taken.content.decode()
    client.post(_url("workspace:scenario_edit", NAME), {"name": "Renamed school"})
    assert set(_saved()["name"]) == {"Other", "Renamed school"}
    renamed = services.load_scenario(la, "Renamed school")
    assert renamed.interventions == PLAN.interventions


@pytest.mark.parametrize(
    ("kind", "data", "field", "message"),
    [
        ("places", {"action": "open", "funding_category": "maintained_special",
                    "from_year": "2028", "places": "50, -10"},
         "places", "Places must be 0 or more"),
        ("places", {"action": "open", "funding_category": "maintained_special",
                    "from_year": "2028", "places": "fifty"},
         "places", "Places must be whole numbers separated by commas"),
        ("capital", {"year": "2027", "amount_gbp": "twelve million"},
         "amount_gbp", "The amount must be a number of pounds"),
        ("capital", {"year": "2027", "amount_gbp": "-5"},
         "amount_gbp", "The amount must be 0 or more"),
        ("move", {"from_category": "maintained_special", "to_setting": "spaceship",
                  "share": "10", "from_year": "2027", "ramp_years": "1"},
         "to_setting", "Choose a setting from the list"),
        ("move", {"from_category": "maintained_special", "to_setting": "mainstream_academy",
                  "share": "150", "from_year": "2027", "ramp_years": "1"},
         "share", "The share moved (%) must be 100 or less"),
        ("early_help", {"reduction": "5", "from_year": "next year", "ramp_years": "1"},
         "from_year", "The first year must be a year, like 2028"),
        ("unit_cost", {"funding_category": "nowhere", "change": "5", "from_year": "2027"},
         "funding_category", "Choose a type of provision from the list"),
    ],
)  # fmt: skip
def test_bad_intervention_input_is_refused_with_a_located_message(
    kind, data, field, message, client_as, la
):
    response = client_as(Role.ANALYST, la).post(
        _url("workspace:intervention_add", {**NAME, "kind": kind}), data
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'<a href="#id_{field}">{message}' in html  # the summary links to the field
    assert f'id="id_{field}-error"' in html  # and the message sits at the field
    assert services.load_scenario(la, PLAN.name) == PLAN  # nothing saved


DESIGNATED = {"action": "open", "funding_category": "maintained_special", "from_year": "2027",
              "places": "150", "designated_needs": ["SLD", "ASD"], "min_ncy": "7",
              "max_ncy": "14"}  # fmt: skip


def test_analyst_designates_new_places_for_needs_and_year_groups(client_as, la):
    client = client_as(Role.ANALYST, la)
    add = _url("workspace:intervention_add", {**NAME, "kind": "places"})
    form = client.get(add).content.decode()
    # the needs are checkboxes in a fieldset whose legend names the question
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">' in form
    assert "Designated for these needs (optional)" in form
    assert 'name="designated_needs" type="checkbox" value="ASD"' in form
    assert client.post(add, DESIGNATED).status_code == 302
    item = services.load_scenario(la, PLAN.name).interventions[-1]
    assert item == {"type": "places", "funding_category": "maintained_special",
                    "from_year": 2027, "places": 150, "designated_needs": "ASD;SLD",
                    "min_ncy": 7, "max_ncy": 14}  # fmt: skip
    page = client.get(_url("workspace:scenario", NAME)).content.decode()
    assert "from 2027, for ASD, SLD, years 7–14" in page
    # the edit form shows the saved answers; saving it unchanged keeps the item
    edit = _url("workspace:intervention_edit", {**NAME, "number": 3})
    html = client.get(edit).content.decode()
    assert 'value="ASD" checked' in html and 'value="SLD" checked' in html
    assert 'value="SEMH">' in html  # not ticked
    assert 'name="min_ncy" value="7"' in html and 'name="max_ncy" value="14"' in html
    client.post(edit, {**DESIGNATED, "designated_needs": ["ASD"], "min_ncy": "", "max_ncy": ""})
    changed = services.load_scenario(la, PLAN.name).interventions[-1]
    assert changed["designated_needs"] == "ASD" and "min_ncy" not in changed
    assert (
        scenario_from_toml(
            client.get(_url("workspace:scenario_download", NAME)).content.decode()
        ).interventions[-1]
        == changed
    )


@pytest.mark.parametrize(
    ("answers", "anchor", "message"),
    [
        ({"min_ncy": "14", "max_ncy": "7"}, "id_max_ncy",
         "The oldest year group must be the same as or after the youngest"),
        ({"min_ncy": "-9"}, "id_min_ncy", "The youngest year group must be -5 or more"),
        ({"designated_needs": ["ASD", "NOT_A_NEED"]}, "id_designated_needs_0",
         "Choose needs from the list"),
    ],
)  # fmt: skip
def test_bad_designations_are_refused_with_a_linked_message(
    answers, anchor, message, client_as, la
):
    response = client_as(Role.ANALYST, la).post(
        _url("workspace:intervention_add", {**NAME, "kind": "places"}), {**DESIGNATED, **answers}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<a href="#{anchor}">{message}' in html
    assert f'id="{anchor.removesuffix("_0")}-error"' in html
    assert services.load_scenario(la, PLAN.name) == PLAN  # nothing saved


def test_bad_scenario_details_are_refused(client_as, la):
    response = client_as(Role.ANALYST, la).post(
        _url("workspace:scenario_new", {}), {"name": "", "date": "31/02/2026"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#id_name">Enter a scenario name' in html
    assert '<a href="#id_date">The date must be a real date' in html


def test_unknown_intervention_type_and_number_are_404(client_as, la):
    client = client_as(Role.ANALYST, la)
    assert (
        client.get(_url("workspace:intervention_add", {**NAME, "kind": "magic"})).status_code == 404
    )
    assert client.get(_url("workspace:intervention_edit", {**NAME, "number": 9})).status_code == 404
    assert (
        client.post(_url("workspace:intervention_remove", {**NAME, "number": 9})).status_code == 404
    )
    assert client.get(_url("workspace:scenario", {"name": "Nope"})).status_code == 404


def test_comparison_needs_a_saved_scenario_choice(client_as, la, monkeypatch):
    from highneeds.web.workspace.views import scenarios

    monkeypatch.setattr(scenarios, "has_costs", lambda store, la_code: True)
    client = client_as(Role.ANALYST, la)
    html = client.get(_url("workspace:scenarios", {})).content.decode()
    assert 'name="scenarios" type="checkbox" value="New school"' in html
    response = client.post(
        _url("workspace:scenarios", {}),
        {"scenarios": ["Unknown"], "simulations": "100", "seed": "1"},
    )
    assert response.status_code == 400
    assert '<a href="#id_scenarios_0">Choose scenarios from the list' in response.content.decode()


@pytest.mark.slow
def test_comparison_for_an_la_without_sen2_runs_on_public_data(client_as, la):
    client_as(Role.ANALYST, la).post(
        _url("workspace:scenarios", {}),
        {"scenarios": [PLAN.name], "simulations": "100", "seed": "1"},
    )
    job = Job.objects.get(kind=Job.Kind.SCENARIOS)
    assert job.status == Job.Status.SUCCEEDED, job.result
    notes = " ".join(shown_tables(job)["notes"]["Note"])
    assert "public-data model" in notes


def test_workbook_download_is_the_stored_xlsx_and_audited(client_as, la, workbook_job):
    response = client_as(Role.VIEWER, la).get(
        _url("workspace:job_workbook", {"number": "JOB"}, workbook_job)
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.active["A1"].value == "DSG management plan"
    assert AuditEvent.objects.filter(target=f"job {workbook_job.number}/workbook.xlsx").exists()
    forecast = Job.objects.create(workspace=la, kind=Job.Kind.FORECAST, status=Job.Status.SUCCEEDED)
    missing = client_as(Role.VIEWER, la).get(
        _url("workspace:job_workbook", {"number": "JOB"}, forecast)
    )
    assert missing.status_code == 404


@pytest.mark.slow
def test_demo_la_compares_saved_scenarios_with_the_same_draws(client_as, la):
    from highneeds.importers.demo import load_demo_la
    from highneeds.sen2.synth import LA_CODE

    load_demo_la(get_store())  # the demo LA is data: loaded as any LA's files are
    demo = WorkspaceFactory(la_code=LA_CODE, name="Stockbridge (fictional)")
    client = client_as(Role.ANALYST, demo)
    url = reverse("workspace:scenarios", args=[LA_CODE])
    client.post(url, {"copy_examples": "1"})
    names = set(list_scenarios(get_store(), LA_CODE)["name"])
    assert {"Status quo", "New special school"} <= names
    response = client.post(
        url, {"scenarios": ["Status quo", "New special school"], "simulations": "100", "seed": "1"}
    )
    job = Job.objects.get(kind=Job.Kind.SCENARIOS)
    assert response.url == reverse("workspace:job", args=[LA_CODE, job.number])
    assert job.status == Job.Status.SUCCEEDED, job.result
    saving = shown_tables(job)["cumulative_saving"]
    assert set(saving.columns) == {
        "January census year",
        "Baseline",
        "Status quo",
        "New special school",
    }
    assert (saving["Baseline"] == 0).all() and (saving["Status quo"] == 0).all()  # no changes
    html = client.get(response.url).content.decode()
    assert reverse("workspace:job_workbook", args=[LA_CODE, job.number]) in html
    book = openpyxl.load_workbook(
        io.BytesIO(
            client.get(reverse("workspace:job_workbook", args=[LA_CODE, job.number])).content
        )
    )
    assert len(book.sheetnames) >= 2


@pytest.mark.slow
def test_demo_la_compares_a_scenario_with_designated_places(client_as, la):
    """Places posted through the form with designated needs and year groups reach the
    capacity constraint: the comparison runs, and places only some children may take cost
    differently from the same places open to all."""
    from highneeds.importers.demo import load_demo_la
    from highneeds.sen2.synth import LA_CODE

    load_demo_la(get_store())  # the demo LA is data: loaded as any LA's files are
    demo = WorkspaceFactory(la_code=LA_CODE, name="Stockbridge (fictional)")
    client = client_as(Role.ANALYST, demo)
    for name, answers in [
        ("Open to all", {"designated_needs": [], "min_ncy": "", "max_ncy": ""}),
        ("Hearing only", {"designated_needs": ["HI"], "min_ncy": "0", "max_ncy": "6"}),
    ]:
        client.post(reverse("workspace:scenario_new", args=[LA_CODE]), {"name": name})
        response = client.post(
            reverse("workspace:intervention_add", args=[LA_CODE, name, "places"]),
            {**DESIGNATED, **answers},
        )
        assert response.status_code == 302
    designated = services.load_scenario(demo, "Hearing only").interventions[0]
    assert (designated["designated_needs"], designated["min_ncy"]) == ("HI", 0)
    client.post(
        reverse("workspace:scenarios", args=[LA_CODE]),
        {"scenarios": ["Open to all", "Hearing only"], "simulations": "100", "seed": "1"},
    )
    job = Job.objects.get(kind=Job.Kind.SCENARIOS)
    assert job.status == Job.Status.SUCCEEDED, job.result
    cost = shown_tables(job)["cost"].set_index("January census year")
    later = cost.index >= 2028
    assert (cost.loc[later, "Hearing only"] != cost.loc[later, "Open to all"]).any()
