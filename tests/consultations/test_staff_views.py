"""Staff pages: who may open each one, building, locking, entry, moderation, exports, audit."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from highneeds.consult.analysis.schema import validate_responses
from highneeds.web.accounts.models import AuditEvent
from highneeds.web.consultations import services
from highneeds.web.consultations.models import (
    Answer,
    Area,
    Consultation,
    DuplicateFlag,
    Proposal,
    Redaction,
    Response,
)

from .helpers import complete_journey

pytestmark = pytest.mark.django_db


def urls(consultation, reference="AAA-AAA-AAA", answer_pk=1):
    la, pk = consultation.workspace.la_code, consultation.pk
    area = consultation.areas.get(position=1)
    proposal = area.proposals.first()
    root = f"/workspaces/{la}/consultations"
    return {
        # url: minimum role for GET
        f"{root}/": "viewer",
        f"{root}/{pk}/": "viewer",
        f"{root}/new/": "analyst",
        f"{root}/{pk}/edit/": "analyst",
        f"{root}/{pk}/links/new/": "analyst",
        f"{root}/{pk}/areas/new/": "analyst",
        f"{root}/{pk}/areas/{area.pk}/": "analyst",
        f"{root}/{pk}/areas/{area.pk}/proposals/new/": "analyst",
        f"{root}/{pk}/areas/{area.pk}/proposals/{proposal.pk}/": "analyst",
        f"{root}/{pk}/responses/": "analyst",
        f"{root}/{pk}/responses/new/": "analyst",
        f"{root}/{pk}/responses/{reference}/": "analyst",
        f"{root}/{pk}/moderation/": "analyst",
        f"{root}/{pk}/moderation/{answer_pk}/": "analyst",
        f"{root}/{pk}/export/?format=csv": "analyst",
        f"{root}/{pk}/erase/": "admin",
    }


POST_ONLY = ["publish/", "areas/{area}/delete/", "areas/{area}/proposals/{proposal}/delete/"]
RANK = {"viewer": 1, "analyst": 2, "admin": 3}


@pytest.fixture
def submitted(consultation):
    complete_journey(Client(), consultation, why="Email me at jo@example.org")
    return Response.objects.get()


def test_every_staff_page_by_role(
    consultation, submitted, staff, client, outsider_client, other_workspace
):
    answer = Answer.objects.first()
    clients = {role: staff(role) for role in RANK}
    foreign_admin = staff("admin", other_workspace)
    for url, needed in urls(consultation, submitted.reference, answer.pk).items():
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/accounts/" in anonymous["Location"], url
        assert outsider_client.get(url).status_code == 404, url
        assert foreign_admin.get(url).status_code == 404, url
        for role, role_client in clients.items():
            got = role_client.get(url).status_code
            if RANK[role] < RANK[needed]:
                assert got == 403, (url, role)
            elif url.endswith("/new/") and "/areas/" in url:
                assert got == 302, (url, role)  # open consultation: adding is refused politely
            else:
                assert got == 200, (url, role)


def test_post_only_actions_refuse_viewers_and_get(consultation, staff):
    area = consultation.areas.get(position=1)
    proposal = area.proposals.first()
    root = f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/"
    viewer, analyst = staff("viewer"), staff("analyst")
    for tail in POST_ONLY:
        url = root + tail.format(area=area.pk, proposal=proposal.pk)
        assert viewer.post(url).status_code == 403, url
        assert analyst.get(url).status_code == 405, url


def test_analyst_builds_a_consultation_and_publishes_it(staff, workspace, client):
    analyst = staff("analyst")
    root = f"/workspaces/{workspace.la_code}/consultations"
    created = analyst.post(
        f"{root}/new/",
        {
            "title": "Short breaks review",
            "slug": "short-breaks",
            "summary": "Tell us",
            "privacy_notice": "Notice",
            "contact": "sb@example.org",
            "retention_days": 180,
            "opens_at": "2020-01-01T09:00",
            "closes_at": "2099-01-01T17:00",
            "offers_easy_read": "on",
            "asks_equality": "on",
        },
    )
    assert created.status_code == 302, created.content.decode()[:3000]
    consultation = Consultation.objects.get(slug="short-breaks")
    assert consultation.status == "draft"
    assert client.get("/consult/short-breaks/").status_code == 404  # drafts are private
    analyst.post(f"{root}/{consultation.pk}/areas/new/", {"title": "Respite"})
    area = Area.objects.get(consultation=consultation)
    analyst.post(
        f"{root}/{consultation.pk}/areas/{area.pk}/proposals/new/",
        {
            "code": "SB1",
            "text": "More weekend clubs",
            "agreement_question": "Do you agree?",
            "why_question": "Why?",
        },
    )
    assert Proposal.objects.get(area=area).code == "SB1"
    analyst.post(f"{root}/{consultation.pk}/publish/", {"action": "publish"})
    consultation.refresh_from_db()
    assert consultation.status == "published"
    assert client.get("/consult/short-breaks/").status_code == 200
    assert AuditEvent.objects.filter(action="create", actor=analyst.user).exists()


def test_close_before_open_refused(staff, workspace):
    page = staff("analyst").post(
        f"/workspaces/{workspace.la_code}/consultations/new/",
        {
            "title": "x",
            "slug": "x",
            "summary": "x",
            "privacy_notice": "x",
            "contact": "x",
            "retention_days": 1,
            "opens_at": "2030-01-02T09:00",
            "closes_at": "2030-01-01T09:00",
        },
    )
    assert page.status_code == 400
    assert "closing time must be after the opening time" in page.content.decode()


def test_publishing_without_proposals_is_refused(staff, workspace):
    empty = Consultation.objects.create(
        workspace=workspace,
        slug="empty",
        title="t",
        summary="s",
        privacy_notice="p",
        contact="c",
        opens_at="2030-01-01T00:00Z",
        closes_at="2030-02-01T00:00Z",
    )
    staff("analyst").post(f"/workspaces/{workspace.la_code}/consultations/{empty.pk}/publish/")
    empty.refresh_from_db()
    assert empty.status == "draft"


def test_open_consultation_locks_structure_but_allows_rewording(consultation, staff):
    analyst = staff("analyst")
    root = f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}"
    area = consultation.areas.get(position=1)
    proposal = area.proposals.first()
    analyst.post(f"{root}/areas/new/", {"title": "Sneaky new area"})
    assert not Area.objects.filter(title="Sneaky new area").exists()
    analyst.post(f"{root}/areas/{area.pk}/proposals/new/", {"code": "P9", "text": "new"})
    assert not Proposal.objects.filter(code="P9").exists()
    analyst.post(f"{root}/areas/{area.pk}/delete/")
    analyst.post(f"{root}/areas/{area.pk}/proposals/{proposal.pk}/delete/")
    assert Proposal.objects.filter(pk=proposal.pk).exists()
    reworded = analyst.post(
        f"{root}/areas/{area.pk}/proposals/{proposal.pk}/",
        {
            "code": "CHANGED",
            "text": "Support schools sooner (corrected)",
            "agreement_question": "Do you agree?",
            "why_question": "Why?",
        },
    )
    assert reworded.status_code == 302
    proposal.refresh_from_db()
    assert proposal.code == "P1"  # the code field is disabled once locked
    assert proposal.text.endswith("(corrected)")
    with pytest.raises(services.StructureLocked):
        proposal.code = "P7"
        services.save_proposal(proposal, analyst.user)
    with pytest.raises(services.StructureLocked):
        services.unpublish(consultation, analyst.user)


def test_staff_enter_paper_response_with_source(consultation, staff):
    analyst = staff("analyst")
    root = f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}"
    p1 = Proposal.objects.get(code="P1")
    page = analyst.post(
        f"{root}/responses/new/",
        {
            "source": "paper",
            "source_note": "Letter of 3 March",
            "received_on": "2026-03-04",
            "version": "easy_read",
            "respondent_type": "parent_carer",
            f"agree_{p1.pk}": "disagree",
            f"why_{p1.pk}": "Not enough staff",
        },
    )
    assert page.status_code == 302, page.content.decode()[:3000]
    response = Response.objects.get()
    assert (response.source, response.source_note, response.version) == (
        "paper",
        "Letter of 3 March",
        "easy_read",
    )
    assert response.entered_by == analyst.user
    assert response.answers.get().why == "Not enough staff"


def test_staff_entry_errors_are_summarised(consultation, staff):
    root = f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}"
    page = staff("analyst").post(f"{root}/responses/new/", {"version": "standard"})
    html = page.content.decode()
    assert page.status_code == 400
    assert "Select how the response came in" in html and "Select who you are responding as" in html
    assert 'href="#id_source_0"' in html
    assert not Response.objects.exists()


def test_staff_may_enter_paper_response_after_close(workspace, staff):
    from .conftest import make_consultation

    closed = make_consultation(workspace, slug="closed", opens=-30, closes=-1)
    data = services.ResponseData(
        version="standard", respondent_type="other", answers={}, source="email"
    )
    response, created = services.submit_response(closed, data, entered_by=staff("analyst").user)
    assert created and response.source == "email"


def test_moderation_records_who_redacted_what(consultation, submitted, staff):
    analyst = staff("analyst")
    answer = Answer.objects.filter(response=submitted).first()
    url = (
        f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/"
        f"moderation/{answer.pk}/"
    )
    form = analyst.get(url).content.decode()
    assert "Email me at [email removed]" in form  # the automatic suggestion
    assert "email" in form
    assert list(services.publishable_quotes(consultation)) == []
    analyst.post(url, {"published_text": "Email me at [email removed]"})
    answer.refresh_from_db()
    assert answer.why_published == "Email me at [email removed]"
    redaction = Redaction.objects.get(answer=answer)
    assert redaction.moderator == analyst.user
    assert redaction.removed_kinds == ["email"]
    assert redaction.automatic_suggestion_used
    assert "jo@example.org" not in str(redaction.__dict__)
    assert [a.pk for a in services.publishable_quotes(consultation)] == [answer.pk]


def test_moderation_page_suggests_removals_and_flags_what_to_check(consultation, staff):
    complete_journey(
        Client(), consultation, why="Our child Amelia Khan at Elm Road Infants has autism."
    )
    base = f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/"
    analyst = staff("analyst")
    page = analyst.get(f"{base}moderation/{Answer.objects.first().pk}/").content.decode()
    assert "Our child [name removed] at [school removed] has [health detail removed]." in page
    assert "name, school name, health detail" in page
    complete_journey(Client(), consultation, why="We saw Isla at the centre last week.")
    flagged = Answer.objects.filter(why__contains="Isla").first()
    page = analyst.get(f"{base}moderation/{flagged.pk}/").content.decode()
    assert "Check these before saving" in page
    assert "“Isla”: may be a name or a place" in page


def test_duplicate_decision_recorded(consultation, staff):
    complete_journey(Client(), consultation, why="same")
    complete_journey(Client(), consultation, why="same")
    analyst = staff("analyst")
    root = f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/"
    assert not DuplicateFlag.objects.exists()  # the send leaves the comparison to staff pages
    listing = analyst.get(f"{root}responses/").content.decode()
    flag = DuplicateFlag.objects.get()  # opening the list compared the new responses
    assert "Likely duplicate" in listing
    url = (
        f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/"
        f"responses/{flag.response.reference}/"
    )
    assert "Likely duplicate of" in analyst.get(url).content.decode()
    analyst.post(url, {"flag": flag.pk, "decision": "not_duplicate"})
    flag.refresh_from_db()
    assert flag.decision == "not_duplicate" and flag.decided_by == analyst.user
    assert Response.objects.count() == 2


def test_viewing_responses_and_exporting_are_audited(consultation, submitted, staff):
    analyst = staff("analyst")
    root = f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}"
    analyst.get(f"{root}/responses/")
    analyst.get(f"{root}/responses/{submitted.reference}/")
    analyst.get(f"{root}/export/?format=xlsx")
    events = AuditEvent.objects.filter(actor=analyst.user)
    assert events.filter(action="view").count() == 2
    export = events.get(action="export")
    assert export.detail == {
        "format": "xlsx",
        "headers": "text",
        "rows": 1,
        "free_text": "as_written",
    }
    assert "jo@example.org" not in str(list(AuditEvent.objects.values()))


def test_export_columns_follow_question_order_and_are_stable(consultation, staff):
    complete_journey(Client(), consultation, version_slug="easy-read", agreement="disagree")
    complete_journey(Client(), consultation, version_slug="young-people", why="Different")
    analyst = staff("analyst")
    url = f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/export/"
    first = analyst.get(url + "?format=csv").content
    second = analyst.get(url + "?format=csv").content
    rows = list(csv.reader(io.StringIO(first.decode("utf-8-sig"))))
    header = rows[0]
    assert header[0] == "Reference"
    proposal_headers = [h for h in header if h.startswith("P")]
    assert [h.split(":")[0] for h in proposal_headers] == ["P1", "P1", "P2", "P2", "P3", "P3"]
    assert "P1: Support schools sooner — To what extent" in proposal_headers[0]
    assert len(rows) == 3 and all(len(r) == len(header) for r in rows)
    assert first.splitlines()[0] == second.splitlines()[0]
    versions = sorted(r[header.index("Version answered")] for r in rows[1:])
    assert versions == ["Easy read", "Young person"]


def test_code_export_satisfies_the_analysis_contract(consultation, staff):
    import pandas as pd

    complete_journey(Client(), consultation)
    complete_journey(Client(), consultation, version_slug="easy-read", agreement="dont_know")
    url = (
        f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/"
        "export/?format=csv&headers=codes"
    )
    frame = pd.read_csv(
        io.BytesIO(staff("analyst").get(url).content),
        encoding="utf-8-sig",
        dtype=str,
        keep_default_na=False,
    )
    schema = validate_responses(frame)
    assert schema.proposals == ("P1", "P2", "P3")
    assert set(frame["P1__agree"]) == {"agree", "dont_know"}
    assert set(frame["version"]) == {"standard", "easy_read"}


def test_bad_export_format_refused(consultation, staff):
    url = f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/export/"
    assert staff("analyst").get(url + "?format=pdf").status_code == 400


def test_background_link_added_and_shown_on_start_page(consultation, staff, client):
    root = f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}"
    added = staff("analyst").post(
        f"{root}/links/new/", {"title": "Review summary", "url": "www.example.org/summary.pdf"}
    )
    assert added.status_code == 302
    start = client.get(f"/consult/{consultation.slug}/").content.decode()
    assert 'href="https://www.example.org/summary.pdf"' in start and "Review summary" in start
    bad = staff("analyst").post(f"{root}/links/new/", {"title": "x", "url": "javascript:alert(1)"})
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
    assert consultation.links.count() == 1


def test_detail_counts_responses_once_whatever_their_flags(consultation, staff):
    for _ in range(3):
        complete_journey(Client(), consultation, why="same again")
    page = staff("viewer").get(
        f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/"
    )
    assert DuplicateFlag.objects.count() == 3  # 2nd flags 1st; 3rd flags 1st and 2nd
    html = page.content.decode()
    assert "3 (3 online); 2 flagged as likely duplicates" in html
    assert "same again" not in html  # viewers never see answers


def test_open_and_close_times_are_uk_local_times(staff, workspace):
    staff("analyst").post(
        f"/workspaces/{workspace.la_code}/consultations/new/",
        {
            "title": "Summer",
            "slug": "summer",
            "summary": "s",
            "privacy_notice": "p",
            "contact": "c",
            "retention_days": 30,
            "opens_at": "2026-07-01T09:00",
            "closes_at": "2026-12-01T17:00",
        },
    )
    summer = Consultation.objects.get(slug="summer")
    assert summer.opens_at.isoformat() == "2026-07-01T08:00:00+00:00"  # BST is UTC+1
    assert summer.closes_at.isoformat() == "2026-12-01T17:00:00+00:00"  # GMT is UTC


def test_moderated_export_holds_only_moderated_wording(consultation, submitted, staff):
    analyst = staff("analyst")
    answer = Answer.objects.filter(response=submitted, proposal__code="P1").get()
    services.moderate_answer(answer, "Email me at [email removed]", analyst.user)
    url = (
        f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/"
        "export/?format=csv&headers=codes&text=moderated"
    )
    body = analyst.get(url).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[0]["P1__why"] == "Email me at [email removed]"
    assert rows[0]["P2__why"] == ""  # not moderated yet: not offered for quoting
    assert "jo@example.org" not in body
    assert analyst.get(url.replace("moderated", "everything")).status_code == 400
