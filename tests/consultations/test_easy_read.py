"""The easy-read version is easy read: short sentences and everyday words (measured), a
picture beside each point, and "agree / not sure / disagree" with faces."""

from __future__ import annotations

import re

import pytest

from highneeds.consult.readability import easy_read_problems, flesch_reading_ease, syllables
from highneeds.web.consultations.demo import AREAS, seed_demo_consultation
from highneeds.web.consultations.models import Response

from .helpers import base, complete_journey

#: Flesch reading ease of 80 or more reads as easy (an 11-year-old's reading).
EASY = 80


def test_syllables_and_scores_rank_texts_as_readers_would():
    assert [syllables(w) for w in ("school", "children", "education", "the")] == [1, 2, 4, 1]
    assert flesch_reading_ease("We want to help. Tell us what you think.") > 90
    hard = (
        "The authority proposes to reconfigure commissioning arrangements for specialist "
        "provision, consolidating resourced provision within mainstream establishments."
    )
    assert flesch_reading_ease(hard) < 30
    assert easy_read_problems(hard)


@pytest.mark.parametrize("spec", AREAS, ids=[a["code"] for a in AREAS])
def test_demo_easy_read_wording_scores_as_easy_read(spec):
    for field in ("easy_read_introduction", "easy_read_text"):
        text = spec[field]
        assert flesch_reading_ease(text) >= EASY, (field, text, flesch_reading_ease(text))
        assert easy_read_problems(text) == [], text
    # the measure tells the versions apart: the standard wording is harder
    assert flesch_reading_ease(spec["text"]) < flesch_reading_ease(spec["easy_read_text"])


@pytest.mark.django_db
def test_easy_read_pages_show_a_picture_beside_each_point_and_faces(client):
    consultation, _ = seed_demo_consultation()
    summary = consultation.easy_read_summary
    assert flesch_reading_ease(summary) >= EASY and easy_read_problems(summary) == []
    root = base(consultation, "easy-read")
    start = client.get(f"/consult/{consultation.slug}/easy-read/").content.decode()
    assert start.count('class="hn-easy-point"') == len(re.findall(r"[.!?]", summary))
    client.post(f"{root}/about-you/", {"respondent_type": "parent_carer"})
    area = consultation.areas.get(position=1)
    html = client.get(f"{root}/area/1/").content.decode()
    points = re.findall(r'<li class="hn-easy-point"><img src="([^"]+\.svg)" alt=""', html)
    sentences = len(re.findall(r"[.!?](\s|$)", area.easy_read_introduction)) + len(
        re.findall(r"[.!?](\s|$)", area.proposals.get().easy_read_text)
    )
    assert len(points) == sentences  # one picture per sentence
    assert "Do you agree?" in html
    for answer, face in (("Agree", "face-agree"), ("Not sure", "face-unsure"),
                         ("Disagree", "face-disagree")):  # fmt: skip
        assert re.search(rf'{face}\.svg" alt="" width="48" height="48"> {answer}</label>', html)
    assert "To what extent" not in html and "Proposal P1" not in html
    # The words a reader sees, not attribute values: the form's random CSRF token once read
    # "...WPRUl..." and failed this.
    words = re.sub(r"<[^>]*>", " ", html.split("<main", 1)[1])
    assert re.search(r"\b(SEND|PRU)\b", words) is None
    assert "Do you agree?" in words  # the text is there to look in


@pytest.mark.django_db
def test_easy_read_answers_are_recorded_on_the_standard_scale(client, consultation):
    complete_journey(client, consultation, version_slug="easy-read", agreement="dont_know")
    response = Response.objects.get()
    assert response.version == "easy_read"
    assert set(response.answers.values_list("agreement", flat=True)) == {"dont_know"}
    # a standard-only answer is refused on the easy-read page rather than stored
    root = base(consultation, "easy-read")
    client.post(f"{root}/about-you/", {"respondent_type": "parent_carer"})
    area = consultation.areas.get(position=1)
    proposal = area.proposals.first()
    page = client.post(f"{root}/area/1/", {f"agree_{proposal.pk}": "strongly_agree"})
    assert page.status_code == 200 and "There is a problem" in page.content.decode()


def test_every_easy_read_picture_is_shipped():
    from pathlib import Path

    from highneeds.web.consultations.forms import EASY_READ_FACES
    from highneeds.web.consultations.templatetags.easy_read import DEFAULT_ICON, ICONS

    folder = (
        Path(__file__).resolve().parents[2]
        / "src/highneeds/web/consultations/static/consultations/easy-read"
    )
    for name in {DEFAULT_ICON, *(icon for _, icon in ICONS), *EASY_READ_FACES.values()}:
        svg = (folder / name).read_text()
        assert svg.startswith("<svg") and "viewBox" in svg, name
