"""Machine runs that feed a reviewable ThemeSet: discovery or codebook coding, one interface.

``discovery_run`` and ``codebook_run`` each fold a fresh machine run into a question's
``ThemeSet`` (new or existing) with ``apply_machine_run``, so people's renames, merges, splits,
assignments and reviewed answers survive. In codebook mode the answers people reviewed are the
hand coding the classifier learns from (``landing`` maps codebook theme ids to the ThemeSet's
ids from the previous run, so that coding can be read back as codebook themes).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from highneeds.consult.analysis.codebook import Codebook, CodebookClassifier, read_codebook
from highneeds.consult.analysis.review import CODEBOOK, MACHINE, ThemeSet
from highneeds.consult.analysis.schema import free_text, proposals_in
from highneeds.consult.analysis.themes import Quote, Theme, ThemeFinder

CODEBOOK_METHOD = (
    "coding against the council's codebook: each answer is compared by meaning (a sentence "
    "embedding shipped with highneeds, offline) with each theme's label and description and "
    "with the answers people coded"
)


def discovery_run(
    texts: pd.Series, question: str, theme_set: ThemeSet | None = None, *, seed: int = 0
) -> ThemeSet:
    """Discover candidate themes (default offline back end) and fold them into ``theme_set``."""
    finder = ThemeFinder(seed=seed).fit(texts)
    if theme_set is None:
        return ThemeSet.from_machine(question, finder.themes_, finder.assignments_)
    theme_set.apply_machine_run(finder.themes_, finder.assignments_)
    return theme_set


def codebook_run(
    texts: pd.Series,
    question: str,
    codebook: Codebook,
    theme_set: ThemeSet | None = None,
    landing: dict[str, str | None] | None = None,
) -> tuple[ThemeSet, dict[str, str | None]]:
    """Code answers against ``codebook``, learning from answers people reviewed in ``theme_set``.

    Returns the theme set and the new ``landing`` (codebook theme id -> ThemeSet theme id) to
    keep for the next run.
    """
    book = codebook.for_question(question)
    coded: dict[str, set[str]] = {}
    if theme_set is not None and landing:
        back = {target: source for source, target in landing.items() if target}
        for response_id, labels in theme_set.labels_by_response(sorted(theme_set.reviewed)).items():
            if response_id in theme_set.reviewed and str(response_id) in texts.index:
                coded[str(response_id)] = {back[t] for t in labels if t in back}
    classifier = CodebookClassifier(book).fit(texts, coded)
    proposed = classifier.predict(texts)
    assignments = pd.DataFrame(
        [(r, t) for r, themes in proposed.items() for t in sorted(themes)],
        columns=["response_id", "theme_id"],
    )
    members = assignments.groupby("theme_id")["response_id"].apply(list).to_dict()
    themes = [
        Theme(
            theme_id=t.theme_id,
            label=t.label,
            description=t.description,
            top_terms=t.keywords,
            quotes=tuple(Quote(r, str(texts[r])) for r in members.get(t.theme_id, [])[:3]),
            responses=len(members.get(t.theme_id, [])),
        )
        for t in book.themes
    ]
    if theme_set is None:
        theme_set = ThemeSet(question=question)
    new_landing = theme_set.apply_machine_run(themes, assignments, keep_listed=True)
    for landed in filter(None, new_landing.values()):
        # People wrote these names (the codebook), so they may be published unlike the
        # discovered ones, which are built from answers' words.
        if theme_set.themes[landed].label_origin == MACHINE:
            theme_set.themes[landed].label_origin = CODEBOOK
    return theme_set, new_landing


def codebook_theme_sets(
    responses: pd.DataFrame, codebook: Codebook | str | Path
) -> tuple[dict[str, ThemeSet], str]:
    """Code every proposal's free text against a codebook (nothing hand-coded yet).

    Returns theme sets by proposal and the sentence for the report's methods text.
    """
    book = codebook if isinstance(codebook, Codebook) else read_codebook(codebook)
    theme_sets = {}
    for question in proposals_in(responses):
        if f"{question}__why" not in responses.columns:
            continue
        texts = free_text(responses, question)
        if len(texts) >= 2 and book.for_question(question).themes:
            theme_sets[question], _ = codebook_run(texts, question, book)
    return theme_sets, CODEBOOK_METHOD
