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

from highneeds.consult.analysis.codebook import (
    Codebook,
    CodebookClassifier,
    CodebookTheme,
    read_codebook,
)
from highneeds.consult.analysis.review import ACTIVE, CODEBOOK, HUMAN, MACHINE, ThemeSet
from highneeds.consult.analysis.schema import free_text, proposals_in
from highneeds.consult.analysis.themes import Quote, Theme, ThemeFinder
from highneeds.progress import Progress, in_parts, no_progress

#: How each sentence encoder reads an answer, for the report's methods text.
READ_BY = {
    "static": "a sentence embedding shipped with highneeds",
    "minilm": "the all-MiniLM-L6-v2 sentence encoder reading each answer whole",
}


def codebook_method(backend: str = "static") -> str:
    """The report's methods words for codebook coding with the sentence encoder ``backend``."""
    return (
        "coding against the council's codebook: each answer is compared by meaning and by its "
        f"words ({READ_BY[backend]}, offline) with each theme's label and description and with "
        "the answers people coded"
    )


def discovery_method(backend: str = "static") -> str:
    """The report's methods words for theme discovery with the sentence encoder ``backend``."""
    return (
        f"grouping the answers by meaning and by their words ({READ_BY[backend]}, offline; the "
        "groups agreed by 20 k-means runs, their number chosen by the silhouette)"
    )


CODEBOOK_METHOD = codebook_method()


#: The step of a many-question run that counts the questions done (``highneeds.progress``).
BY_QUESTION = "Finding themes question by question"

ADDED = "added:"  # the classifier's id of a theme people added: ADDED + its ThemeSet id


def discovery_run(
    texts: pd.Series,
    question: str,
    theme_set: ThemeSet | None = None,
    *,
    seed: int = 0,
    backend: str = "static",
    progress: Progress = no_progress,
) -> ThemeSet:
    """Discover candidate themes (``backend``: a sentence encoder of
    ``highneeds.consult.analysis.embedding.ENCODERS``) and fold them into ``theme_set``."""
    finder = ThemeFinder(seed=seed, backend=backend).fit(texts, progress)
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
    backend: str = "static",
    progress: Progress = no_progress,
) -> tuple[ThemeSet, dict[str, str | None]]:
    """Code answers against ``codebook``, learning from the answers people coded in
    ``theme_set`` (``ThemeSet.hand_coded``).

    Themes people added are coded too, as if the codebook listed them (their label and
    description, and the answers people gave them, teach the machine). Returns the theme set
    and the new ``landing`` (codebook theme id -> ThemeSet theme id) to keep for the next run.
    """
    book = codebook.for_question(question)
    theme_set = theme_set if theme_set is not None else ThemeSet(question=question)
    back = {target: source for source, target in (landing or {}).items() if target}
    added = [t for t in theme_set.themes.values() if t.origin == HUMAN and t.status == ACTIVE]
    # Added themes get ids of their own in the classifier, never a codebook theme's.
    back.update({t.theme_id: ADDED + t.theme_id for t in added})
    full = Codebook(
        book.themes
        + tuple(
            CodebookTheme(ADDED + t.theme_id, t.label, t.description, question=question)
            for t in added
        )
    )
    coded = {
        response_id: {back[t] for t in labels if t in back}
        for response_id, labels in theme_set.hand_coded().items()
        if response_id in texts.index
    }
    classifier = CodebookClassifier(full, backend=backend).fit(texts, coded, progress)
    proposed = classifier.predict(texts)
    sure = classifier.predict_proba(texts)
    rows = [(r, t, float(sure.at[r, t])) for r, themes in proposed.items() for t in sorted(themes)]
    assignments = pd.DataFrame(rows, columns=["response_id", "theme_id", "weight"])
    listed = set(book.theme_ids)
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
    new_landing = theme_set.apply_machine_run(
        themes,
        assignments[assignments["theme_id"].isin(listed)],
        keep_listed=True,
        same_as=landing,
    )
    for landed in filter(None, new_landing.values()):
        # People wrote these names (the codebook), so they may be published unlike the
        # discovered ones, which are built from answers' words.
        if theme_set.themes[landed].label_origin == MACHINE:
            theme_set.themes[landed].label_origin = CODEBOOK
    for row in assignments[~assignments["theme_id"].isin(listed)].itertuples():
        # Proposals of a theme people added land on that theme, never over a person's decision.
        theme_set.propose(str(row.response_id), row.theme_id.removeprefix(ADDED), row.weight)
    return theme_set, new_landing


def codebook_theme_sets(
    responses: pd.DataFrame, codebook: Codebook | str | Path, progress: Progress = no_progress
) -> tuple[dict[str, ThemeSet], str]:
    """Code every proposal's free text against a codebook (nothing hand-coded yet).

    Returns theme sets by proposal and the sentence for the report's methods text.
    ``progress`` hears how many questions are done (step ``BY_QUESTION``) and each one's steps,
    named "Question 2 of 8 (P2): …".
    """
    book = codebook if isinstance(codebook, Codebook) else read_codebook(codebook)
    questions = [
        q
        for q in proposals_in(responses)
        if f"{q}__why" in responses.columns
        and len(free_text(responses, q)) >= 2
        and book.for_question(q).themes
    ]
    theme_sets = {}
    for question, told in in_parts(progress, BY_QUESTION, questions, "Question"):
        theme_sets[question], _ = codebook_run(
            free_text(responses, question), question, book, progress=told
        )
    return theme_sets, CODEBOOK_METHOD
