"""The young-person version speaks in its own voice: "you", everyday words, short sentences and
what an idea means at school or college — measured, like the easy-read version — and its
answers are recorded on the standard scale."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from highneeds.consult.readability import (
    easy_read_problems,
    flesch_reading_ease,
    young_person_problems,
)
from highneeds.web.consultations.demo import AREAS, seed_demo_consultation
from highneeds.web.consultations.forms import (
    YOUNG_PERSON_CHOICES,
    YOUNG_PERSON_QUESTION,
    YOUNG_PERSON_WHY,
)
from highneeds.web.consultations.models import Response

from .helpers import base, complete_journey

#: Flesch reading ease of 80 or more reads as easy (an 11-year-old's reading).
EASY = 80


def test_young_person_problems_notice_text_that_does_not_speak_to_the_reader():
    assert young_person_problems("We want you to get help sooner.") == []
    assert young_person_problems("Schools will get help sooner.")  # not "you"
    assert young_person_problems("Your SEND provision will change.")  # jargon


@pytest.mark.parametrize("spec", AREAS, ids=[a["code"] for a in AREAS])
def test_demo_young_person_wording_is_its_own_and_easy(spec):
    text, introduction = spec["young_person_text"], spec["young_person_introduction"]
    assert flesch_reading_ease(text) >= EASY, (text, flesch_reading_ease(text))
    assert young_person_problems(text) == [], text
    assert flesch_reading_ease(introduction) >= EASY, introduction
    assert easy_read_problems(introduction) == [], introduction
    assert re.search(r"\b(school|college)\b", text), text  # what it means for them there
    # Not the adult text, not the easy-read text: a voice of its own that reads easier.
    assert text not in (spec["text"], spec["easy_read_text"])
    assert flesch_reading_ease(spec["text"]) < flesch_reading_ease(text)


def test_the_young_person_questions_and_answers_read_easily():
    words = " ".join([YOUNG_PERSON_QUESTION, YOUNG_PERSON_WHY])
    assert young_person_problems(words) == []
    assert flesch_reading_ease(words) >= EASY
    for _, label in YOUNG_PERSON_CHOICES:
        assert easy_read_problems(label) == [] and label.startswith("I "), label


def _main_text(html: str) -> str:
    """The words a reader sees in <main>: tags, hidden spans and the form's honeypot removed."""
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    main = re.sub(r'<span class="govuk-visually-hidden">.*?</span>', "", main, flags=re.S)
    main = re.sub(r"<(script|style)\b.*?</\1>", "", main, flags=re.S)
    text = re.sub(r"<[^>]+>", "\n", main.split(">", 1)[1])
    return "\n".join(line.strip() for line in html_lib.unescape(text).splitlines() if line.strip())


@pytest.mark.django_db
def test_young_person_pages_speak_to_the_reader_not_in_the_adult_text(client):
    consultation, _ = seed_demo_consultation()
    summary = consultation.young_person_summary
    assert flesch_reading_ease(summary) >= EASY and young_person_problems(summary) == []
    start = client.get(f"/consult/{consultation.slug}/young-people/").content.decode()
    assert summary in start and consultation.summary not in start
    assert "what it could mean for you at school or college" in start
    root = base(consultation, "young-people")
    about = client.get(f"{root}/about-you/").content.decode()
    assert "Where do you live? You can skip this." in about
    client.post(f"{root}/about-you/", {"respondent_type": "young_person"})
    for area in consultation.areas.all():
        page = client.get(f"{root}/area/{area.position}/").content.decode()
        proposal = area.proposals.get()
        assert html_lib.escape(proposal.young_person_text) in page
        assert html_lib.escape(area.young_person_introduction) in page
        assert proposal.text not in page and area.introduction not in page
        assert "To what extent" not in page and "Proposal P" not in page
        assert "What do you think of this idea?" in page and "I really like it" in page
        shown = _main_text(page)
        # The page as read (headings, idea, questions, answers, buttons) reads easily.
        assert flesch_reading_ease(shown) >= EASY, (flesch_reading_ease(shown), shown)


@pytest.mark.django_db
def test_young_person_answers_use_the_standard_scale_and_are_checked_in_their_words(
    client, consultation
):
    root = base(consultation, "young-people")
    client.post(f"{root}/about-you/", {"respondent_type": "young_person"})
    proposal = consultation.areas.get(position=1).proposals.first()
    client.post(f"{root}/area/1/", {f"agree_{proposal.pk}": "strongly_agree"})
    check = client.get(f"{root}/check-your-answers/").content.decode()
    assert "I really like it" in check and "Strongly agree" not in check
    complete_journey(client, consultation, version_slug="young-people", agreement="disagree")
    response = Response.objects.get()
    assert response.version == "young_person"
    assert set(response.answers.values_list("agreement", flat=True)) == {"disagree"}
