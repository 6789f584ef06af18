"""Limits that hold: per address as well as per device, counted atomically; bounded numbers;
control characters that can no longer break an export or a store."""

from __future__ import annotations

import io
import threading

import pytest
from django.db import connection
from django.test import Client
from openpyxl import load_workbook

from highneeds.limits import OutOfRangeError
from highneeds.web.consultations import services
from highneeds.web.consultations.models import Answer, DuplicateFlag, Response

from .conftest import make_consultation
from .helpers import complete_journey


def _browser(user_agent: str) -> Client:
    return Client(HTTP_USER_AGENT=user_agent)


@pytest.mark.django_db
def test_changing_the_browser_does_not_get_round_the_address_limit(consultation, settings):
    settings.CONSULT_SUBMISSIONS_PER_CLIENT = 3
    settings.CONSULT_SUBMISSIONS_PER_ADDRESS = 3
    for number in range(3):
        assert (
            complete_journey(_browser("Browser A"), consultation, why=f"a {number}").status_code
            == 200
        )
    for user_agent in ("Browser B", "Browser C"):
        refused = complete_journey(_browser(user_agent), consultation, why="same words")
        assert refused.status_code == 429
        assert "device or network" in refused.content.decode()
    assert Response.objects.count() == 3


@pytest.mark.django_db
def test_alike_answers_from_one_address_are_flagged_whatever_the_browser(consultation):
    complete_journey(_browser("Browser A"), consultation, why="Exactly the same answer")
    complete_journey(_browser("Browser B"), consultation, why="Exactly the same answer")
    services.flag_pending_duplicates(consultation)
    assert DuplicateFlag.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_never_exceed_the_limit(workspace, settings):
    settings.CONSULT_SUBMISSIONS_PER_CLIENT = 10
    settings.CONSULT_SUBMISSIONS_PER_ADDRESS = 10
    consultation = make_consultation(workspace)
    proposals = services.proposals_of(consultation)
    outcomes: list[str] = []
    errors: list[Exception] = []
    start = threading.Barrier(16)

    def submit(number: int) -> None:
        data = services.ResponseData(
            version="standard",
            respondent_type="parent_carer",
            answers={p.pk: ("agree", f"answer {number}") for p in proposals},
        )
        try:
            start.wait()
            services.submit_response(
                consultation,
                data,
                token=f"journey-{number}",
                fingerprint="one-device",
                address="one-address",
            )
            outcomes.append("saved")
        except services.RateLimited:
            outcomes.append("limited")
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert outcomes.count("saved") == 10 and outcomes.count("limited") == 6
    assert Response.objects.count() == 10


@pytest.mark.django_db
def test_control_characters_are_removed_from_answers(consultation):
    complete_journey(Client(), consultation, why="Bell\x07 and\x0b tab\tkept\r\nline")
    assert set(Answer.objects.values_list("why", flat=True)) == {"Bell and tab\tkept\r\nline"}


@pytest.mark.django_db
def test_a_control_character_stored_earlier_leaves_the_xlsx_export_working(consultation, staff):
    complete_journey(Client(), consultation)
    submitted = Response.objects.get()
    # A row written before input was cleaned (or by another route) must not break the export.
    nul = "" if connection.vendor == "postgresql" else "\x00"  # PostgreSQL refuses a NUL
    Answer.objects.filter(response=submitted).update(why=f"Before\x01after{nul}")
    root = f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}"
    download = staff("analyst").get(f"{root}/export/?format=xlsx")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.content)).active
    values = {cell.value for row in sheet.iter_rows() for cell in row}
    assert "Beforeafter" in values


@pytest.mark.django_db
def test_a_codebook_with_a_nul_is_stored_without_it(consultation):
    from highneeds.consult.analysis.synthetic import codebook_frame
    from highneeds.web.consult_analysis import services as analysis

    text = codebook_frame().to_csv(index=False).replace("Identifying", "Identi\x00fying", 1)
    assert "\x00" in text
    analysis.save_codebook(consultation, "codebook.csv", text.encode())
    assert "\x00" not in analysis.setup_for(consultation).codebook_text


@pytest.mark.django_db
def test_an_enormous_retention_period_is_refused_with_its_range(consultation, staff):
    root = f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}"
    admin = staff("admin")
    form = admin.get(f"{root}/edit/")
    assert "from 0 to 3,650 days" in form.content.decode()
    consultation.refresh_from_db()
    fields = {
        "slug": consultation.slug,
        "title": consultation.title,
        "summary": consultation.summary,
        "privacy_notice": consultation.privacy_notice,
        "contact": consultation.contact,
        "opens_at": consultation.opens_at.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": consultation.closes_at.strftime("%Y-%m-%dT%H:%M"),
        "retention_days": "999999999999999",
    }
    page = admin.post(f"{root}/edit/", fields)
    assert page.status_code == 400
    assert "Enter from 0 to 3,650 days" in page.content.decode()
    consultation.refresh_from_db()
    assert consultation.retention_days == 365
    assert admin.get(f"{root}/").status_code == 200
    consultation.retention_days = 999999999999999  # any other way in meets the core's check
    with pytest.raises(OutOfRangeError, match="from 0 to 3,650 days"):
        consultation.save()
