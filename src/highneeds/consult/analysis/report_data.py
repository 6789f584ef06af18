"""Everything an outcome report needs, in tables (and chart figures), from one responses export.

``report_data(responses, ...)`` returns a ``ReportData``: who responded, agreement per proposal
(exact figures for officers and suppressed tables for publication), differences between groups
worth noticing, and per question the themes with counts by stance and group and redacted quotes,
plus how much people reviewed. ``provenance`` ties every figure to the export (row count and
SHA-256 of the table as read), so a reader can trace a number back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from highneeds.consult.analysis.agreement import (
    ALL_GROUP,
    SUPPRESSED,
    agreement_table,
    group_differences,
    publication_table,
    published_counts,
    suppression_mask,
)
from highneeds.consult.analysis.coding import BY_QUESTION, discovery_method
from highneeds.consult.analysis.review import CODEBOOK, HUMAN, ThemeSet
from highneeds.consult.analysis.schema import (
    AGREEMENT_LABELS,
    AGREEMENT_SCALE,
    GROUPINGS,
    STANCES,
    free_text,
    validate_responses,
)
from highneeds.consult.analysis.themes import ThemeFinder, themes_by_stance
from highneeds.consult.publication import (
    moderated_vocabulary,
    publishable,
    quotable_texts,
    unnamed_theme,
)
from highneeds.progress import Progress, in_parts, no_progress

METHODS = (
    "Percentages of the five-point answers are of those who answered on the scale; "
    "'don't know' and 'not answered' are shown apart. 95% confidence intervals are Wilson score "
    "intervals; differences between a group and everyone else use Newcombe's hybrid score "
    "interval, and are reported when the interval excludes zero and the gap is at least 10 "
    "percentage points. Counts from 1 to {t_minus} are shown as 'c', and further cells are "
    "hidden where a hidden count could be worked out from a total. Themes were found by "
    "{theme_method}; analysts reviewed {reviewed}. A respondent's stance on a theme is their "
    "own agreement answer to the proposal, never inferred from their words. Only answers a "
    "moderator checked are quoted, in the moderator's wording ({moderated}); a theme's name "
    "made by the machine is shown only when every word of it appears in moderated wording, and "
    "a theme whose count is suppressed is never quoted."
)


@dataclass
class QuestionThemes:
    question: str
    themes: pd.DataFrame  # theme_id, label, description, answers, support, oppose, neutral
    published: pd.DataFrame  # the same counts as text, small ones as 'c'
    by_group: pd.DataFrame  # theme_id × respondent_type × stance counts (exact, for officers)
    quotes: pd.DataFrame  # theme_id, response_id, text (the moderator's wording)
    review: dict | None = None
    moderated: int = 0  # answers with moderated wording, the only ones quoted


@dataclass
class ReportData:
    provenance: dict
    methods: str
    profile: dict[str, pd.DataFrame]  # grouping -> published counts of respondents
    agreement: pd.DataFrame  # exact, everyone, per proposal and answer (with Wilson CIs)
    published_agreement: dict[tuple[str, str], pd.DataFrame]  # (proposal, grouping) -> table
    differences: pd.DataFrame  # notable group differences with Newcombe intervals
    themes: dict[str, QuestionThemes] = field(default_factory=dict)


def _fingerprint(responses: pd.DataFrame) -> str:
    return hashlib.sha256(responses.to_csv(index=False).encode()).hexdigest()


def _profile(responses: pd.DataFrame, threshold: int) -> dict[str, pd.DataFrame]:
    return profile_tables(responses, GROUPINGS, threshold)


def profile_tables(
    responses: pd.DataFrame, groupings: Mapping[str, Mapping[str, str]], threshold: int
) -> dict[str, pd.DataFrame]:
    """Who responded, as published: per column of ``responses`` named in ``groupings``
    (column -> {code: words}, in order) the respondents with each answer and all respondents,
    small counts suppressed (primary and secondary)."""
    profile = {}
    for by, names in groupings.items():
        counts = responses[by].value_counts().reindex(list(names), fill_value=0)
        table = pd.DataFrame(
            {"respondents": [*counts.tolist(), len(responses)]},
            index=[*names.values(), "All respondents"],
        )
        hidden = suppression_mask(table, threshold, total_column=False)
        profile[by] = published_counts(table, hidden)
    return profile


def _published_names(
    info: dict, theme_set: ThemeSet | None, vocabulary: frozenset[str]
) -> dict[str, tuple[str, str]]:
    """(label, description) of each theme as it may be published.

    A name a person wrote (an analyst's, or the council's codebook) may be published; a
    discovered one only when every word of it appears in moderated wording (it is built from
    the answers' own words).
    """
    names = {}
    for number, (theme_id, (label, description, _)) in enumerate(info.items(), start=1):
        named_by_person = theme_set is not None and theme_set.themes[theme_id].label_origin in (
            HUMAN,
            CODEBOOK,
        )
        if named_by_person:
            names[theme_id] = (label, description)
            continue
        names[theme_id] = (
            label if publishable(label, vocabulary) else unnamed_theme(number),
            description if publishable(description, vocabulary) else "",
        )
    return names


def _question_themes(
    responses: pd.DataFrame,
    question: str,
    theme_set: ThemeSet | None,
    threshold: int,
    seed: int,
    quotable: pd.Series,
    progress: Progress = no_progress,
) -> QuestionThemes:
    """Themes of one question; ``quotable`` is the moderated wording by response id."""
    texts = free_text(responses, question)
    quotable = quotable[quotable.index.isin(texts.index)]
    if theme_set is None:
        finder = ThemeFinder(seed=seed).fit(texts, progress)
        assignments = finder.assignments_[["response_id", "theme_id"]]
        info = {
            t.theme_id: (t.label, t.description, [q.response_id for q in t.quotes])
            for t in finder.themes_
        }
        review = None
    else:
        assignments = theme_set.assignments_frame()[["response_id", "theme_id"]]
        info = {
            t: (
                theme_set.themes[t].label,
                theme_set.themes[t].description,
                [q["response_id"] for q in theme_set.themes[t].quotes],
            )
            for t in theme_set.active_theme_ids()
        }
        review = theme_set.summary(answers=len(texts))
    names = _published_names(info, theme_set, moderated_vocabulary(quotable.tolist()))
    stance = themes_by_stance(assignments, responses, question).set_index("theme_id")
    stance = stance.reindex(list(info), fill_value=0)
    themes = pd.DataFrame(
        {
            "label": [names[t][0] for t in info],
            "description": [names[t][1] for t in info],
            **{s: stance[s].to_numpy() for s in (*STANCES, "total")},
        },
        index=pd.Index(list(info), name="theme_id"),
    ).sort_values("total", ascending=False)
    counts = themes[[*STANCES, "total"]]
    published = published_counts(counts, suppression_mask(counts, threshold, total_row=False))
    published.insert(0, "label", themes["label"])
    by_group = themes_by_stance(assignments, responses, question, by="respondent_type")
    carriers = assignments.groupby("theme_id")["response_id"].apply(list).to_dict()
    quotes = []
    for theme_id in themes.index:
        if published.loc[theme_id, "total"] == SUPPRESSED:
            continue  # a quote would show what the suppressed count hides
        # The machine's representative answers first, then other answers carrying the theme;
        # only those a moderator checked, in the moderator's wording.
        chosen = [r for r in info[theme_id][2] if r in set(carriers.get(theme_id, []))]
        chosen += [r for r in carriers.get(theme_id, []) if r not in chosen]
        chosen = [r for r in chosen if r in quotable.index]
        quotes += [
            {"theme_id": theme_id, "response_id": r, "text": quotable[r]} for r in chosen[:3]
        ]
    return QuestionThemes(
        question=question,
        themes=themes,
        published=published,
        by_group=by_group,
        quotes=pd.DataFrame(quotes, columns=["theme_id", "response_id", "text"]),
        review=review,
        moderated=len(quotable),
    )


def report_data(
    responses: pd.DataFrame,
    *,
    theme_sets: dict[str, ThemeSet] | None = None,
    quotable: pd.DataFrame | None = None,
    threshold: int = 5,
    seed: int = 0,
    source: str | None = None,
    theme_method: str | None = None,
    progress: Progress = no_progress,
) -> ReportData:
    """Tables for the outcome report from a responses export.

    ``theme_sets`` gives reviewed themes per question; questions without one get machine themes
    (default back end, ``seed``). ``quotable`` is the moderated export (the same layout, each
    answer in its moderated wording, blank where not moderated): the only text ever quoted;
    without it nothing is quoted. ``threshold``: counts below it are suppressed in published
    tables. ``source`` names the export file in the provenance. ``theme_method`` describes how
    the themes in ``theme_sets`` were found, for the methods text (the default discovery's
    words are added for the questions whose themes are discovered here).
    ``progress`` hears how many of the questions whose themes are discovered here are done
    (step ``BY_QUESTION``) and each one's steps, named "Question 2 of 8 (P2): …"
    (``highneeds.progress``).
    """
    schema = validate_responses(responses, file=source)
    theme_sets = theme_sets or {}
    questions = [
        q
        for q in schema.proposals
        if f"{q}__why" in responses.columns and len(free_text(responses, q)) >= 2
    ]
    discovered = [q for q in questions if q not in theme_sets]
    found = {
        q: _question_themes(responses, q, None, threshold, seed, quotable_texts(quotable, q), told)
        for q, told in in_parts(progress, BY_QUESTION, discovered, "Question")
    }
    themes = {
        q: found[q]
        if q in found
        else _question_themes(
            responses, q, theme_sets[q], threshold, seed, quotable_texts(quotable, q)
        )
        for q in questions
    }
    # Questions found here by default discovery are said so beside the given theme_method.
    ways = [theme_method] if theme_method else []
    if discovered or not ways:
        ways.append(discovery_method())
    answers = sum(len(free_text(responses, q)) for q in questions)
    moderated = sum(t.moderated for t in themes.values())
    reviewed = [t.review for t in themes.values() if t.review]
    reviewed_text = (
        f"{sum(r['answers_reviewed'] for r in reviewed)} of "
        f"{sum(r['answers'] for r in reviewed)} answers"
        if reviewed
        else "none of the answers"
    )
    differences = pd.concat(
        [group_differences(responses, by=by) for by in ("respondent_type", "version")],
        ignore_index=True,
    )
    return ReportData(
        provenance={
            "source": source,
            "responses": len(responses),
            "proposals": list(schema.proposals),
            "sha256": _fingerprint(responses),
        },
        methods=METHODS.format(
            t_minus=threshold - 1,
            theme_method="; and ".join(dict.fromkeys(ways)),
            reviewed=reviewed_text,
            moderated=f"{moderated:,} of {answers:,} free-text answers were moderated",
        ),
        profile=_profile(responses, threshold),
        agreement=agreement_table(responses),
        published_agreement={
            (p, by): publication_table(responses, p, by, threshold)
            for p in schema.proposals
            for by in ("respondent_type", "version")
        },
        differences=differences[differences["notable"]].reset_index(drop=True),
        themes=themes,
    )


def agreement_figure(agreement: pd.DataFrame, title: str = "Agreement with each proposal"):
    """A horizontal stacked bar per proposal: % on each point of the scale (everyone).

    Takes ``ReportData.agreement`` (or ``agreement_table(responses)``); returns a matplotlib
    Figure (no pyplot state, safe in a web worker).
    """
    from matplotlib.figure import Figure

    overall = agreement[
        (agreement["group"] == ALL_GROUP) & agreement["answer"].isin(AGREEMENT_SCALE)
    ]
    table = overall.pivot(index="proposal", columns="answer", values="percent")
    table = table.reindex(columns=list(AGREEMENT_SCALE)).fillna(0)
    table = table.loc[list(dict.fromkeys(overall["proposal"]))[::-1]]
    figure = Figure(figsize=(8, 0.6 * len(table) + 1.5))
    axes = figure.add_subplot()
    colours = ["#1d70b8", "#5694ca", "#b1b4b6", "#f47738", "#d4351c"]  # GOV.UK palette
    left = pd.Series(0.0, index=table.index)
    for answer, colour in zip(AGREEMENT_SCALE, colours, strict=True):
        axes.barh(
            table.index, table[answer], left=left, color=colour, label=AGREEMENT_LABELS[answer]
        )
        left += table[answer]
    axes.set_xlim(0, 100)
    axes.set_xlabel("% of those answering on the scale")
    axes.set_ylabel("Proposal")
    axes.set_title(title, loc="left")
    axes.legend(ncols=3, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.25))
    figure.tight_layout()
    return figure
