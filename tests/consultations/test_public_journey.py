"""The public journey: pages, errors, check your answers, confirmation, opening and closing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from freezegun import freeze_time

from highneeds.consult.reference import normalise_reference
from highneeds.web.consultations import services
from highneeds.web.consultations.models import (
    Answer,
    DuplicateFlag,
    EqualityMonitoring,
    Response,
)

from .conftest import make_consultation
from .helpers import base, complete_journey

pytestmark = pytest.mark.django_db


def test_start_page_lists_areas_and_versions(client, consultation):
    page = client.get(f"/consult/{consultation.slug}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Start now" in html
    assert "Early help" in html and "Specialist places" in html
    assert "Easy read version" in html and "Young person version" in html
    assert "/privacy/" in html


def test_full_journey_saves_one_response_with_a_valid_reference(client, consultation):
    final = complete_journey(client, consultation)
    assert final.status_code == 200
    html = final.content.decode()
    assert "Response sent" in html
    response = Response.objects.get()
    assert normalise_reference(response.reference) == response.reference
    assert response.reference in html
    assert response.source == "online" and response.version == "standard"
    assert response.contact_email == "parent@example.org"
    assert sorted(a.proposal.code for a in response.answers.all()) == ["P1", "P2", "P3"]
    assert set(Answer.objects.values_list("agreement", flat=True)) == {"agree"}
    assert EqualityMonitoring.objects.get(response=response).age_band == "25_44"
    assert response.client_fingerprint  # hashed, never the address itself
    assert "127.0.0.1" not in response.client_fingerprint


def test_session_holds_no_answers_after_submitting(client, consultation):
    complete_journey(client, consultation, why="My private reason")
    assert "My private reason" not in str(dict(client.session))


def test_easy_read_version_shows_its_own_wording_and_is_recorded(client, consultation):
    root = base(consultation, "easy-read")
    client.post(f"{root}/about-you/", {"respondent_type": "young_person"})
    page = client.get(f"{root}/area/1/")
    assert "Help children sooner" in page.content.decode()
    assert "Train school staff" in page.content.decode()  # falls back to standard wording
    complete_journey(client, consultation, version_slug="easy-read")
    assert Response.objects.get().version == "easy_read"


def test_missing_respondent_type_is_summarised_and_linked(client, consultation):
    page = client.post(f"{base(consultation)}/about-you/", {"respondent_type": ""})
    html = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in html
    assert 'href="#id_respondent_type_0"' in html
    assert 'id="id_respondent_type_0"' in html
    assert "Select who you are responding as" in html
    assert "<title>Error:" in html


def test_each_page_has_a_back_link_to_the_one_before(client, consultation):
    root = base(consultation)
    assert (
        f'href="/consult/{consultation.slug}/standard/"'
        in client.get(f"{root}/about-you/").content.decode()
    )
    assert f'href="{root}/about-you/"' in client.get(f"{root}/area/1/").content.decode()
    assert f'href="{root}/area/1/"' in client.get(f"{root}/area/2/").content.decode()


def test_check_answers_has_change_links_that_return_to_check(client, consultation):
    root = base(consultation)
    client.post(f"{root}/about-you/", {"respondent_type": "parent_carer"})
    check = client.get(f"{root}/check-your-answers/").content.decode()
    assert f'href="{root}/area/1/?change=1"' in check
    assert f'href="{root}/about-you/?change=1"' in check
    changed = client.post(f"{root}/about-you/?change=1", {"respondent_type": "school_staff"})
    assert changed["Location"] == f"{root}/check-your-answers/"
    assert "School or college staff" in client.get(f"{root}/check-your-answers/").content.decode()


def test_check_without_about_you_sends_back_to_start_of_questions(client, consultation):
    page = client.get(f"{base(consultation)}/check-your-answers/")
    assert page["Location"].endswith("/about-you/")


def test_double_submit_stores_one_response_and_shows_same_reference(client, consultation):
    first = complete_journey(client, consultation)
    again = client.post(f"{base(consultation)}/check-your-answers/", follow=True)
    assert Response.objects.count() == 1
    reference = Response.objects.get().reference
    assert reference in first.content.decode() and reference in again.content.decode()


def test_same_device_repeat_is_flagged_not_dropped(client, consultation):
    complete_journey(client, consultation, why="Too far to travel")
    complete_journey(Client(), consultation, why="Too far to travel")  # new session, same device
    assert Response.objects.count() == 2
    later = Response.objects.order_by("received_at", "id").last()
    # The send leaves the comparison to staff pages: nobody waits for it.
    assert later.duplicates_checked_at is None and not DuplicateFlag.objects.exists()
    assert services.flag_pending_duplicates(consultation) == 2
    assert later.duplicate_flags.count() == 1
    assert not Response.objects.filter(duplicates_checked_at__isnull=True).exists()


def test_different_answers_from_same_device_not_flagged(client, consultation):
    complete_journey(client, consultation, why="Too far", agreement="agree")
    complete_journey(
        Client(),
        consultation,
        why="My child has waited two years for an assessment and nobody called back",
        agreement="strongly_disagree",
    )
    assert Response.objects.count() == 2
    assert services.flag_pending_duplicates(consultation) == 2
    assert not Response.objects.filter(duplicate_flags__isnull=False).exists()


def test_honeypot_filled_is_refused_with_a_message(client, consultation):
    page = client.post(
        f"{base(consultation)}/about-you/",
        {"respondent_type": "parent_carer", "website": "http://spam.example"},
    )
    assert page.status_code == 200
    assert "There is a problem" in page.content.decode()
    assert client.session.get(f"consult:{consultation.pk}:standard", {}).get("about") is None


def test_honeypot_is_hidden_from_people(client, consultation):
    html = client.get(f"{base(consultation)}/about-you/").content.decode()
    assert 'class="hn-honeypot" aria-hidden="true"' in html
    assert 'tabindex="-1"' in html


def test_rate_limit_per_client_gives_a_clear_retry_message(client, consultation, settings):
    settings.CONSULT_SUBMISSIONS_PER_CLIENT = 2
    for _ in range(2):
        assert complete_journey(Client(), consultation, why=str(_)).status_code == 200
    limited = complete_journey(client, consultation, why="third")
    assert limited.status_code == 429
    assert "Wait an hour" in limited.content.decode()
    assert Response.objects.count() == 2


def test_draft_is_invisible_to_the_public(client, workspace):
    draft = make_consultation(workspace, slug="draft-one", status="draft")
    assert client.get(f"/consult/{draft.slug}/").status_code == 404
    assert client.get(f"{base(draft)}/about-you/").status_code == 404


def test_staff_preview_of_draft_saves_nothing(staff, workspace):
    draft = make_consultation(workspace, slug="draft-two", status="draft")
    analyst = staff("analyst")
    page = analyst.get(f"/consult/{draft.slug}/")
    assert page.status_code == 200 and "Preview" in page.content.decode()
    final = complete_journey(analyst, draft)
    assert Response.objects.count() == 0
    assert "answers are not saved" in final.content.decode()


def test_viewer_cannot_preview_a_draft(staff, workspace):
    draft = make_consultation(workspace, slug="draft-three", status="draft")
    assert staff("viewer").get(f"/consult/{draft.slug}/").status_code == 404


def test_before_opening_pages_say_so_and_refuse_posts(client, workspace):
    early = make_consultation(workspace, slug="later", opens=2, closes=30)
    start = client.get(f"/consult/{early.slug}/").content.decode()
    assert "not open yet" in start.lower() or "opens on" in start
    assert "Start now" not in start
    refused = client.post(f"{base(early)}/about-you/", {"respondent_type": "parent_carer"})
    assert refused.status_code == 403
    assert "opens on" in refused.content.decode()


def test_close_is_enforced_to_the_second(client, consultation):
    root = base(consultation)
    closes = consultation.closes_at
    with freeze_time(closes - timedelta(seconds=5)):
        client.post(f"{root}/about-you/", {"respondent_type": "parent_carer"})
    with freeze_time(closes - timedelta(seconds=1)):
        ok = client.post(f"{root}/check-your-answers/")
    assert ok.status_code == 302 and Response.objects.count() == 1
    late = Client()
    with freeze_time(closes - timedelta(seconds=5)):
        late.post(f"{root}/about-you/", {"respondent_type": "parent_carer"})
    with freeze_time(closes):
        refused = late.post(f"{root}/check-your-answers/")
    assert refused.status_code == 403
    assert "closed" in refused.content.decode()
    assert Response.objects.count() == 1


def test_closed_start_page_says_closed(client, workspace):
    closed = make_consultation(workspace, slug="old", opens=-30, closes=-1)
    html = client.get(f"/consult/{closed.slug}/").content.decode()
    assert "closed" in html and "Start now" not in html
    assert client.post(f"{base(closed)}/area/1/", {}).status_code == 403


def test_unknown_version_is_not_found(client, consultation):
    assert client.get(f"/consult/{consultation.slug}/klingon/").status_code == 404


def test_privacy_page_states_retention(client, consultation):
    html = client.get(f"/consult/{consultation.slug}/privacy/").content.decode()
    assert "We use your answers to decide." in html
    assert f"{consultation.retention_days} days after the consultation closes" in html


def test_unfinished_journey_expires_after_a_day(client, consultation):
    client.post(f"{base(consultation)}/about-you/", {"respondent_type": "parent_carer"})
    assert client.session.get_expiry_age() == 24 * 60 * 60


def test_confirmation_without_a_submission_goes_to_start(client, consultation):
    page = client.get(f"{base(consultation)}/confirmation/")
    assert page.status_code == 302 and page["Location"] == f"/consult/{consultation.slug}/standard/"


def test_each_question_page_says_which_part_of_how_many_it_is(client, consultation):
    root = base(consultation)
    assert "Part 1 of 4: about you" in client.get(f"{root}/about-you/").content.decode()
    client.post(f"{root}/about-you/", {"respondent_type": "parent_carer"})
    assert "Part 2 of 4" in client.get(f"{root}/area/1/").content.decode()
    assert "Part 3 of 4" in client.get(f"{root}/area/2/").content.decode()
    assert "Part 4 of 4" in client.get(f"{root}/equality/").content.decode()
