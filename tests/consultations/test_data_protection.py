"""Retention erasure and erasure by reference leave no personal field behind."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from freezegun import freeze_time

from highneeds.web.accounts.models import AuditEvent
from highneeds.web.consultations import services
from highneeds.web.consultations.models import Answer, EqualityMonitoring, Response

from .helpers import complete_journey

pytestmark = pytest.mark.django_db

EMAIL = "parent.unique@example.org"
ORG = "Unique Parents Group"
WHY = "My son is called Zebedee and we live at SK4 1AA, call 07700 900456."


def everything_stored() -> str:
    """Every row of every table (Django's dumpdata), sessions and audit log included."""
    from django.contrib.sessions.models import Session

    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    # Session data is stored encoded: decode it so a leak there would be seen too.
    decoded = [str(session.get_decoded()) for session in Session.objects.all()]
    return out.getvalue() + "\n".join(decoded)


def _respond(consultation):
    complete_journey(
        Client(), consultation, why=WHY, about={"contact_email": EMAIL, "organisation_name": ORG}
    )
    return Response.objects.get(contact_email=EMAIL)


def test_erase_by_reference_leaves_nothing(consultation, staff):
    response = _respond(consultation)
    fingerprint = response.client_fingerprint
    before = everything_stored()
    assert EMAIL in before and "Zebedee" in before and fingerprint in before
    admin = staff("admin")
    url = f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/erase/"
    page = admin.post(
        url, {"reference": response.reference.lower().replace("-", " "), "confirm": "on"}
    )
    assert page.status_code == 302
    after = everything_stored()
    for personal in (EMAIL, ORG, "Zebedee", "SK4 1AA", "07700 900456", fingerprint):
        assert personal not in after, personal
    assert not Response.objects.exists()
    assert not Answer.objects.exists() and not EqualityMonitoring.objects.exists()
    event = AuditEvent.objects.get(action="delete")
    # The erasure is recorded (who, when) but not the reference, which would point at it.
    assert event.actor == admin.user and event.target.endswith("(an erased response)")
    assert response.reference not in after


def test_erase_with_wrong_or_mistyped_reference_changes_nothing(consultation, staff):
    response = _respond(consultation)
    url = f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/erase/"
    admin = staff("admin")
    wrong_check = response.reference[:-1] + ("A" if response.reference[-1] != "A" else "C")
    page = admin.post(url, {"reference": wrong_check, "confirm": "on"})
    assert page.status_code == 400
    assert "check for typos" in page.content.decode()
    assert Response.objects.count() == 1


def test_erase_refused_for_analyst(consultation, staff):
    response = _respond(consultation)
    url = f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/erase/"
    assert (
        staff("analyst").post(url, {"reference": response.reference, "confirm": "on"}).status_code
        == 403
    )
    assert Response.objects.count() == 1


def test_retention_erases_personal_fields_and_keeps_answers(consultation):
    response = _respond(consultation)
    fingerprint = response.client_fingerprint
    reference = response.reference
    due = consultation.closes_at + timedelta(days=consultation.retention_days)
    with freeze_time(due - timedelta(seconds=1)):
        assert services.erase_expired_personal_data() == {"consultations": 0, "responses": 0}
    assert Response.objects.get().contact_email == EMAIL
    with freeze_time(due):
        out = io.StringIO()
        call_command("erase_expired_consultation_data", stdout=out)
    assert "1 responses in 1 consultations" in out.getvalue()
    after = everything_stored()
    for personal in (EMAIL, ORG, "Zebedee", "SK4 1AA", "07700 900456", fingerprint):
        assert personal not in after, personal
    kept = Response.objects.get()
    assert kept.reference == reference and kept.personal_data_erased_at is not None
    for name in Response.PERSONAL_FIELDS:
        assert getattr(kept, name) == "", name
    assert not EqualityMonitoring.objects.exists()
    answers = list(kept.answers.all())
    assert len(answers) == 3 and {a.agreement for a in answers} == {"agree"}
    assert {a.why for a in answers} == {""}  # nobody moderated it, so none of its text is kept
    with freeze_time(due + timedelta(days=1)):
        assert services.erase_expired_personal_data() == {"consultations": 0, "responses": 0}


def test_session_of_a_finished_journey_holds_no_personal_answers(consultation):
    client = Client()
    complete_journey(
        client, consultation, why=WHY, about={"contact_email": EMAIL, "organisation_name": ORG}
    )
    stored = everything_stored()
    assert "Zebedee" not in stored.replace(
        Answer.objects.first().why, ""
    )  # only in the answer rows themselves
    session_text = str(dict(client.session))
    assert EMAIL not in session_text and "Zebedee" not in session_text
