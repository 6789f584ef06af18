"""Decide and track in the workspace: the strategy page and its KPIs, the places register,
the IPS page, decision packs written section by section, the recorded decision shown on the
strategy page and the consultation's public page ("we did"), and who may do what."""

from __future__ import annotations

import datetime as dt
from importlib import resources

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from highneeds.web.accounts.models import AuditEvent, Membership
from highneeds.web.consultations.models import Consultation, EqualityMonitoring, Response
from highneeds.web.core.store import get_store
from highneeds.web.workspace import decide
from highneeds.web.workspace.models import DecisionPack, Job

Role = Membership.Role
pytestmark = pytest.mark.django_db(transaction=True)  # the Store writes on its own connection
STOCKPORT = "356"
TEMPLATES = resources.files("highneeds.data").joinpath("strategy")


def _empty_store():
    from highneeds.store import schema

    with get_store().engine.begin() as conn:
        for table in reversed(schema.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def empty_store():
    """The core store is not rolled back with a test: leave it empty."""
    yield get_store()
    _empty_store()


@pytest.fixture
def national(empty_store):
    """The bundled DfE release in the store, as a fresh install has it."""
    from highneeds.importers.dfe import bundled_release_path, import_release

    import_release(empty_store, bundled_release_path())
    return empty_store


@pytest.fixture
def stockport(make_workspace):
    return make_workspace(STOCKPORT, "Stockport")


def url(name, la=STOCKPORT, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"la_code": la, **kwargs})


def _upload(name: str, content: bytes, kind="text/plain"):
    return SimpleUploadedFile(name, content, content_type=kind)


def _template(name: str) -> bytes:
    return TEMPLATES.joinpath(name).read_bytes()


# -- Strategy ---------------------------------------------------------------------------------


def test_strategy_from_the_worked_example_shows_every_kpi_with_comparators(
    client_as, stockport, national
):
    analyst = client_as(Role.ANALYST, stockport)
    page = analyst.get(url("strategy"))
    assert page.status_code == 200
    assert "Create from the worked example" in page.content.decode()

    made = analyst.post(url("strategy_from_template"))
    assert made.status_code == 302
    strategy = decide.strategy_of(stockport)
    assert strategy is not None and strategy.la == STOCKPORT and len(strategy.kpis) >= 8

    html = analyst.get(url("strategy")).content.decode()
    assert strategy.title in html
    for kpi in strategy.kpis:
        assert f'id="panel-{kpi.code}"' in html  # a chart and table per KPI
    # beside neighbours, region and England, with a status by the stated rule
    assert "Statistical neighbours" in html and "England" in html and "North West" in html
    assert "On track" in html or "Off track" in html
    assert "No data" in html  # a manual KPI without an actual since its baseline, or none
    # the chart and table download of one KPI (via highneeds.charts)
    chart = analyst.get(url("strategy_kpi_chart", code="K3"))
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml"
    csv = analyst.get(url("strategy_kpi_download", code="K3", fmt="csv")).content.decode()
    assert "Stockport" in csv and "England" in csv
    # the file as written comes back
    toml = analyst.get(url("strategy_file")).content.decode()
    assert 'la = "356"' in toml


def test_a_strategy_file_with_a_mistake_is_refused_naming_the_key(
    client_as, stockport, empty_store
):
    analyst = client_as(Role.ANALYST, stockport)
    text = _template("stockport_send_strategy_2024_27.toml").replace(
        b'measure = "mainstream_pct"', b'measure = "mainstream_share"'
    )
    page = analyst.post(url("strategy"), {"file": _upload("mine.toml", text)})
    assert page.status_code == 400
    html = page.content.decode()
    assert "mine.toml" in html and "kpi[" in html and "mainstream_share" in html
    assert decide.strategy_of(stockport) is None  # nothing half-written


