"""Remove personal details from free text before anyone publishes a quote from it.

Automatic redaction is a first pass a moderator reviews, not a guarantee: it finds email
addresses, phone numbers, postcodes, pupil numbers (UPN-like codes), NHS numbers, dates that look
like birth dates, and names introduced by phrases such as "my son is called ...". Each finding is
replaced by a bracketed label ("[name removed]") so readers can see something was taken out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Capitalised words that follow "called" but are not names ("my son is called Autistic" is rare;
# "my daughter is called The ..." does not occur) - kept short on purpose.
_NOT_NAMES = {"A", "An", "The", "In", "At", "On", "And", "But", "He", "She", "They", "It", "I"}
_NAME_WORD = r"[A-Z][a-z'’\-]+"
_RELATION = (
    r"son|daughter|child|children|kid|boy|girl|grandson|granddaughter|grandchild|brother|sister"
    r"|nephew|niece|stepson|stepdaughter|foster child|pupil|student|name"
)
_NAME_INTRO = re.compile(
    rf"\b(?:(?:my|our|her|his|their)\s+(?:{_RELATION})(?:'s\s+name)?\s+(?:is\s+|was\s+)?"
    rf"(?:called|named|is|was)|(?:I\s+am|I'm|my\s+name\s+is))\s+"
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})",
    re.IGNORECASE,
)

_PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("email", "[email removed]", re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)),
    (
        "postcode",
        "[postcode removed]",
        re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.I),
    ),
    ("upn", "[pupil number removed]", re.compile(r"\b[A-Z]\d{11}[A-Z\d]\b", re.I)),
    ("nhs_number", "[NHS number removed]", re.compile(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b")),
    (
        "phone",
        "[phone number removed]",
        # The prefix, then 9 or 10 more digits with optional spaces, hyphens or a bracket
        # between them; it ends on a digit so the following space stays.
        re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d(?:[\s\-)]{0,2}\d){8,9}\b"),
    ),
    (
        "date",
        "[date removed]",
        re.compile(r"\b\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)?\d{2}\b"),
    ),
)


@dataclass(frozen=True)
class Finding:
    """One personal detail found: its kind and where it was in the original text."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Redacted:
    """The text with personal details replaced, and what was found."""

    text: str
    findings: tuple[Finding, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds found, each once, in order of first appearance."""
        return tuple(dict.fromkeys(f.kind for f in self.findings))


def find_personal_details(text: str) -> list[Finding]:
    """Spans of personal details in text, earliest first, never overlapping."""
    spans: list[tuple[int, int, str]] = []
    for match in _NAME_INTRO.finditer(text):
        words = match.group("name").split()
        # Stop the name at the first word that is clearly not part of it.
        kept = []
        for word in words:
            if word in _NOT_NAMES or not word[0].isupper():
                break
            kept.append(word)
        if kept:
            start = match.start("name")
            end = start + len(" ".join(kept))
            spans.append((start, end, "name"))
    for kind, _, pattern in _PATTERNS:
        spans.extend((m.start(), m.end(), kind) for m in pattern.finditer(text))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    findings: list[Finding] = []
    covered_to = -1
    for start, end, kind in spans:
        if start >= covered_to:
            findings.append(Finding(kind, start, end))
            covered_to = end
    return findings


_LABELS = {kind: label for kind, label, _ in _PATTERNS} | {"name": "[name removed]"}


def redact(text: str) -> Redacted:
    """Replace every personal detail found in text with a bracketed label."""
    findings = find_personal_details(text)
    pieces: list[str] = []
    position = 0
    for finding in findings:
        pieces.append(text[position : finding.start])
        pieces.append(_LABELS[finding.kind])
        position = finding.end
    pieces.append(text[position:])
    return Redacted("".join(pieces), tuple(findings))
