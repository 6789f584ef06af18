"""Save and come back later: by an emailed link or by a reference code and memorable word.

Secrets are random and stored only as hashes; each link or code works once; drafts expire
(28 days, or at closing) and go with erasure, retention and the pruning command; the come-back
pages are rate limited.
"""

from __future__ import annotations

import io
import os
import re
import stat
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from highneeds.consult.reference import new_reference
from highneeds.web.consultations import drafts, services
from highneeds.web.consultations.models import Response, SavedDraft

from .helpers import base, complete_journey
from .test_erasure_everywhere import whole_store

pytestmark = pytest.mark.django_db

SECRET_WHY = "Ottoline walks past Marrowgate Yard to the unit each morning."
WORD = "Lighthouse"


def _answer_first_area(client, consultation, *, save: bool = True):
    """About you and area 1 answered, then "Save and come back later" pressed."""
    root = base(consultation)
    client.post(f"{root}/about-you/", {"respondent_type": "parent_carer", "website": ""})
    proposal = consultation.areas.get(position=1).proposals.first()
    posted = {f"agree_{proposal.pk}": "disagree", f"why_{proposal.pk}": SECRET_WHY}
    if save:
        posted["action"] = "save"
    return client.post(f"{root}/area/1/", posted), proposal


def _save_with_code(client, consultation) -> str:
    reply, _ = _answer_first_area(client, consultation)
    assert reply.status_code == 302 and reply["Location"] == f"{base(consultation)}/save/"
    saved = client.post(f"{base(consultation)}/save/", {"how": "code", "word": WORD})
    assert saved.status_code == 302 and saved["Location"] == f"{base(consultation)}/saved/"
    page = client.get(saved["Location"]).content.decode()
    return re.search(r'id="reference">([A-Z0-9-]{11})<', page).group(1)


def _resume(client, consultation, reference, word=WORD):
    return client.post(
        f"/consult/{consultation.slug}/resume/", {"reference": reference, "word": word}
    )


def test_every_question_page_offers_save_and_come_back_later(client, consultation):
    root = base(consultation)
    assert "Save and come back later" in client.get(f"{root}/about-you/").content.decode()
    client.post(f"{root}/about-you/", {"respondent_type": "parent_carer"})
    for page in ("/area/1/", "/area/2/", "/equality/", "/check-your-answers/"):
        assert "Save and come back later" in client.get(f"{root}{page}").content.decode(), page
    start = client.get(f"/consult/{consultation.slug}/").content.decode()
    assert f'href="/consult/{consultation.slug}/resume/"' in start


def test_code_and_word_bring_the_answers_back_once(client, consultation):
    reference = _save_with_code(client, consultation)
    # The code is shown once; the answers left this browser's session.
    assert client.get(f"{base(consultation)}/saved/").status_code == 302
    assert SECRET_WHY not in str(dict(client.session))
    draft = SavedDraft.objects.get()
    assert reference not in draft.reference_hash and WORD.lower() not in draft.word_hash
    assert draft.link_hash is None
    assert abs(draft.expires_at - drafts.expiry(consultation, draft.created_at)) < timedelta(
        seconds=5
    )

    other_device = Client()
    wrong = _resume(other_device, consultation, reference, word="lighthous")
    assert wrong.status_code == 400 and "is not right" in wrong.content.decode()
    back = _resume(other_device, consultation, reference.lower().replace("-", " "), "LIGHTHOUSE")
    assert back.status_code == 302
    assert back["Location"] == f"{base(consultation)}/area/2/"  # the first page not answered
    area = other_device.get(f"{base(consultation)}/area/1/").content.decode()
    assert SECRET_WHY in area
    assert not SavedDraft.objects.exists()  # used once, gone
    assert _resume(Client(), consultation, reference).status_code == 400

    final = complete_journey(other_device, consultation, why="Second visit")
    assert final.status_code == 200 and Response.objects.count() == 1