def test_a_strategy_for_another_la_is_refused(client_as, make_workspace, empty_store):
    wakefield = make_workspace("384", "Wakefield")
    analyst = client_as(Role.ANALYST, wakefield)
    text = _template("stockport_send_strategy_2024_27.toml")
    page = analyst.post(url("strategy", la="384"), {"file": _upload("s.toml", text)})
    assert page.status_code == 400
    assert "not this workspace" in page.content.decode()


def test_viewers_see_but_cannot_change_the_strategy(client_as, stockport, empty_store):
    viewer = client_as(Role.VIEWER, stockport)
    assert viewer.get(url("strategy")).status_code == 200
    text = _template("stockport_send_strategy_2024_27.toml")
    assert viewer.post(url("strategy"), {"file": _upload("s.toml", text)}).status_code == 403
    assert viewer.post(url("strategy_from_template")).status_code == 403
    prepare = {"format": "pdf"}
    assert viewer.post(url("strategy_progress_report"), prepare).status_code == 403
    assert decide.strategy_of(stockport) is None


def test_outsiders_cannot_open_any_decide_page(client_as, stockport, other_workspace):
    stranger = client_as(Role.ADMIN, other_workspace)
    for name in ("strategy", "places", "ips", "packs", "pack_new"):
        assert stranger.get(url(name)).status_code in (403, 404), name


def test_the_capital_costs_of_a_strategy_file_are_checked(client_as, stockport, empty_store):
    analyst = client_as(Role.ANALYST, stockport)
    text = _template("stockport_send_strategy_2024_27.toml") + b"\n[capital_costs]\nspecial = 9\n"
    page = analyst.post(url("strategy"), {"file": _upload("s.toml", text)})
    assert page.status_code == 400
    assert "capital_costs.special" in page.content.decode()


# -- Places register --------------------------------------------------------------------------


def test_places_register_upload_shows_added_since_2020_against_plan(
    client_as, stockport, empty_store
):
    analyst = client_as(Role.ANALYST, stockport)
    register = _template("stockport_places_register.csv")
    done = analyst.post(url("places"), {"file": _upload("register.csv", register, "text/csv")})
    assert done.status_code == 302
    html = analyst.get(url("places")).content.decode()
    # the example register: 120 + 60 + 150 + 200 + 70 opened, 20 closed, 200 planned
    expected = "Since 2020/21: 600 places opened, 20 closed, 580 added in all; 200 more planned."
    assert expected in html
    assert "2025/26" in html and "Places planned" in html
    assert analyst.get(url("places_chart")).status_code == 200
    back = analyst.get(url("places_register", fmt="csv")).content.decode()
    assert "Resourced provision and SEN units" in back and "Planned" in back
    assert analyst.get(url("places_register", fmt="svg")).status_code == 404
    assert AuditEvent.objects.filter(target="register.csv").exists()


def test_a_bad_places_register_names_its_row_and_column(client_as, stockport, empty_store):
    analyst = client_as(Role.ANALYST, stockport)
    register = _template("stockport_places_register.csv").replace(b",120,", b",lots,", 1)
    page = analyst.post(url("places"), {"file": _upload("register.csv", register, "text/csv")})
    assert page.status_code == 400
    html = page.content.decode()
    assert "register.csv" in html and "row 2" in html and "Places" in html
    assert decide.register_of(stockport) is None


def test_a_places_register_must_be_csv_or_xlsx(client_as, stockport, empty_store):
    analyst = client_as(Role.ANALYST, stockport)
    page = analyst.post(url("places"), {"file": _upload("register.pdf", b"%PDF")})
    assert page.status_code == 400
    assert "must be CSV or XLSX" in page.content.decode()


# -- IPS ---------------------------------------------------------------------------------------


def test_ips_page_labels_capital_costs_as_assumptions_and_checks_them(
    client_as, stockport, empty_store
):
    analyst = client_as(Role.ANALYST, stockport)
    html = analyst.get(url("ips")).content.decode()
    assert "an example assumption, not a published figure" in html
    assert "£80,000" in html
    page = analyst.post(url("ips"), {"maintained_special": "-5"})
    assert page.status_code == 400
    assert "cannot be less than £0" in page.content.decode()
    assert not Job.objects.filter(kind=Job.Kind.RENDER).exists()


