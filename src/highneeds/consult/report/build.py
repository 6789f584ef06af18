"""Gather the outcome report's content from a responses export: tables, charts and text.

Every published number goes through the suppression rules of
``highneeds.consult.analysis.agreement`` (counts 1-4 shown as ``c``, with secondary suppression),
and every table names the export it came from (file name, rows, SHA-256), so a reader can trace
a figure back. The renderers (``render.py``) only lay this out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from highneeds import __version__
from highneeds.consult.analysis.agreement import (
    AGREE_TOTAL,
    ALL_GROUP,
    DISAGREE_TOTAL,
    SUPPRESSED,
    TABLE_ANSWERS,
    agreement_table,
    published_counts,
    suppression_mask,
)
from highneeds.consult.analysis.report_data import ReportData, report_data
from highneeds.consult.analysis.review import ThemeSet
from highneeds.consult.analysis.schema import (
    AGREEMENT_LABELS,
    AGREEMENT_SCALE,
    DONT_KNOW,
    GROUPINGS,
    NOT_ANSWERED,
    RESPONDENT_TYPES,
    STANCES,
    free_text,
)
from highneeds.consult.publication import is_unnamed_theme, moderation_sentence
from highneeds.consult.report import charts
from highneeds.consult.report.inputs import WeDid, we_did_from_dict
from highneeds.progress import Progress, no_progress
from highneeds.text import clean_frame, clean_value

#: The step after the themes, as a progress bar names it.
TABLES = "Drawing the tables and charts"

GROUP_TITLES = {
    "respondent_type": "type of respondent",
    "version": "version of the consultation",
    "source": "how the response came in",
}
STANCE_LABELS = {"support": "Support", "oppose": "Oppose", "neutral": "Neutral or don't know"}
_AGREE_PARTS = ("strongly_agree", "agree")
_DISAGREE_PARTS = ("disagree", "strongly_disagree")


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]
    source: str = ""
    note: str = ""


@dataclass
class Chart:
    title: str
    svg: str
    png: bytes
    alt: str
    narrow_svg: str = ""  # the phone's drawing (HTML only)


@dataclass
class ProposalSection:
    code: str
    title: str
    we_asked: str
    you_said: str
    we_did: str
    chart: Chart | None
    overall: Table
    by_group: list[Table]
    differences: list[str]
    charted_note: str = ""


@dataclass
class ThemeBlock:
    label: str
    description: str
    counts: dict[str, str]  # stance -> published count
    quotes: list[str]


@dataclass
class QuestionSection:
    code: str
    title: str
    answers: int
    themes: list[ThemeBlock]
    by_stance: Table
    by_group: Table
    review: str


@dataclass
class OutcomeReport:
    we_did: WeDid
    provenance: dict
    methods: str
    overall_chart: Chart | None
    profile: list[Table]
    proposals: list[ProposalSection]
    questions: list[QuestionSection]
    review: str
    threshold: int
    data: ReportData = field(repr=False)

    @property
    def title(self) -> str:
        return self.we_did.title

    @property
    def source_line(self) -> str:
        p = self.provenance
        return (
            f"Source: {p['source'] or 'responses export'}, {p['responses']:,} responses, "
            f"SHA-256 {p['file_sha256'][:12]}"
        )


def _pct(value: float) -> str:
    return "z" if pd.isna(value) else f"{value:.0f}%"


def _interval(low: float, high: float) -> str:
    return "z" if pd.isna(low) else f"{low:.0f}% to {high:.0f}%"


def _proposal_title(we_did: WeDid, code: str) -> str:
    title = we_did.for_proposal(code).title
    return f"{code}: {title}" if title else code


def _overall_table(
    data: ReportData, code: str, threshold: int, source: str
) -> tuple[Table, pd.Series, bool]:
    """Everyone's answers to one proposal with Wilson intervals, suppressed for publication.

    Returns (table, exact percentages of the scale, whether any scale count is hidden). A scale
    percentage with the counts beside it would give the base, so all scale percentages become
    ``c`` when any scale count is hidden; "don't know" and "not answered" are percentages of
    everyone and hide only with their own count.
    """
    published = data.published_agreement[(code, "respondent_type")].loc[ALL_GROUP]
    hidden = {a: published[a] == SUPPRESSED for a in TABLE_ANSWERS}
    hidden[AGREE_TOTAL] = any(hidden[a] for a in _AGREE_PARTS)
    hidden[DISAGREE_TOTAL] = any(hidden[a] for a in _DISAGREE_PARTS)
    scale_hidden = any(hidden[a] for a in AGREEMENT_SCALE)
    exact = data.agreement[
        (data.agreement["proposal"] == code) & (data.agreement["group"] == ALL_GROUP)
    ].set_index("answer")
    labels = {
        **AGREEMENT_LABELS,
        AGREE_TOTAL: "Agree or strongly agree",
        DISAGREE_TOTAL: "Disagree or strongly disagree",
    }
    rows = []
    order = [*AGREEMENT_SCALE, AGREE_TOTAL, DISAGREE_TOTAL, DONT_KNOW, NOT_ANSWERED]
    for answer in order:
        row = exact.loc[answer]
        of_scale = answer not in (DONT_KNOW, NOT_ANSWERED)
        hide_share = hidden[answer] or (of_scale and scale_hidden)
        rows.append(
            [
                labels[answer],
                SUPPRESSED if hidden[answer] else f"{int(row['count']):,}",
                SUPPRESSED if hide_share else _pct(row["percent"]),
                SUPPRESSED if hide_share else _interval(row["ci_low"], row["ci_high"]),
                "those answering on the scale" if of_scale else "all respondents",
            ]
        )
    table = Table(
        caption=f"{code}: answers from all respondents, with 95% confidence intervals",
        header=["Answer", "Respondents", "Percentage", "95% confidence interval", "Percentage of"],
        rows=rows,
        source=source,
        note=f"c: fewer than {threshold} respondents, or hidden so that such a count cannot "
        "be worked out; z: no one to take a percentage of.",
    )
    percentages = exact.loc[list(AGREEMENT_SCALE), "percent"]
    return table, percentages, scale_hidden


def _group_table(data: ReportData, code: str, by: str, threshold: int, source: str) -> Table:
    published = data.published_agreement[(code, by)]
    names = {**GROUPINGS[by], ALL_GROUP: "All respondents"}
    header = [
        GROUP_TITLES[by].capitalize(),
        *[AGREEMENT_LABELS[a] for a in TABLE_ANSWERS],
        "Total",
        "% agree",
        "% disagree",
    ]
    rows = [
        [names.get(group, str(group)), *[str(v) for v in values]]
        for group, values in zip(published.index, published.to_numpy().tolist(), strict=True)
    ]
    return Table(
        caption=f"{code}: answers by {GROUP_TITLES[by]}",
        header=header,
        rows=rows,
        source=source,
        note=f"c: fewer than {threshold} respondents, or hidden so that such a count cannot be "
        "worked out. % agree and % disagree are of those answering on the five-point scale.",
    )


def _group_chart(
    data: ReportData, exact: pd.DataFrame, code: str, by: str
) -> tuple[Chart | None, str]:
    """Stacked bars for everyone and each group whose scale counts are all published.

    ``exact`` is ``agreement_table(responses, by=by)`` plus the everyone rows.
    """
    published = data.published_agreement[(code, by)]
    names = {**GROUPINGS[by], ALL_GROUP: "All respondents"}
    exact = exact[exact["proposal"] == code]
    shown, left_out = [], []
    for group in published.index:
        row = published.loc[group]
        if row["total"] == "0":
            continue
        if any(row[a] == SUPPRESSED for a in AGREEMENT_SCALE):
            left_out.append(names.get(group, str(group)))
        else:
            shown.append(group)
    if not shown:
        return None, "No group has enough answers to chart."
    percentages = (
        exact[exact["answer"].isin(AGREEMENT_SCALE)]
        .pivot(index="group", columns="answer", values="percent")
        .reindex(index=shown)
    )
    percentages.index = [names.get(g, str(g)) for g in shown]
    title = f"{code}: agreement by {GROUP_TITLES[by]}"
    note = (
        "Not charted because some of their counts are suppressed: " + ", ".join(left_out) + "."
        if left_out
        else ""
    )
    return (
        Chart(
            title=title,
            **charts.chart_images(percentages, title, GROUP_TITLES[by].capitalize()),
        ),
        note,
    )


def _you_said(table: Table, question: QuestionSection | None) -> str:
    cells = {row[0]: row for row in table.rows}
    agree = cells["Agree or strongly agree"][2]
    disagree = cells["Disagree or strongly disagree"][2]
    text = (
        f"Of those who answered on the scale, {agree} agreed and {disagree} disagreed."
        if agree != SUPPRESSED
        else "Too few people answered on the scale to give percentages."
    )
    if question and question.themes:
        top = [
            t
            for t in question.themes
            if t.counts["total"] != SUPPRESSED and not is_unnamed_theme(t.label)
        ][:3]
        if top:
            text += (
                " The points made most often were: "
                + "; ".join(f"{t.label.lower()} ({t.counts['total']} answers)" for t in top)
                + "."
            )
    return text


def _question_section(
    data: ReportData, answers: int, code: str, we_did: WeDid, threshold: int, source: str
) -> QuestionSection:
    found = data.themes[code]
    themes = []
    quotes = found.quotes.groupby("theme_id")["text"].apply(list).to_dict()
    for theme_id, row in found.published.iterrows():
        themes.append(
            ThemeBlock(
                label=str(row["label"]),
                description=str(found.themes.loc[theme_id, "description"]),
                counts={s: str(row[s]) for s in (*STANCES, "total")},
                quotes=quotes.get(theme_id, []),
            )
        )
    by_stance = Table(
        caption=f"{code}: themes by the respondent's own stance on the proposal",
        header=["Theme", *[STANCE_LABELS[s] for s in STANCES], "Answers with the theme"],
        rows=[[t.label, *[t.counts[s] for s in (*STANCES, "total")]] for t in themes],
        source=source,
        note="Stance is the respondent's own agreement answer (support: agree or strongly "
        "agree; oppose: disagree or strongly disagree). An answer can carry several themes.",
    )
    groups = found.by_group.pivot_table(
        index="theme_id", columns="respondent_type", values="total", aggfunc="sum", fill_value=0
    ).reindex(index=found.themes.index, columns=list(RESPONDENT_TYPES), fill_value=0)
    groups["total"] = groups.sum(axis=1)
    hidden = suppression_mask(groups, threshold, total_row=False)
    shown = published_counts(groups, hidden)
    by_group = Table(
        caption=f"{code}: answers with each theme by type of respondent",
        header=["Theme", *RESPONDENT_TYPES.values(), "Total"],
        rows=[[str(found.themes.loc[t, "label"]), *shown.loc[t].tolist()] for t in shown.index],
        source=source,
        note=f"c: fewer than {threshold}, or hidden so that such a count cannot be worked out.",
    )
    review = found.review
    if review and review.get("answers"):
        review_text = (
            f"A person reviewed {review['answers_reviewed']:,} of {review['answers']:,} answers "
            f"({100 * review['reviewed_share']:.0f}%); people made "
            f"{review['assignments_by_people']:,} of {review['assignments']:,} theme assignments."
        )
    else:
        review_text = "No answers have been reviewed by a person: these themes are the machine's."
    review_text += " " + moderation_sentence(found.moderated, answers)
    return QuestionSection(
        code=code,
        title=_proposal_title(we_did, code),
        answers=answers,
        themes=themes,
        by_stance=by_stance,
        by_group=by_group,
        review=review_text,
    )


def _safe_statements(data: ReportData, code: str, threshold: int) -> list[str]:
    """Notable differences whose sentence reveals nothing the published tables hide.

    A statement gives the group's base and count, so it is kept only when the group's published
    row hides nothing and no count in it falls below the threshold.
    """
    if data.differences.empty:
        return []
    rows = data.differences[data.differences["proposal"] == code]
    statements = []
    for row in rows.itertuples():
        published = data.published_agreement.get((code, row.group_by))
        if published is not None and (published.loc[row.group] == SUPPRESSED).any():
            continue
        counts = [
            row.group_count,
            row.group_base - row.group_count,
            row.rest_count,
            row.rest_base - row.rest_count,
        ]
        if all(c == 0 or c >= threshold for c in counts):
            statements.append(row.statement)
    return statements


def _cleaned(value):
    if isinstance(value, dict):
        return {clean_value(k): _cleaned(v) for k, v in value.items()}
    return clean_value(value)


def build_report(
    responses: pd.DataFrame,
    *,
    we_did: WeDid | None = None,
    theme_sets: dict[str, ThemeSet] | None = None,
    quotable: pd.DataFrame | None = None,
    source: str | None = None,
    source_bytes: bytes | None = None,
    threshold: int = 5,
    seed: int = 0,
    theme_method: str | None = None,
    generated_at: datetime | None = None,
    progress: Progress = no_progress,
) -> OutcomeReport:
    """Everything the outcome report shows, from a validated responses export.

    ``source`` names the export file and ``source_bytes`` are its bytes as read (for the file's
    SHA-256 in the provenance; without them the hash is of the table as read). ``theme_sets``
    gives reviewed themes per proposal; others get machine themes (default back end, ``seed``).
    ``quotable`` is the moderated export: quotes come only from it (see
    ``highneeds.consult.publication``); without it the report quotes no one.
    ``threshold``: counts below it are published as ``c``. ``progress`` hears the theme
    discovery's steps, question by question (``highneeds.progress``).
    """
    # Every renderer (HTML, PDF, Word) must be able to hold the text: no control characters.
    responses = clean_frame(responses)
    quotable = clean_frame(quotable) if quotable is not None else None
    we_did = we_did_from_dict(_cleaned(we_did.to_dict())) if we_did else WeDid()
    data = report_data(
        responses,
        theme_sets=theme_sets,
        quotable=quotable,
        threshold=threshold,
        seed=seed,
        source=source,
        theme_method=theme_method,
        progress=progress,
    )
    progress(TABLES, 0, 1)
    by_type = pd.concat(
        [data.agreement, agreement_table(responses, by="respondent_type")], ignore_index=True
    )
    provenance = {
        **data.provenance,
        "file_sha256": hashlib.sha256(source_bytes).hexdigest()
        if source_bytes is not None
        else data.provenance["sha256"],
        "file_bytes": len(source_bytes) if source_bytes is not None else None,
        "threshold": threshold,
        "generated_at": (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC"),
        "software": f"highneeds {__version__}",
    }
    report = OutcomeReport(
        we_did=we_did,
        provenance=provenance,
        methods=data.methods,
        overall_chart=None,
        profile=[],
        proposals=[],
        questions=[],
        review="",
        threshold=threshold,
        data=data,
    )
    source_line = report.source_line
    for by, table in data.profile.items():
        report.profile.append(
            Table(
                caption=f"Responses by {GROUP_TITLES[by]}",
                header=[GROUP_TITLES[by].capitalize(), "Responses"],
                rows=[[str(i), str(v)] for i, v in table["respondents"].items()],
                source=source_line,
                note=f"c: fewer than {threshold}, or hidden so that such a count cannot be "
                "worked out.",
            )
        )
    questions = {
        code: _question_section(
            data, len(free_text(responses, code)), code, we_did, threshold, source_line
        )
        for code in data.themes
    }
    report.questions = list(questions.values())
    overall = {}
    for code in data.provenance["proposals"]:
        table, percentages, scale_hidden = _overall_table(data, code, threshold, source_line)
        if not scale_hidden:
            overall[_proposal_title(we_did, code)] = percentages
        chart, note = _group_chart(data, by_type, code, "respondent_type")
        outcome = we_did.for_proposal(code)
        report.proposals.append(
            ProposalSection(
                code=code,
                title=_proposal_title(we_did, code),
                we_asked=outcome.we_asked,
                you_said=_you_said(table, questions.get(code)),
                we_did=outcome.we_did,
                chart=chart,
                overall=table,
                by_group=[
                    _group_table(data, code, by, threshold, source_line)
                    for by in ("respondent_type", "version")
                ],
                differences=_safe_statements(data, code, threshold),
                charted_note=note,
            )
        )
    if overall:
        frame = pd.DataFrame(overall).T
        title = "Agreement with each proposal, all respondents"
        report.overall_chart = Chart(title=title, **charts.chart_images(frame, title, "Proposal"))
    reviews = [q for q in data.themes.values() if q.review and q.review.get("answers")]
    answers = sum(q.answers for q in report.questions)
    if reviews:
        done = sum(r.review["answers_reviewed"] for r in reviews)
        total = sum(r.review["answers"] for r in reviews)
        report.review = (
            f"A person reviewed the themes of {done:,} of {total:,} free-text answers "
            f"({100 * done / total:.0f}%) in the questions with reviewed themes."
        )
    else:
        report.review = (
            "No free-text answer has been reviewed by a person yet: the themes are the "
            "machine's candidates and may change after review."
            if answers
            else ""
        )
    moderated = sum(q.moderated for q in data.themes.values())
    report.review = " ".join(filter(None, [report.review, moderation_sentence(moderated, answers)]))
    return report
