"""Remove personal details from free text before anyone publishes a quote from it.

Automatic redaction is a first pass a moderator reviews, not a guarantee: it finds email
addresses, phone numbers, postcodes, pupil numbers (UPN-like codes), NHS numbers, dates that look
like birth dates, names introduced by phrases such as "my son is called ..." or standing next to
a family word ("our child Amelia Khan") or a title ("Mrs Patel"), school names ("Elm Road
Infants") and, when the answer names someone, a diagnosis or condition said of a person ("has
autism"). Each finding is replaced by a bracketed label ("[name removed]") so readers can see
something was taken out.

What it cannot be sure of it **flags** for the moderator instead of passing it silently:
capitalised words in the middle of a sentence that may be names or places, and a condition said
of an unnamed person ("my son has ADHD"), which may identify a child together with other details.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Capitalised words that follow "called" or a family word but are not names - kept short on
# purpose ("our son I think" or "my daughter The school" are the cases seen).
_NOT_NAMES = {
    "A", "An", "The", "In", "At", "On", "And", "But", "He", "She", "They", "It", "I", "Is",
    "Was", "Has", "Had", "Who", "With", "We", "This", "That", "So", "Because", "Also", "If",
}  # fmt: skip
_NAME_WORD = r"[A-Z][a-z'’\-]+"
_NAME = rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})"
_RELATION = (
    r"son|daughter|child|children|kid|boy|girl|grandson|granddaughter|grandchild|brother|sister"
    r"|nephew|niece|stepson|stepdaughter|foster child|pupil|student|name"
)
_POSSESSIVE = r"(?:my|our|her|his|their)"
_NAME_INTRO = re.compile(
    rf"\b(?:{_POSSESSIVE}\s+(?:{_RELATION})(?:'s\s+name)?\s+(?:is\s+|was\s+)?"
    rf"(?:called|named|is|was)|(?:I\s+am|I'm|my\s+name\s+is))\s+{_NAME}",
    re.IGNORECASE,
)
# "our child Amelia Khan", "my son, Jack,": a capitalised name straight after a family word.
# Only the family word is case-blind: the name must be capitalised as written.
_FAMILY_NAME = re.compile(
    rf"\b(?i:{_POSSESSIVE}\s+(?:{_RELATION}))\s*,?\s+{_NAME}",
)
_TITLED_NAME = re.compile(
    rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD})?)"
)

# Words that, before "School", "Academy", "Infants"..., describe a kind of school rather than
# name one ("Special School", "Our Primary Academy"): a school name needs another word.
_GENERIC_SCHOOL_WORDS = {
    "a", "an", "the", "our", "my", "his", "her", "their", "this", "that", "any", "every",
    "each", "all", "many", "most", "some", "other", "special", "primary", "secondary", "infant",
    "infants", "junior", "juniors", "mainstream", "local", "high", "grammar", "independent",
    "free", "faith", "nursery", "sen", "send", "residential", "private", "state", "new",
    "current", "previous", "alternative", "village", "good", "first", "middle", "upper", "lower",
    "sixth", "form", "further", "education", "specialist", "maintained", "academy", "school",
    "schools", "college", "i", "we", "in", "at", "and", "but", "of", "for", "to",
}  # fmt: skip
_SCHOOL = re.compile(
    r"\b(?P<name>(?:St\.?\s+)?(?:[A-Z][\w'’\-]*\s+){1,4}"
    r"(?:Infants?|Juniors?|Primary|Academy|School|College|Nursery|High|Secondary|Grammar)"
    r"(?:\s+(?:School|Academy|College))?)\b"
)

_CONDITIONS = (
    r"autism|autistic|ASD|ASC|ADHD|ADD|PDA|ODD|OCD|PTSD|FASD|dyslexia|dyslexic|dyspraxia"
    r"|dyscalculia|epilepsy|epileptic|cerebral\s+palsy|Down'?s\s+syndrome|Down\s+syndrome"
    r"|diabetes|cancer|leukaemia|anxiety|depression|Tourette'?s|global\s+developmental\s+delay"
    r"|learning\s+disability|hearing\s+impairment|visual\s+impairment|sensory\s+processing"
    r"\s+disorder|selective\s+mutism|eating\s+disorder|anorexia|spina\s+bifida"
    r"|muscular\s+dystrophy|cystic\s+fibrosis|brain\s+injury|chromosom\w+\s+disorder"
    r"|self[-\s]harm\w*|mental\s+health\s+condition"
)
# A condition said of a person: "has autism", "was diagnosed with ADHD", "is autistic".
_CONDITION_OF_PERSON = re.compile(
    r"\b(?:has|had|have|is|was|being|diagnosed\s+with|diagnosis\s+of|suffers\s+from"
    r"|lives\s+with)\s+(?:(?:a|an|severe|mild|suspected|possible)\s+)?"
    rf"(?P<name>(?:{_CONDITIONS}))\b",
    re.IGNORECASE,
)

# Capitalised words that are ordinary in answers to a council consultation: not flagged.
_COMMON_CAPITALISED = {
    "I", "I'm", "I've", "I'd", "I'll", "Mr", "Mrs", "Ms", "Miss", "Dr", "Council", "Councils",
    "England", "English", "British", "Britain", "UK", "Government", "Christmas", "Easter",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
    "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Year", "Reception", "Ofsted", "God", "Covid", "NHS", "EHCP",
    "EHCPs", "SEN", "SEND", "SENCO", "SENCOs", "CAMHS",
}  # fmt: skip
_CAPITALISED = re.compile(r"\b[A-Z][a-z'’\-]+\b")
_SENTENCE_ENDS = '.!?:;\n"“('

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
    """The text with personal details replaced, what was found, and what a person must check.

    ``flags`` are spans of the original text redaction was unsure of (kinds ``possible_name``
    and ``health``); they are left in the text for the moderator to decide.
    """

    text: str
    findings: tuple[Finding, ...]
    flags: tuple[Finding, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds found, each once, in order of first appearance."""
        return tuple(dict.fromkeys(f.kind for f in self.findings))

    def to_check(self, original: str) -> list[str]:
        """One sentence per flag for the moderator, quoting the words to check."""
        return [f"“{original[f.start : f.end]}”: {FLAG_REASONS[f.kind]}" for f in self.flags]