def test_a_strategy_files_capital_costs_are_the_ips_defaults(client_as, stockport, empty_store):
    analyst = client_as(Role.ANALYST, stockport)
    text = (
        _template("stockport_send_strategy_2024_27.toml")
        + b"\n[capital_costs]\nmaintained_special = 91000\n"
    )
    assert analyst.post(url("strategy"), {"file": _upload("s.toml", text)}).status_code == 302
    html = analyst.get(url("ips")).content.decode()
    assert "£91,000 (the LA&#x27;s strategy file)" in html


# -- Decision packs ----------------------------------------------------------------------------


def _pack(stockport, **extra) -> DecisionPack:
    words = {
        "title": "SEND Strategy and the High Needs budget",
        "meeting": "Cabinet",
        "meeting_date": dt.date(2024, 9, 18),
        "report_of": "Cabinet Member for Children",
        "purpose": "To endorse the strategy.",
        "recommendations": "Endorse the strategy.\nNote the DSG position.",
        "background": "The strategy refreshes the last one.",
    }
    return DecisionPack.objects.create(workspace=stockport, **{**words, **extra})


def test_a_pack_is_written_section_by_section(client_as, stockport, empty_store):
    analyst = client_as(Role.ANALYST, stockport)
    created = analyst.post(
        url("pack_new"),
        {
            "title": "SEND Strategy 2024 to 2027",
            "meeting": "Cabinet",
            "meeting_date": "18/9/2024",
            "report_of": "Cabinet Member for Children",
        },
    )
    assert created.status_code == 302
    pack = DecisionPack.objects.get(workspace=stockport)
    assert pack.meeting_date == dt.date(2024, 9, 18)
    page = analyst.get(url("pack", pack_id=pack.pk)).content.decode()
    assert "Not written yet" in page and "Before the pack can be written" in page

    for section, field, words in (
        ("purpose", "purpose", "To endorse the strategy."),
        ("recommendations", "recommendations", "Endorse it.\nNote the money."),
        ("background", "background", "Co-produced with families."),
    ):
        done = analyst.post(url("pack_section", pack_id=pack.pk, section=section), {field: words})
        assert done.status_code == 302, section
    risks = analyst.post(
        url("pack_section", pack_id=pack.pk, section="risks"),
        {"risk_1": "Demand grows faster.", "mitigation_1": "Track the KPIs.", "rating_1": "High"},
    )
    assert risks.status_code == 302
    pack.refresh_from_db()
    text = decide.pack_text(pack)
    assert text.recommendations == ("Endorse it.", "Note the money.")
    assert text.risks[0].rating == "High"
    page = analyst.get(url("pack", pack_id=pack.pk)).content.decode()
    assert "Before the pack can be written" not in page


def test_a_section_left_empty_is_named(client_as, stockport, empty_store):
    pack = _pack(stockport)
    analyst = client_as(Role.ANALYST, stockport)
    page = analyst.post(url("pack_section", pack_id=pack.pk, section="purpose"), {"purpose": ""})
    assert page.status_code == 400
    assert "Enter the purpose of the report" in page.content.decode()
    risk = analyst.post(
        url("pack_section", pack_id=pack.pk, section="risks"),
        {"risk_1": "Late places.", "rating_1": "Low"},
    )
    assert risk.status_code == 400
    assert "Enter how risk 1 is managed" in risk.content.decode()
    assert analyst.get(url("pack_section", pack_id=pack.pk, section="nonsense")).status_code == 404