def test_an_emailed_link_opens_the_answers_once_and_only_by_its_button(client, consultation):
    _answer_first_area(client, consultation)
    saved = client.post(
        f"{base(consultation)}/save/", {"how": "email", "email": "parent@example.org"}
    )
    assert saved.status_code == 302
    page = client.get(saved["Location"]).content.decode()
    assert "We have sent a link to <strong>parent@example.org</strong>" in page
    (message,) = mail.outbox
    assert message.to == ["parent@example.org"]
    link = re.search(r"http://testserver(/consult/\S+/resume/\S+/)", message.body).group(1)
    assert "works once" in message.body and "Your reference is" in message.body
    draft = SavedDraft.objects.get()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 40 and token not in draft.link_hash
    assert "parent@example.org" not in whole_store()  # the address is not kept

    other_device = Client()
    opened = other_device.get(link)  # a mail scanner opening the link uses nothing
    assert opened.status_code == 200 and "Continue your response" in opened.content.decode()
    assert SavedDraft.objects.exists()
    used = other_device.post(link)
    assert used.status_code == 302 and used["Location"] == f"{base(consultation)}/area/2/"
    assert SECRET_WHY in other_device.get(f"{base(consultation)}/area/1/").content.decode()
    again = Client().post(link)
    assert again.status_code == 404 and "This link does not work" in again.content.decode()


def test_save_page_errors_name_their_fields(client, consultation):
    _answer_first_area(client, consultation)
    page = client.post(f"{base(consultation)}/save/", {"how": "email", "email": ""})
    html = page.content.decode()
    assert "There is a problem" in html and 'href="#id_email"' in html
    assert "Enter your email address" in html
    page = client.post(f"{base(consultation)}/save/", {"how": "code", "word": "ab"})
    assert "Enter a memorable word of at least 4 characters" in page.content.decode()
    page = client.post(f"{base(consultation)}/save/", {})
    assert "Select how you want to come back to your answers" in page.content.decode()
    assert not SavedDraft.objects.exists()


