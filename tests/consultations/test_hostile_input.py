"""Hostile input: script in free text stays inert everywhere; tampering and oversize refused."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from highneeds.web.consultations import services
from highneeds.web.consultations.models import WHY_MAX_CHARS, Answer, Response

from .conftest import make_consultation
from .helpers import base, complete_journey

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example","click")'


def _submit_hostile(consultation):
    client = Client()
    complete_journey(client, consultation, why=SCRIPT, about={"organisation_name": FORMULA})
    return client


def test_script_in_free_text_is_inert_on_check_page(client, consultation):
    root = base(consultation)
    client.post(f"{root}/about-you/", {"respondent_type": "parent_carer"})
    client.post(
        f"{root}/area/1/",
        {f"why_{p.pk}": SCRIPT for p in consultation.areas.get(position=1).proposals.all()},
    )
    html = client.get(f"{root}/check-your-answers/").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<img src=x" not in html


def test_script_in_free_text_is_inert_on_staff_pages(consultation, staff):
    _submit_hostile(consultation)
    analyst = staff("analyst")
    response = Response.objects.get()
    la, pk = consultation.workspace.la_code, consultation.pk
    pages = [
        f"/workspaces/{la}/consultations/{pk}/responses/{response.reference}/",
        f"/workspaces/{la}/consultations/{pk}/moderation/",
        f"/workspaces/{la}/consultations/{pk}/moderation/{Answer.objects.first().pk}/",
    ]
    for url in pages:
        html = analyst.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;" in html, url


def test_pages_send_a_content_security_policy_without_inline_script(client, consultation):
    page = client.get(f"/consult/{consultation.slug}/")
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert "unsafe-inline" not in page["Content-Security-Policy"]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_neutralise_formulas(consultation, staff, file_format):
    _submit_hostile(consultation)
    analyst = staff("analyst")
    url = (
        f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/"
        f"export/?format={file_format}"
    )
    body = analyst.get(url).content
    if file_format == "csv":
        text = body.decode("utf-8-sig")
        assert f"'{FORMULA}".replace('"', '""') in text
        assert f",{FORMULA}".replace('"', '""') not in text
    else:
        sheet = load_workbook(io.BytesIO(body)).active
        values = [c.value for row in sheet.iter_rows() for c in row]
        assert f"'{FORMULA}" in values
        assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
        assert SCRIPT in values  # kept as the person wrote it, as inert text


def test_oversize_answer_refused_with_a_message(client, consultation):
    root = base(consultation)
    client.post(f"{root}/about-you/", {"respondent_type": "parent_carer"})
    proposal = consultation.areas.get(position=1).proposals.first()
    page = client.post(f"{root}/area/1/", {f"why_{proposal.pk}": "x" * (WHY_MAX_CHARS + 1)})
    html = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in html
    assert "5,000 characters or fewer" in html
    assert f'href="#id_why_{proposal.pk}"' in html


def test_huge_post_body_refused(client, consultation):
    root = base(consultation)
    page = client.post(f"{root}/area/1/", {"why_1": "x" * (1024 * 1024 + 10)})
    assert page.status_code == 413
    assert "too long" in page.content.decode()


def test_tampered_question_id_refused(client, consultation, workspace):
    other = make_consultation(workspace, slug="other")
    foreign = other.areas.get(position=1).proposals.first()
    root = base(consultation)
    client.post(f"{root}/about-you/", {"respondent_type": "parent_carer"})
    page = client.post(f"{root}/area/1/", {f"agree_{foreign.pk}": "agree"})
    assert page.status_code == 400
    assert not Answer.objects.exists()


def test_tampered_answer_value_refused(client, consultation):
    root = base(consultation)
    proposal = consultation.areas.get(position=1).proposals.first()
    client.post(f"{root}/about-you/", {"respondent_type": "parent_carer"})
    page = client.post(f"{root}/area/1/", {f"agree_{proposal.pk}": "totally"})
    assert "Select a valid choice" in page.content.decode()


def test_service_refuses_answers_to_another_consultations_questions(consultation, workspace):
    other = make_consultation(workspace, slug="other2")
    foreign = other.areas.get(position=1).proposals.first()
    data = services.ResponseData(
        version="standard", respondent_type="parent_carer", answers={foreign.pk: ("agree", "")}
    )
    with pytest.raises(services.SubmissionRefused, match="not in this consultation"):
        services.submit_response(consultation, data)
    assert not Response.objects.exists()


def test_service_refuses_oversize_and_unknown_codes(consultation):
    proposal = consultation.areas.get(position=1).proposals.first()
    too_long = services.ResponseData(
        version="standard",
        respondent_type="parent_carer",
        answers={proposal.pk: ("", "x" * (WHY_MAX_CHARS + 1))},
    )
    with pytest.raises(services.SubmissionRefused, match="5,000"):
        services.submit_response(consultation, too_long)
    bad_type = services.ResponseData(version="standard", respondent_type="martian", answers={})
    with pytest.raises(services.SubmissionRefused):
        services.submit_response(consultation, bad_type)
    bad_version = services.ResponseData(version="klingon", respondent_type="other", answers={})
    with pytest.raises(services.SubmissionRefused):
        services.submit_response(consultation, bad_version)
    assert not Response.objects.exists()


def test_post_without_csrf_token_refused(consultation):
    client = Client(enforce_csrf_checks=True)
    page = client.post(f"{base(consultation)}/about-you/", {"respondent_type": "parent_carer"})
    assert page.status_code == 403
