"""What may be published from consultation answers: only wording a person moderated.

Anything published (the outcome report, exports marked for publication) quotes an answer only
in the wording a moderator saved for it, never as written. The moderated wording arrives as a
*quotable* table: the collection app's "moderated free text only" export, in the analysis layout
(``response_id``, ``P1__why``, …) with a blank where an answer has not been moderated.

Machine-made theme names and descriptions are built from the answers' own words, so they can
carry a child's name ("Mary primary / isla"). They are published only when every word in them
also appears in moderated wording (or is an ordinary English function word); otherwise the
theme is shown under a neutral heading until a person names it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from highneeds.consult.analysis.schema import free_text

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# Words the theme finders add around the answers' words ("Answers that mention ...").
_TEMPLATE_WORDS = frozenset({"answers", "answer", "mention", "mentions", "unlabelled", "theme"})


def words(text: str) -> set[str]:
    """The words of a text, lower-cased (letters only; numbers and punctuation dropped)."""
    return {w.lower() for w in _WORD.findall(text)}


def quotable_texts(quotable: pd.DataFrame | None, question: str) -> pd.Series:
    """Moderated wording of one question's answers, by response id; blanks left out."""
    if quotable is None or f"{question}__why" not in quotable.columns:
        return pd.Series(dtype=str)
    texts = free_text(quotable, question)
    return texts[texts.astype(str).str.strip() != ""].astype(str)


def moderated_vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """Every word used in moderated wording: what a published machine-made name may use."""
    found: set[str] = set()
    for text in texts:
        found |= words(text)
    return frozenset(found)


def publishable(text: str, vocabulary: frozenset[str]) -> bool:
    """True when every word of a machine-made text appears in moderated wording.

    Function words ("and", "the") and the finders' own template words are always allowed.
    """
    return words(text) <= vocabulary | ENGLISH_STOP_WORDS | _TEMPLATE_WORDS


_UNNAMED = "(not yet named by a person)"


def unnamed_theme(number: int) -> str:
    """The heading of a theme whose machine-made name cannot be published."""
    return f"Theme {number} {_UNNAMED}"


def is_unnamed_theme(label: str) -> bool:
    return label.endswith(_UNNAMED)


def moderation_sentence(moderated: int, answers: int) -> str:
    """What the report says about quotes: how many answers were moderated, and the rule."""
    if not answers:
        return ""
    if not moderated:
        return (
            f"No answer has been moderated yet, so none of the {answers:,} is quoted: "
            "only wording a moderator has checked is ever quoted."
        )
    return (
        f"A moderator checked {moderated:,} of the {answers:,} answers; quotes come only from "
        "those, in the moderator's wording."
    )
