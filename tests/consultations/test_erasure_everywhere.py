"""Erasure reaches every copy: theme review state, audit log, sessions, reports made afterwards.

The search reads every row of every table in the database (Django's and the core's ``hn_*``
tables alike), plus the decoded contents of every session, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from highneeds.consult.analysis.review import ThemeSet
from highneeds.web.accounts import ratelimit
from highneeds.web.accounts.models import RateLimitHit
from highneeds.web.consult_analysis import services as analysis
from highneeds.web.consult_analysis.models import ThemeReview
from highneeds.web.consultations import services
from highneeds.web.consultations.models import Answer, Response

from .helpers import base, complete_journey

pytestmark = pytest.mark.django_db

SECRET_WHY = "Zebedee waits at Quillfeather Lane for the bus every single morning."
ADDRESS = "12 Acacia Avenue, Stockbridge"
OTHERS = [
    "Waiting lists for assessments are far too long.",
    "Schools need more training for staff to help.",
    "Transport to the special school takes an hour.",
    "More local places would stop long journeys.",
]


def whole_store() -> str:
    """Every row of every table in the database, and every session decoded, as one text."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows += [repr(row) for row in cursor.fetchall()]
    rows += [repr(session.get_decoded()) for session in Session.objects.all()]
    return "\n".join(rows).lower()


def _respond(consultation, why, **about) -> Response:
    client = Client()
    complete_journey(client, consultation, why=why, about=about or None)
    return Response.objects.order_by("-pk").first(), client


def _reviewed_themes(consultation, references, staff_user=None):
    """A reviewed theme set for P1 holding the answers (quotes, decisions, log), as stored."""
    answers = Answer.objects.filter(proposal__code="P1", response__reference__in=references)
    theme_set = ThemeSet(question="P1")
    theme = theme_set.add_theme("Journeys and waiting")
    theme_set.themes[theme].quotes = [
        {"response_id": a.response.reference, "text": a.why} for a in answers
    ]
    theme_set.themes[theme].machine_members = list(references)
    review = analysis.review_for(consultation, "P1")
    review.state = theme_set.to_dict()
    review.save()
    for reference in references:
        analysis.apply(review, "assign", staff_user, response_id=reference, theme_id=theme)
    analysis.apply(review, "reviewed", staff_user, response_ids=list(references))
    return review


def test_erasure_on_request_leaves_no_trace_anywhere(consultation, staff):
    erased, erased_client = _respond(
        consultation, SECRET_WHY, contact_email="zebedee.parent@example.org"
    )
    others = [_respond(consultation, why)[0] for why in OTHERS]
    admin = staff("admin")
    references = [erased.reference, *[o.reference for o in others]]
    _reviewed_themes(consultation, references)
    # A moderator's work on the answer leaves audit rows naming the response.
    services.moderate_answer(erased.answers.first(), "Someone waits for the bus.", None)
    assert erased_client.get(f"{base(consultation)}/confirmation/").status_code == 200
    before = whole_store()
    for trace in ("quillfeather", erased.reference.lower(), "zebedee"):
        assert trace in before, trace  # the search can see each trace while it is there

    url = f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/erase/"
    assert admin.post(url, {"reference": erased.reference, "confirm": "on"}).status_code == 302

    after = whole_store()
    for trace in ("quillfeather", "zebedee", erased.reference.lower(), "someone waits"):
        assert trace not in after, trace
    state = ThemeSet.from_dict(ThemeReview.objects.get(question="P1").state)
    assert erased.reference not in state.reviewed
    assert {d.response_id for d in state.decisions.values()} == {o.reference for o in others}


