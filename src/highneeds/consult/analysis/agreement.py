"""How far respondents agreed with each proposal, overall and by group, with uncertainty.

Percentages of the five-point answers are of those who answered on the scale; "don't know" and
"not answered" are shown separately as percentages of everyone in the group. Intervals are Wilson
score intervals (good coverage for small groups and for percentages near 0 or 100); differences
between groups use Newcombe's hybrid score interval built from the two Wilson intervals
(Newcombe 1998, method 10). Published tables suppress small counts (see ``publication_table`` and
:mod:`highneeds.suppression`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.stats import norm

from highneeds.consult.analysis.schema import (
    AGREEMENT_SCALE,
    DONT_KNOW,
    GROUPINGS,
    NOT_ANSWERED,
    agreement_answers,
    proposals_in,
)
from highneeds.suppression import SUPPRESSED, published_counts, suppression_mask

AGREE_TOTAL = "agree_total"
DISAGREE_TOTAL = "disagree_total"
_AGREE = ("strongly_agree", "agree")
_DISAGREE = ("disagree", "strongly_disagree")
ALL_GROUP = "all"
TABLE_ANSWERS: tuple[str, ...] = (*AGREEMENT_SCALE, DONT_KNOW, NOT_ANSWERED)


def wilson_interval(
    successes: float | np.ndarray, trials: float | np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion, as proportions in [0, 1]. NaN where trials is 0."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z / denominator * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
        low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return low, high


def newcombe_difference(
    k1: float, n1: float, k2: float, n2: float, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Difference of two independent proportions p1 - p2 with Newcombe's hybrid score interval.

    Returns (difference, low, high) as proportions; NaNs if either group is empty.
    """
    if n1 <= 0 or n2 <= 0:
        return (math.nan, math.nan, math.nan)
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = (float(v) for v in wilson_interval(k1, n1, confidence))
    l2, u2 = (float(v) for v in wilson_interval(k2, n2, confidence))
    difference = p1 - p2
    low = difference - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = difference + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return (difference, low, high)


def _groups(responses: pd.DataFrame, by: str | None) -> list[tuple[str, pd.DataFrame]]:
    if by is None:
        return [(ALL_GROUP, responses)]
    known = list(GROUPINGS[by]) if by in GROUPINGS else sorted(responses[by].dropna().unique())
    return [(group, responses[responses[by] == group]) for group in known]


def _answer_counts(answers: pd.Series) -> dict[str, int]:
    counts = answers.value_counts()
    return {answer: int(counts.get(answer, 0)) for answer in TABLE_ANSWERS}


