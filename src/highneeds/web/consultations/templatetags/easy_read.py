"""Easy read on the page: one short sentence per line, each with a simple picture beside it
(icons drawn for highneeds, in static/consultations/easy-read/), and faces by the answers."""

from __future__ import annotations

import re

from django import template

from highneeds.consult.readability import sentences
from highneeds.web.consultations.forms import EASY_READ_FACES

register = template.Library()

#: The picture for a sentence: the first whose words appear in it (else a child).
ICONS = (
    (re.compile(r"feel|worr|sad|anxi|upset|happy", re.I), "heart.svg"),
    (re.compile(r"money|pay|cost|£|budget", re.I), "money.svg"),
    (re.compile(r"travel|far|long way|bus|taxi|near", re.I), "travel.svg"),
    (re.compile(r"tell us|think|say|answer|question", re.I), "talk.svg"),
    (re.compile(r"help|support|visit|teacher|worker", re.I), "help.svg"),
    (re.compile(r"school|class|college|PRU", re.I), "school.svg"),
    (re.compile(r"home|live|family", re.I), "home.svg"),
)
DEFAULT_ICON = "child.svg"


def icon_for(sentence: str) -> str:
    return next((icon for pattern, icon in ICONS if pattern.search(sentence)), DEFAULT_ICON)


@register.filter
def easy_points(text) -> list[tuple[str, str]]:
    """(sentence, icon file) for each sentence of ``text``, full stop kept."""
    points = []
    for sentence in sentences(str(text or "")):
        ending = "" if sentence.endswith((".", "?", "!")) else "."
        points.append((sentence + ending, icon_for(sentence)))
    return points


@register.filter
def face(value) -> str:
    """The face picture for an easy-read answer ('' for none)."""
    return EASY_READ_FACES.get(str(value), "")
