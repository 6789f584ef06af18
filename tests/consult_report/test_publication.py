"""The published report draws only on moderated wording: quotes, theme names and descriptions."""

from __future__ import annotations

import io
import re

import pytest

from highneeds.consult.analysis.agreement import SUPPRESSED
from highneeds.consult.analysis.schema import free_text
from highneeds.consult.publication import moderated_vocabulary, publishable
from highneeds.consult.report import build_report, render_html, render_pdf

AMELIA = "Our child Amelia Khan at Elm Road Infants has autism and waited two years for help."
# Words that only unmoderated answers use: none may reach anything published.
PRIVATE_WORDS = ("amelia", "khan", "elm road", "isla", "mary", "oakfield")


@pytest.fixture(scope="module")
def responses(synthetic_responses):
    """160 synthetic responses; 20 name two children and a school, one names a child's diagnosis.

    The 20 alike answers are enough for the machine to build a theme name from their words
    ("Friend isla / oakfield") - the failure seen in the demo report.
    """
    frame = synthetic_responses.head(160).copy()
    for row in range(0, 40, 2):
        frame.loc[row, "P1__why"] = (
            f"Mary at Oakfield primary and her friend Isla waited {row} months for help."
        )
    frame.loc[1, "P1__why"] = AMELIA
    return frame


def _moderated(responses, rows, reword=lambda text: "Moderated: " + text.lower()):
    """The quotable table: chosen rows' answers reworded by a 'moderator', the rest blank."""
    quotable = responses.copy()
    for column in [c for c in quotable.columns if c.endswith("__why")]:
        keep = quotable.index.isin(rows)
        quotable.loc[keep, column] = quotable.loc[keep, column].map(lambda t: reword(t) if t else t)
        quotable.loc[~keep, column] = ""
    return quotable


def _flat(text: str) -> str:
    return " ".join(text.split()).lower()


def test_a_report_without_moderated_answers_quotes_none_and_says_so(responses):
    report = build_report(responses)
    assert all(not t.quotes for q in report.questions for t in q.themes)
    assert "No answer has been moderated yet" in report.review
    html = _flat(render_html(report))
    for text in free_text(responses, "P1").tolist()[:40]:
        assert _flat(text) not in html, text
    for word in PRIVATE_WORDS:
        # neither quoted nor in a theme's name or description (as a word: "summary" is fine)
        assert not re.search(rf"\b{word}\b", html), word


def test_quotes_are_only_moderated_answers_in_the_moderators_wording(responses):
    moderated_rows = list(range(41, 160, 3))  # none of the answers naming children
    quotable = _moderated(responses, moderated_rows)
    report = build_report(responses, quotable=quotable)
    allowed = {text for q in ("P1", "P2", "P3", "P4") for text in free_text(quotable, q).tolist()}
    quotes = [quote for q in report.questions for t in q.themes for quote in t.quotes]
    assert quotes, "some moderated answers carry published themes"
    assert set(quotes) <= allowed
    assert all(quote.startswith("Moderated: ") for quote in quotes)  # the rewording, not the raw
    p1 = next(q for q in report.questions if q.code == "P1")
    count = len(free_text(quotable, "P1"))
    assert f"A moderator checked {count} of the {p1.answers} answers" in p1.review
    html = _flat(render_html(report))
    for word in PRIVATE_WORDS:
        assert not re.search(rf"\b{word}\b", html), word


def test_a_suppressed_theme_carries_no_quote(responses):
    from highneeds.consult.analysis.coding import discovery_run

    theme_set = discovery_run(free_text(responses, "P1"), "P1")
    small = theme_set.add_theme("Transport to school")
    for response_id in free_text(responses, "P1").index[41:44]:
        theme_set.assign(response_id, small)
    report = build_report(
        responses, theme_sets={"P1": theme_set}, quotable=_moderated(responses, range(160))
    )
    p1 = next(q for q in report.questions if q.code == "P1")
    block = next(t for t in p1.themes if t.label == "Transport to school")
    assert block.counts["total"] == SUPPRESSED
    assert block.quotes == []
    assert all(t.quotes for t in p1.themes if t.counts["total"] != SUPPRESSED)


def test_machine_names_are_published_only_in_moderated_words():
    vocabulary = moderated_vocabulary(["Waiting lists for the psychologist are long."])
    assert publishable("Waiting list / psychologist", vocabulary) is False  # "list" unused
    assert publishable("Waiting lists / psychologist", vocabulary)
    assert not publishable("Mary primary / isla", vocabulary)
    assert publishable("Answers that mention waiting, lists. 12 answers (4%).", vocabulary)


@pytest.mark.slow
def test_the_named_child_never_reaches_the_pdf(responses):
    from pypdf import PdfReader

    # Everything else is moderated; the answer naming Amelia is not.
    quotable = _moderated(responses, [r for r in range(160) if r != 1], reword=lambda t: t)
    pdf = render_pdf(build_report(responses, quotable=quotable))
    reader = PdfReader(io.BytesIO(pdf))
    text = _flat(" ".join(page.extract_text() for page in reader.pages))
    assert "moderator checked" in text
    for word in ("amelia", "khan", "elm road"):
        assert word not in text, word