def agreement_table(
    responses: pd.DataFrame,
    *,
    by: str | None = None,
    proposals: Iterable[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Counts, percentages and Wilson intervals of each answer, per proposal and group.

    One row per (proposal, group, answer). ``answer`` runs over the five-point scale, the totals
    ``agree_total`` / ``disagree_total``, then ``dont_know`` and ``not_answered``. ``base`` is the
    denominator (respondents): for scale answers and totals those who answered on the scale
    (``percent_of`` = 'scale'), otherwise everyone in the group ('all'). Percentages and interval
    ends are in percent (0-100). ``by`` is None (everyone), 'respondent_type', 'version' or
    'source'; every known group is listed, with zero counts where nobody responded.
    """
    rows = []
    for proposal in proposals or proposals_in(responses):
        for group, members in _groups(responses, by):
            counts = _answer_counts(agreement_answers(members, proposal))
            everyone = len(members)
            on_scale = sum(counts[a] for a in AGREEMENT_SCALE)
            derived = {
                **{a: (counts[a], on_scale, "scale") for a in AGREEMENT_SCALE},
                AGREE_TOTAL: (sum(counts[a] for a in _AGREE), on_scale, "scale"),
                DISAGREE_TOTAL: (sum(counts[a] for a in _DISAGREE), on_scale, "scale"),
                DONT_KNOW: (counts[DONT_KNOW], everyone, "all"),
                NOT_ANSWERED: (counts[NOT_ANSWERED], everyone, "all"),
            }
            for answer, (count, base, percent_of) in derived.items():
                rows.append(
                    {
                        "proposal": proposal,
                        "group_by": by or ALL_GROUP,
                        "group": group,
                        "answer": answer,
                        "count": count,
                        "base": base,
                        "percent_of": percent_of,
                    }
                )
    table = pd.DataFrame(rows)
    low, high = wilson_interval(table["count"].to_numpy(), table["base"].to_numpy(), confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["percent"] = np.where(table["base"] > 0, 100 * table["count"] / table["base"], np.nan)
    table["ci_low"] = 100 * low
    table["ci_high"] = 100 * high
    return table


def group_differences(
    responses: pd.DataFrame,
    *,
    by: str,
    proposals: Iterable[str] | None = None,
    answer: str = AGREE_TOTAL,
    min_base: int = 10,
    notable_points: float = 10.0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Each group's share answering ``answer`` against everyone else's, with a Newcombe interval.

    ``difference``, ``ci_low`` and ``ci_high`` are percentage points (group minus the rest), over
    those who answered on the scale. A difference is ``notable`` when its interval excludes zero
    and it is at least ``notable_points`` points; groups with fewer than ``min_base`` scale answers
    are not compared (their differences are too uncertain to state). ``statement`` is a sentence
    a report can quote.
    """
    table = agreement_table(responses, by=by, proposals=proposals, confidence=confidence)
    table = table[table["answer"] == answer]
    names = GROUPINGS.get(by, {})
    rows = []
    for proposal, per_proposal in table.groupby("proposal", sort=False):
        total_count = int(per_proposal["count"].sum())
        total_base = int(per_proposal["base"].sum())
        for row in per_proposal.itertuples():
            rest_count, rest_base = total_count - row.count, total_base - row.base
            if row.base < min_base or rest_base < min_base:
                continue
            difference, low, high = newcombe_difference(
                row.count, row.base, rest_count, rest_base, confidence
            )
            notable = bool((low > 0 or high < 0) and abs(difference) * 100 >= notable_points)
            who = (
                "Respondents of other types"
                if row.group == "other"
                else f"{names.get(row.group, str(row.group))} respondents"
            )
            direction = "more" if difference > 0 else "less"
            statement = (
                f"{proposal}: {who} {answer_phrase(answer)} {direction} often "
                f"than everyone else ({100 * row.count / row.base:.0f}% of {row.base} against "
                f"{100 * rest_count / rest_base:.0f}% of {rest_base}; difference "
                f"{100 * difference:+.0f} points, {confidence:.0%} CI {100 * low:+.0f} to "
                f"{100 * high:+.0f})."
            )
            rows.append(
                {
                    "proposal": proposal,
                    "group_by": by,
                    "group": row.group,
                    "group_count": int(row.count),
                    "group_base": int(row.base),
                    "rest_count": rest_count,
                    "rest_base": rest_base,
                    "difference": 100 * difference,
                    "ci_low": 100 * low,
                    "ci_high": 100 * high,
                    "notable": notable,
                    "statement": statement,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "proposal",
            "group_by",
            "group",
            "group_count",
            "group_base",
            "rest_count",
            "rest_base",
            "difference",
            "ci_low",
            "ci_high",
            "notable",
            "statement",
        ],
    )


def answer_phrase(answer: str) -> str:
    return {
        AGREE_TOTAL: "agreed",
        DISAGREE_TOTAL: "disagreed",
    }.get(answer, f"answered {answer!r}")


# --- publication -----------------------------------------------------------------------------


def count_table(responses: pd.DataFrame, proposal: str, by: str) -> pd.DataFrame:
    """Wide counts for one proposal: a row per group and 'all'; a column per answer and 'total'."""
    rows = {}
    for group, members in [*_groups(responses, by), (ALL_GROUP, responses)]:
        counts = _answer_counts(agreement_answers(members, proposal))
        rows[group] = {**counts, "total": len(members)}
    return pd.DataFrame.from_dict(rows, orient="index")[[*TABLE_ANSWERS, "total"]]


#: Headings people read for publication_table's columns other than the answers.
PUBLICATION_HEADINGS = {
    "total": "Total",
    "agree_percent": "% agree",
    "disagree_percent": "% disagree",
}


def publication_table(
    responses: pd.DataFrame, proposal: str, by: str, threshold: int = 5
) -> pd.DataFrame:
    """A table fit to publish: counts as text with small ones as ``c``, and rounded percentages.

    Columns: each answer, 'total', 'agree_percent' and 'disagree_percent' (whole percent of those
    answering on the scale). A row with any hidden count shows its percentages as ``c`` too,
    because a percentage times the base would give the hidden count back.
    """
    counts = count_table(responses, proposal, by)
    hidden = suppression_mask(counts, threshold)
    published = published_counts(counts, hidden)
    on_scale = counts[list(AGREEMENT_SCALE)].sum(axis=1)
    for column, answers in (("agree_percent", _AGREE), ("disagree_percent", _DISAGREE)):
        share = counts[list(answers)].sum(axis=1) / on_scale.where(on_scale > 0)
        text = share.map(lambda v: "z" if pd.isna(v) else f"{100 * v:.0f}")
        published[column] = text.where(~hidden.any(axis=1), SUPPRESSED)
    published.index.name = by
    return published