def test_viewers_cannot_write_packs_or_record_decisions(client_as, stockport, empty_store):
    pack = _pack(stockport)
    viewer = client_as(Role.VIEWER, stockport)
    assert viewer.get(url("pack", pack_id=pack.pk)).status_code == 200
    assert viewer.get(url("pack_section", pack_id=pack.pk, section="purpose")).status_code == 403
    assert viewer.post(url("pack_write", pack_id=pack.pk), {"format": "pdf"}).status_code == 403
    decision = {"date": "18/9/2024", "decision": "Approved."}
    assert viewer.post(url("pack_decision", pack_id=pack.pk), decision).status_code == 403
    pack.refresh_from_db()
    assert not pack.has_decision


def test_another_workspaces_pack_is_not_found(client_as, stockport, other_workspace, empty_store):
    pack = _pack(stockport)
    stranger = client_as(Role.ADMIN, other_workspace)
    assert stranger.get(url("pack", la=other_workspace.la_code, pack_id=pack.pk)).status_code == 404


def _consultation(workspace) -> Consultation:
    """A published consultation that has closed (the journey's own factory)."""
    from consultations.factories import ConsultationFactory

    opened = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    return ConsultationFactory(
        workspace=workspace,
        slug="high-needs-review",
        title="High needs review",
        opens_at=opened,
        closes_at=opened + dt.timedelta(days=60),
    )


def test_the_recorded_decision_is_what_we_did_on_the_consultation_and_strategy_pages(
    client_as, client, stockport, empty_store
):
    consultation = _consultation(stockport)
    pack = _pack(stockport, consultation=consultation)
    public = client.get(reverse("consultations:start", kwargs={"slug": consultation.slug}))
    assert "What we did" not in public.content.decode()

    analyst = client_as(Role.ANALYST, stockport)
    bad = analyst.post(url("pack_decision", pack_id=pack.pk), {"date": "31/2/2024"})
    assert bad.status_code == 400
    assert "must be a real date" in bad.content.decode()
    done = analyst.post(
        url("pack_decision", pack_id=pack.pk),
        {
            "date": "18/9/2024",
            "decision": "The SEND Strategy was approved and endorsed.",
            "scrutiny_comments": "Noted and endorsed for Cabinet.",
        },
    )
    assert done.status_code == 302
    public = client.get(reverse("consultations:start", kwargs={"slug": consultation.slug}))
    html = public.content.decode()
    assert "What we did" in html
    assert "Cabinet, 18 September 2024" in html
    assert "The SEND Strategy was approved and endorsed." in html
    assert "Noted and endorsed for Cabinet." in html
    strategy = analyst.get(url("strategy")).content.decode()
    assert "The SEND Strategy was approved and endorsed." in strategy
    assert AuditEvent.objects.filter(target=f"decision pack {pack.pk}").exists()


def test_a_draft_consultation_shows_no_decision_to_the_public(client, stockport, empty_store):
    consultation = _consultation(stockport)
    consultation.status = Consultation.Status.DRAFT
    consultation.save()
    _pack(stockport, consultation=consultation, decision_date=dt.date(2024, 9, 18), decision="Ok")
    page = client.get(reverse("consultations:start", kwargs={"slug": consultation.slug}))
    assert page.status_code == 404


def _respond(consultation, number, **equality):
    response = Response.objects.create(
        consultation=consultation, reference=f"R{number:06d}", respondent_type="parent_carer"
    )
    if equality:
        EqualityMonitoring.objects.create(response=response, **equality)


def test_respondent_profile_is_suppressed_by_the_projects_rules(stockport, empty_store):
    consultation = _consultation(stockport)
    for number in range(12):
        _respond(consultation, number, age_band="25_44", disabled="no", ethnic_group="white")
    for number in range(12, 14):  # two: a small number
        _respond(consultation, number, age_band="65_plus", disabled="yes", ethnic_group="asian")
    for number in range(14, 20):
        _respond(consultation, number)  # no equality answers
    profile = decide.respondent_profile(consultation)
    assert set(profile) == {"age", "disability", "ethnic group"}
    age = profile["age"]["Respondents"]
    assert age["25 to 44"] == "12"
    assert age["65 or over"] == "c"  # 2 < 5
    # the next smallest cell (6 not answered) is hidden too, so the total does not give the 2
    assert age["Not answered"] == "c"
    assert age["All respondents"] == "20"
    assert profile["ethnic group"]["Respondents"]["White"] == "12"
    assert decide.respondent_profile(None) == {}