def test_a_failed_email_keeps_the_answers_here_and_stores_nothing(
    client, consultation, monkeypatch
):
    _answer_first_area(client, consultation)

    def refuse(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(drafts, "send_mail", refuse)
    page = client.post(f"{base(consultation)}/save/", {"how": "email", "email": "a@example.org"})
    assert page.status_code == 503
    assert "We could not send the email just now" in page.content.decode()
    assert not SavedDraft.objects.exists()
    assert SECRET_WHY in str(dict(client.session))


def test_drafts_expire_after_28_days_and_the_prune_command_deletes_them(client, consultation):
    consultation.closes_at = timezone.now() + timedelta(days=60)
    consultation.save()
    reference = _save_with_code(client, consultation)
    draft = SavedDraft.objects.get()
    kept_for = draft.expires_at - draft.created_at
    assert abs(kept_for - timedelta(days=drafts.DRAFT_DAYS)) < timedelta(seconds=5)
    assert "marrowgate" in whole_store()
    with freeze_time(draft.expires_at + timedelta(seconds=1)):
        assert _resume(Client(), consultation, reference).status_code == 400
        out = io.StringIO()
        call_command("prune_sessions_and_limits", stdout=out)
    assert "1 expired saved responses" in out.getvalue()
    assert "marrowgate" not in whole_store()


def test_a_draft_never_outlives_the_consultations_close(client, consultation):
    consultation.closes_at = timezone.now() + timedelta(days=3)
    consultation.save()
    _save_with_code(client, consultation)
    assert SavedDraft.objects.get().expires_at == consultation.closes_at


def test_erasure_on_request_finds_a_draft_by_its_reference(client, consultation, staff):
    reference = _save_with_code(client, consultation)
    admin = staff("admin")
    url = f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/erase/"
    assert "marrowgate" in whole_store()
    assert admin.post(url, {"reference": reference, "confirm": "on"}).status_code == 302
    assert "marrowgate" not in whole_store()
    assert not SavedDraft.objects.exists()


def test_retention_erasure_deletes_a_consultations_drafts(client, consultation):
    _save_with_code(client, consultation)
    SavedDraft.objects.update(expires_at=timezone.now() + timedelta(days=9999))  # stale row
    due = consultation.closes_at + timedelta(days=consultation.retention_days)
    with freeze_time(due):
        services.erase_expired_personal_data()
    assert "marrowgate" not in whole_store()


def test_wrong_words_delete_the_draft_after_five_tries(client, consultation):
    reference = _save_with_code(client, consultation)
    for _ in range(drafts.MAX_FAILED_ATTEMPTS - 1):
        assert _resume(Client(), consultation, reference, "guess").status_code == 400
    assert SavedDraft.objects.get().failed_attempts == drafts.MAX_FAILED_ATTEMPTS - 1
    last = _resume(Client(), consultation, reference, "guess")
    assert "we deleted these saved answers" in last.content.decode()
    assert not SavedDraft.objects.exists()


def test_coming_back_is_rate_limited_per_address(client, consultation, settings):
    settings.CONSULT_RESUME_TRIES_PER_ADDRESS = 3
    reference = _save_with_code(client, consultation)
    for _ in range(3):
        assert _resume(Client(), consultation, new_reference(), "guess").status_code == 400
    limited = _resume(Client(), consultation, reference)  # even the right code must wait
    assert limited.status_code == 429 and "Wait an hour" in limited.content.decode()
    assert SavedDraft.objects.exists()
    assert Client().get(f"/consult/{consultation.slug}/resume/abc/").status_code == 429


def test_saves_are_rate_limited_per_address(client, consultation, settings):
    settings.CONSULT_SAVES_PER_ADDRESS = 1
    _save_with_code(client, consultation)
    other = Client()
    _answer_first_area(other, consultation)
    page = other.post(f"{base(consultation)}/save/", {"how": "code", "word": WORD})
    assert page.status_code == 429 and SavedDraft.objects.count() == 1


def test_a_staff_preview_cannot_save(staff, workspace):
    from .conftest import make_consultation

    draft = make_consultation(workspace, slug="draft-save", status="draft")
    analyst = staff("analyst")
    _answer_first_area(analyst, draft, save=False)
    assert "Save and come back later" not in analyst.get(f"{base(draft)}/area/1/").content.decode()
    page = analyst.post(f"{base(draft)}/save/", {"how": "code", "word": WORD})
    assert page.status_code == 409 and not SavedDraft.objects.exists()


def test_closed_consultation_refuses_to_resume(client, consultation):
    reference = _save_with_code(client, consultation)
    with freeze_time(consultation.closes_at):
        assert _resume(Client(), consultation, reference).status_code == 403


def test_the_offline_mail_backend_writes_private_files(tmp_path, settings):
    settings.EMAIL_BACKEND = "highneeds.web.core.mail.PrivateFileEmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "outbox"
    mail.send_mail("Subject", "A link: /consult/x/resume/abc/", None, ["a@example.org"])
    (written,) = list((tmp_path / "outbox").iterdir())
    assert "/consult/x/resume/abc/" in written.read_text()
    assert stat.S_IMODE(os.stat(written).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "outbox").st_mode) == 0o700


def test_erasing_a_draft_also_clears_a_code_not_yet_shown(client, consultation, staff):
    _answer_first_area(client, consultation)
    client.post(f"{base(consultation)}/save/", {"how": "code", "word": WORD})
    reference = client.session["consult:saved"]["reference"]  # the page was never opened
    assert reference.lower() in whole_store()
    url = f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/erase/"
    assert staff("admin").post(url, {"reference": reference, "confirm": "on"}).status_code == 302
    store = whole_store()
    assert reference.lower() not in store and "marrowgate" not in store
