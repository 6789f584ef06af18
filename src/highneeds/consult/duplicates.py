"""Spot likely duplicate responses so a person can review them. Nothing is ever dropped.

Two responses are *likely duplicates* when they came from the same client (the same hashed
fingerprint) within a time window and their answers are nearly the same. Identical answers from
different clients are not flagged: campaign responses written from one template are legitimate.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from rapidfuzz.distance import Indel

DEFAULT_WINDOW = timedelta(hours=24)
DEFAULT_THRESHOLD = 0.9
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalise_text(text: str) -> str:
    """Lower case, accents folded, punctuation and repeated spaces removed."""
    folded = text
    if not text.isascii():  # ASCII has no accents to fold: skip the per-character pass
        folded = unicodedata.normalize("NFKD", text)
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", folded.casefold()).strip()


def answers_signature(answers: Iterable[tuple[str, str]]) -> str:
    """One comparable string for a response's answers, given (question key, answer) pairs.

    Keys are sorted so the order answers were given in does not matter.
    """
    return " | ".join(f"{key}={normalise_text(value)}" for key, value in sorted(answers))


def similarity(a: str, b: str, threshold: float = 0.0) -> float:
    """How alike two signatures are, from 0 (nothing shared) to 1 (identical): twice the
    characters they share in order (longest common subsequence) over their total length.

    Below ``threshold`` the answer is 0 (rapidfuzz stops early: the check on every submit
    compares a response with up to 50 earlier ones; difflib took about 20 ms a pair).
    """
    if a == b:
        return 1.0
    return Indel.normalized_similarity(a, b, score_cutoff=threshold)


@dataclass(frozen=True)
class Submission:
    """What duplicate detection needs to know about one response."""

    id: object
    fingerprint: str
    submitted_at: datetime
    signature: str


@dataclass(frozen=True)
class LikelyDuplicate:
    """``response`` looks like a repeat of the earlier ``duplicate_of``."""

    response: object
    duplicate_of: object
    similarity: float


def likely_duplicates_of(
    candidate: Submission,
    earlier: Iterable[Submission],
    *,
    window: timedelta = DEFAULT_WINDOW,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[LikelyDuplicate]:
    """Earlier submissions the candidate probably repeats (same client, within window, alike)."""
    found = []
    for other in earlier:
        if other.id == candidate.id or not candidate.fingerprint:
            continue
        if other.fingerprint != candidate.fingerprint:
            continue
        if abs(candidate.submitted_at - other.submitted_at) > window:
            continue
        score = similarity(candidate.signature, other.signature, threshold)
        if score >= threshold:
            found.append(LikelyDuplicate(candidate.id, other.id, round(score, 3)))
    return found


def find_likely_duplicates(
    submissions: Iterable[Submission],
    *,
    window: timedelta = DEFAULT_WINDOW,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[LikelyDuplicate]:
    """Every likely duplicate in a batch, each later response pointing at an earlier one."""
    ordered = sorted(submissions, key=lambda s: s.submitted_at)
    found: list[LikelyDuplicate] = []
    for position, candidate in enumerate(ordered):
        found.extend(
            likely_duplicates_of(candidate, ordered[:position], window=window, threshold=threshold)
        )
    return found