def test_a_report_made_after_erasure_has_no_empty_quote(consultation, staff):
    erased, _ = _respond(consultation, SECRET_WHY)
    others = [_respond(consultation, f"{why} Say {n}.")[0] for n, why in enumerate(OTHERS * 2)]
    _reviewed_themes(consultation, [erased.reference, *[o.reference for o in others]])
    for answer in Answer.objects.exclude(why=""):
        services.moderate_answer(answer, answer.why, None)
    services.erase_response(consultation, erased.reference, None)
    body, _, _ = analysis.report_file(consultation, "html", None)
    html = body.decode()
    assert "<blockquote>“”</blockquote>" not in html
    assert "Quillfeather" not in html
    assert "Waiting lists for assessments" in html  # the others are still quoted


def test_retention_erases_unreviewed_free_text_and_typed_areas_everywhere(consultation):
    consultation.residence_areas = ""  # people type their area: it may be an address
    consultation.save()
    kept, _ = _respond(consultation, "Our son Zebedee needs a place nearer home.")
    erased, _ = _respond(consultation, SECRET_WHY, area_of_residence=ADDRESS)
    _reviewed_themes(consultation, [kept.reference, erased.reference])
    for answer in kept.answers.all():
        services.moderate_answer(answer, "Our son needs a place nearer home.", None)
    assert services.retention_preview(consultation) == {
        "kept_moderated": 3,
        "erased_unmoderated": 3,
        "erased_typed_areas": 2,  # "North" is typed text here too
    }
    preview = io.StringIO()
    call_command("erase_expired_consultation_data", "--preview", stdout=preview)
    assert "keeps the moderated wording of 3 answers; erases the text of 3 unmoderated" in (
        preview.getvalue()
    )
    assert "quillfeather" in whole_store()  # the preview changes nothing
    due = consultation.closes_at + timedelta(days=consultation.retention_days)
    with freeze_time(due):
        call_command("erase_expired_consultation_data", stdout=io.StringIO())
    after = whole_store()
    for trace in ("quillfeather", "zebedee", "acacia"):
        assert trace not in after, trace
    assert {a.why for a in kept.answers.all()} == {"Our son needs a place nearer home."}
    assert {a.why for a in erased.answers.all()} == {""}
    assert {a.agreement for a in erased.answers.all()} == {"agree"}  # kept, anonymously


def test_staff_see_what_retention_will_keep_and_erase(consultation, staff):
    _respond(consultation, SECRET_WHY)
    page = staff("analyst").get(
        f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/"
    )
    text = " ".join(page.content.decode().split())
    assert "Then kept: the moderated wording of 0 answers." in text
    assert "Erased: the free text of 3 answers nobody has moderated" in text


def test_retention_keeps_areas_from_the_consultations_list(consultation):
    response, _ = _respond(consultation, "Fine.")
    due = consultation.closes_at + timedelta(days=consultation.retention_days)
    with freeze_time(due):
        services.erase_expired_personal_data()
    response.refresh_from_db()
    assert response.area_of_residence == "North"


def test_looking_at_the_public_pages_creates_no_session(consultation):
    client = Client()
    root = base(consultation)
    for page in ("/", "/about-you/", "/area/1/", "/area/2/", "/check-your-answers/"):
        assert client.get(f"{root}{page}").status_code in (200, 302), page
    assert Session.objects.count() == 0
    complete_journey(client, consultation)
    assert Session.objects.count() == 1  # answering does keep the journey


def test_prune_deletes_expired_sessions_and_old_limit_counts(consultation):
    complete_journey(Client(), consultation)
    ratelimit.hit("consult-submit:old")
    RateLimitHit.objects.update(at=timezone.now() - timedelta(days=2))
    ratelimit.hit("consult-submit:new")
    with freeze_time(timezone.now() + timedelta(days=2)):
        out = io.StringIO()
        call_command("prune_sessions_and_limits", stdout=out)
    assert "Deleted 1 expired sessions" in out.getvalue()
    assert Session.objects.count() == 0
    assert RateLimitHit.objects.count() == 0  # both are two days old by then
    ratelimit.hit("consult-submit:fresh")
    call_command("prune_sessions_and_limits", stdout=out)
    assert RateLimitHit.objects.count() == 1