def _name_spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, str]]:
    spans = []
    for match in pattern.finditer(text):
        # Stop the name at the first word that is clearly not part of it.
        kept = []
        for word in match.group("name").split():
            if word in _NOT_NAMES or not word[0].isupper():
                break
            kept.append(word)
        if kept:
            start = match.start("name")
            spans.append((start, start + len(" ".join(kept)), "name"))
    return spans


def _school_spans(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for match in _SCHOOL.finditer(text):
        words = match.group("name").split()
        # Drop leading words that only describe ("The", "Our") so the label replaces the name.
        while words and words[0].lower() in _GENERIC_SCHOOL_WORDS - {"st"}:
            words = words[1:]
        if any(w.lower().strip(".") not in _GENERIC_SCHOOL_WORDS for w in words[:-1]):
            end = match.end("name")
            spans.append((end - len(" ".join(words)), end, "school"))
    return spans


def _non_overlapping(spans: list[tuple[int, int, str]]) -> list[Finding]:
    spans = sorted(spans, key=lambda s: (s[0], -(s[1] - s[0])))
    findings: list[Finding] = []
    covered_to = -1
    for start, end, kind in spans:
        if start >= covered_to:
            findings.append(Finding(kind, start, end))
            covered_to = end
    return findings


def find_personal_details(text: str) -> list[Finding]:
    """Spans of personal details in text, earliest first, never overlapping."""
    spans = _name_spans(_NAME_INTRO, text) + _name_spans(_FAMILY_NAME, text)
    spans += _name_spans(_TITLED_NAME, text) + _school_spans(text)
    for kind, _, pattern in _PATTERNS:
        spans.extend((m.start(), m.end(), kind) for m in pattern.finditer(text))
    identifies = any(kind in ("name", "school") for _, _, kind in spans)
    if identifies:
        # With a name or school beside it, a condition said of a person identifies a child.
        spans.extend(
            (m.start("name"), m.end("name"), "health") for m in _CONDITION_OF_PERSON.finditer(text)
        )
    return _non_overlapping(spans)


def find_uncertain_details(text: str, found: list[Finding] | None = None) -> list[Finding]:
    """Spans redaction leaves in but a person should check: possible names, conditions.

    ``found`` are the findings already made (so a removed detail is not flagged again).
    """
    found = find_personal_details(text) if found is None else found
    taken = [(f.start, f.end) for f in found]

    def free(start: int, end: int) -> bool:
        return not any(start < t_end and t_start < end for t_start, t_end in taken)

    flags = []
    for match in _CAPITALISED.finditer(text):
        word = match.group()
        ordinary = word in _COMMON_CAPITALISED or word in _NOT_NAMES
        if ordinary or word.lower() in _GENERIC_SCHOOL_WORDS:
            continue
        before = text[max(0, match.start() - 20) : match.start()].rstrip()
        if not before or before[-1] in _SENTENCE_ENDS:
            continue  # a capital at the start of a sentence says nothing
        if free(match.start(), match.end()):
            flags.append(Finding("possible_name", match.start(), match.end()))
    for match in _CONDITION_OF_PERSON.finditer(text):
        if free(match.start("name"), match.end("name")):
            flags.append(Finding("health", match.start("name"), match.end("name")))
    return sorted(flags, key=lambda f: f.start)


LABELS = {kind: label for kind, label, _ in _PATTERNS} | {
    "name": "[name removed]",
    "school": "[school removed]",
    "health": "[health detail removed]",
}
KIND_NAMES = {
    "email": "email address",
    "postcode": "postcode",
    "upn": "pupil number",
    "nhs_number": "NHS number",
    "phone": "phone number",
    "date": "date",
    "name": "name",
    "school": "school name",
    "health": "health detail",
}
FLAG_REASONS = {
    "possible_name": "may be a name or a place",
    "health": "a condition said of a person: check it cannot identify them",
}


def redact(text: str) -> Redacted:
    """Replace every personal detail found in text with a bracketed label; flag the unsure."""
    findings = find_personal_details(text)
    pieces: list[str] = []
    position = 0
    for finding in findings:
        pieces.append(text[position : finding.start])
        pieces.append(LABELS[finding.kind])
        position = finding.end
    pieces.append(text[position:])
    flags = find_uncertain_details(text, findings)
    return Redacted("".join(pieces), tuple(findings), tuple(flags))