def test_the_pack_equality_section_has_the_respondent_profile_beside_the_caseload():
    from highneeds.strategy.pack import PackEvidence, _equality_block, pack_text_from_dict

    text = pack_text_from_dict(
        {
            "title": "T",
            "meeting": "Cabinet",
            "report_of": "R",
            "purpose": "P",
            "recommendations": ["Do it."],
            "background": "B",
        }
    )

    class Inputs:
        la_name = "Stockport"

    profile = {"age": pd.DataFrame({"Respondents": ["12", "c"]}, index=["25 to 44", "65 or over"])}
    caseload = {"age": pd.DataFrame({"Age band": ["Under 5"], "EHC plans, January 2022": ["118"]})}
    evidence = PackEvidence(
        inputs=Inputs(),
        need=pd.DataFrame(),
        need_year="January 2022",
        options=pd.DataFrame(),
        option_costs=pd.DataFrame(),
        dsg=pd.DataFrame(),
        position=None,
        tracking=None,
        caseload=caseload,
        respondent_profile=profile,
    )
    block = _equality_block(text, evidence)
    captions = [t.caption for t in block.tables]
    assert captions == ["EHC plans in Stockport by age", "Consultation respondents: age"]
    assert any("sex or need" in p for p in block.paragraphs)  # not published: said so
    assert any("shown as c" in p for p in block.paragraphs)


def test_the_progress_report_is_prepared_as_a_render_job_in_each_format(
    client_as, stockport, national
):
    analyst = client_as(Role.ANALYST, stockport)
    analyst.post(url("strategy_from_template"))
    html = analyst.get(url("strategy")).content.decode()
    assert "Prepare the PDF" in html and "Pdf: not prepared yet" not in html
    files = {}
    for fmt, starts in (("pdf", b"%PDF"), ("docx", b"PK"), ("html", b"<!DOCTYPE html>")):
        done = analyst.post(url("strategy_progress_report"), {"format": fmt})
        job = Job.objects.filter(kind=Job.Kind.RENDER).order_by("-pk").first()
        assert done.status_code == 302 and done["Location"] == url("job", number=job.number)
        assert job.status == Job.Status.SUCCEEDED, job.result
        body = analyst.get(url("job_file", number=job.number)).content
        assert body.startswith(starts), fmt
        files[fmt] = body
    assert b"progress report" in files["html"]
    html = analyst.get(url("strategy")).content.decode()
    for fmt in ("PDF", "Word document", "web page"):
        assert f"Download the {fmt}" in html
    # a viewer may download what analysts prepared
    viewer = client_as(Role.VIEWER, stockport)
    job = Job.objects.filter(kind=Job.Kind.RENDER).order_by("pk").first()
    assert viewer.get(url("job_file", number=job.number)).content.startswith(b"%PDF")
    assert analyst.post(url("strategy_progress_report"), {"format": "exe"}).status_code == 302
    assert Job.objects.filter(kind=Job.Kind.RENDER).count() == 3


def test_a_pack_whose_option_was_deleted_says_so(client_as, stockport, empty_store):
    pack = _pack(stockport, scenarios=["New special school"])
    analyst = client_as(Role.ANALYST, stockport)
    done = analyst.post(url("pack_write", pack_id=pack.pk), {"format": "pdf"})
    job = Job.objects.get(kind=Job.Kind.RENDER)
    assert done["Location"] == url("job", number=job.number)
    assert job.status == Job.Status.FAILED
    page = analyst.get(url("job", number=job.number)).content.decode()
    assert "no longer saved (New special school)" in page
