"""How easy a text is to read: the Flesch reading-ease score and the measures easy-read
guidance asks for (short sentences, short everyday words).

Flesch reading ease = 206.835 − 1.015 × (words per sentence) − 84.6 × (syllables per word).
90–100 reads as very easy (an 11-year-old), 60–70 as plain English, below 50 as difficult.
Mencap's and the government's easy-read guidance ask for one idea per sentence, sentences of
about 15 words at most and everyday words; ``easy_read_problems`` checks those.
Writing for young people (``young_person_problems``) keeps to the same sentence length and
everyday words, and speaks to the reader as "you".
Syllables are counted by a rule of thumb (vowel groups, less a silent final e), which is
close enough to rank texts without a dictionary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")

#: Longest sentence, in words, that easy-read guidance accepts.
EASY_READ_MAX_WORDS = 15
#: Words easy read avoids: jargon and abbreviations a reader may not know.
JARGON = frozenset(
    {"send", "sen", "ehcp", "ehcps", "pru", "provision", "proposal", "extent", "mainstream",
     "resourced", "inclusion", "commissioning", "statutory", "outreach"}
)  # fmt: skip


def syllables(word: str) -> int:
    """Syllables in one English word, by vowel groups (at least one)."""
    word = word.lower().strip("'’-")
    if len(word) <= 3:
        return 1
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")):
        word = word[:-1]
    if word.endswith(("es", "ed")) and not word.endswith(("ted", "ded", "ses", "zes", "ces")):
        word = word[:-2]
    return max(1, len(_VOWEL_GROUPS.findall(word)))


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, each with its full stop (a line break also ends one)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if _WORD.search(s or "")]


@dataclass(frozen=True)
class Readability:
    sentences: int
    words: int
    syllables: int

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / self.words if self.words else 0.0

    @property
    def flesch_reading_ease(self) -> float:
        return 206.835 - 1.015 * self.words_per_sentence - 84.6 * self.syllables_per_word


def measure(text: str) -> Readability:
    parts = sentences(text)
    words = [w for s in parts for w in _WORD.findall(s)]
    return Readability(len(parts), len(words), sum(syllables(w) for w in words))


def flesch_reading_ease(text: str) -> float:
    return measure(text).flesch_reading_ease


def easy_read_problems(text: str) -> list[str]:
    """What in ``text`` goes against easy-read guidance: long sentences and jargon."""
    problems = []
    for sentence in sentences(text):
        count = len(_WORD.findall(sentence))
        if count > EASY_READ_MAX_WORDS:
            problems.append(f"{count} words in one sentence: “{sentence}”")
        jargon = sorted({w.lower() for w in _WORD.findall(sentence)} & JARGON)
        if jargon:
            problems.append(f"hard words ({', '.join(jargon)}) in “{sentence}”")
    return problems


_SECOND_PERSON = re.compile(r"\b(you|your|yours|yourself)\b", re.IGNORECASE)


def young_person_problems(text: str) -> list[str]:
    """What in ``text`` goes against writing for young people: easy read's long sentences and
    hard words, and text that does not speak to the reader ("you", "your")."""
    problems = easy_read_problems(text)
    if not _SECOND_PERSON.search(text):
        problems.append(f"does not speak to the reader as “you”: “{text}”")
    return problems
