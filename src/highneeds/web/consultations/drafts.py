"""Save and return later (the GOV.UK pattern): a part-finished response kept for a while.

A respondent saves their answers and comes back either by a link sent to their email address or,
with no email, by a reference code shown once plus a memorable word they chose. Every save makes
a new draft with new secrets: a random link token (32 bytes) and a reference code
(``highneeds.consult.reference``). Only hashes are stored — SHA-256 of the token, a keyed hash of
the code and Django's password hash of the word — so the table alone opens nothing.

Each link or code works once: coming back copies the answers into the browser's session and
deletes the draft (to leave again, save again). A draft expires ``DRAFT_DAYS`` after saving or
when the consultation closes, whichever is first; an expired draft is never returned and
``prune_expired`` (run by ``prune_sessions_and_limits``) deletes it. ``MAX_FAILED_ATTEMPTS``
wrong memorable words delete the draft. The email address a link is sent to is not stored.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from highneeds.consult.reference import new_reference, normalise_reference

from .models import Consultation, SavedDraft
from .services import _keyed_hash

#: Days a saved response is kept (unless the consultation closes first).
DRAFT_DAYS = 28
#: Wrong memorable words before a draft is deleted to keep it safe.
MAX_FAILED_ATTEMPTS = 5
#: The shortest memorable word accepted.
WORD_MIN_CHARS = 4
#: The parts of a journey's state a draft keeps (never the finished reference).
KEPT = ("token", "about", "areas", "equality")


@dataclass(frozen=True)
class Saved:
    """A new draft and its secrets, to show or send once (they are not stored)."""

    draft: SavedDraft
    reference: str
    link_token: str | None


def _reference_hash(reference: str) -> str:
    return _keyed_hash(f"saved-draft|{reference}")


def _link_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_word(word: str) -> str:
    """A memorable word as compared: case and extra spaces do not matter."""
    return " ".join(word.lower().split())


def expiry(consultation: Consultation, now: datetime) -> datetime:
    """When a draft saved at ``now`` expires: DRAFT_DAYS later or at closing, if sooner."""
    return min(now + timedelta(days=DRAFT_DAYS), consultation.closes_at)


@transaction.atomic
def save(
    consultation: Consultation, version: str, state: dict, *, word: str = "", link: bool = False
) -> Saved:
    """Keep a journey's answers; returns the reference code and link token to give once."""
    now = timezone.now()
    reference = new_reference()
    token = secrets.token_urlsafe(32) if link else None
    draft = SavedDraft.objects.create(
        consultation=consultation,
        version=version,
        reference_hash=_reference_hash(reference),
        link_hash=_link_hash(token) if token else None,
        word_hash=make_password(normalise_word(word)) if word else "",
        answers={key: state.get(key) for key in KEPT},
        expires_at=expiry(consultation, now),
    )
    return Saved(draft, reference, token)


def _live(now: datetime | None = None):
    return SavedDraft.objects.filter(expires_at__gt=now or timezone.now())


def link_is_live(token: str) -> SavedDraft | None:
    """The draft an emailed link opens, without using it up (the page before "Continue")."""
    return _live().select_related("consultation").filter(link_hash=_link_hash(token)).first()


@transaction.atomic
def take_by_link(token: str) -> SavedDraft | None:
    """Use an emailed link: the draft (deleted, so the link works once), or None."""
    draft = (
        _live()
        .select_for_update()
        .select_related("consultation")
        .filter(link_hash=_link_hash(token))
    ).first()
    if draft is not None:
        draft.delete()
    return draft


@dataclass(frozen=True)
class CodeResult:
    """What a reference code and memorable word opened: the draft, or why not."""

    draft: SavedDraft | None = None
    deleted_after_failures: bool = False


@functools.cache
def _no_draft_hash() -> str:
    """A password hash of nothing anyone can type, checked when no draft matches so that a
    wrong code takes as long as a wrong word (made on first use: hashing is slow on purpose)."""
    return make_password(secrets.token_urlsafe(16))


@transaction.atomic
def take_by_code(consultation: Consultation, reference: str, word: str) -> CodeResult:
    """Use a reference code and memorable word: the draft (deleted) or an empty result.

    A wrong word for a real code counts against the draft; at MAX_FAILED_ATTEMPTS it is
    deleted. Returns normally either way, so the caller's transaction (and its rate-limit
    count) commits.
    """
    compact = normalise_reference(reference)
    draft = None
    if compact:
        draft = (
            _live()
            .select_for_update()
            .filter(consultation=consultation, reference_hash=_reference_hash(compact))
            .exclude(word_hash="")
            .first()
        )
    if draft is None:
        check_password(normalise_word(word), _no_draft_hash())
        return CodeResult()
    if check_password(normalise_word(word), draft.word_hash):
        draft.delete()
        return CodeResult(draft=draft)
    draft.failed_attempts += 1
    if draft.failed_attempts >= MAX_FAILED_ATTEMPTS:
        draft.delete()
        return CodeResult(deleted_after_failures=True)
    draft.save(update_fields=["failed_attempts", "updated_at"])
    return CodeResult()


def send_link(saved: Saved, *, to: str, url: str) -> None:
    """Email the link (and the reference) through Django's configured email backend."""
    context = {
        "consultation": saved.draft.consultation,
        "url": url,
        "reference": saved.reference,
        "expires_at": saved.draft.expires_at,
        "days": DRAFT_DAYS,
    }
    send_mail(
        subject=f"Your saved answers: {saved.draft.consultation.title}",
        message=render_to_string("consultations/public/saved_email.txt", context),
        from_email=None,  # DEFAULT_FROM_EMAIL
        recipient_list=[to],
    )


def erase(consultation: Consultation, reference: str) -> bool:
    """Delete a consultation's draft by its reference code (an erasure request)."""
    compact = normalise_reference(reference)
    if not compact:
        return False
    deleted, _ = SavedDraft.objects.filter(
        consultation=consultation, reference_hash=_reference_hash(compact)
    ).delete()
    return bool(deleted)


def prune_expired(now: datetime | None = None) -> int:
    """Delete every expired draft; returns how many."""
    deleted, _ = SavedDraft.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
