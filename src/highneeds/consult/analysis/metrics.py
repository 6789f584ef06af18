"""Agreement between machine and human coding of free-text answers, as i.AI reports it.

Each answer has a set of gold themes (human) and a set of predicted themes. Per answer:
F1 = 2|G∩P| / (|G| + |P|) (1 when both are empty, 0 when one is). Scores are averaged over
answers ("sample-averaged"), with a percentile bootstrap 95% interval over answers. Exact match is
the share of answers whose sets are equal; overlap rate the share where the sets share at least
one theme (or are both empty).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment


@dataclass(frozen=True)
class Scores:
    """Sample-averaged scores over ``answers`` answers; F1 interval from ``bootstrap`` resamples."""

    f1: float
    f1_low: float
    f1_high: float
    exact_match: float
    overlap_rate: float
    answers: int
    bootstrap: int

    def to_dict(self) -> dict:
        return asdict(self)


def per_answer_f1(gold: Sequence[set], predicted: Sequence[set]) -> np.ndarray:
    """F1 of each answer's predicted theme set against its gold set."""
    scores = np.empty(len(gold))
    for i, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        if not g and not p:
            scores[i] = 1.0
        else:
            scores[i] = 2 * len(g & p) / (len(g) + len(p))
    return scores


def score(
    gold: Sequence[set],
    predicted: Sequence[set],
    *,
    bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Scores:
    """Sample-averaged F1 with a percentile bootstrap interval, exact match and overlap rate."""
    if not gold:
        raise ValueError("no answers to score")
    f1 = per_answer_f1(gold, predicted)
    exact = np.array([g == p for g, p in zip(gold, predicted, strict=True)], dtype=float)
    overlap = np.array(
        [bool(g & p) or (not g and not p) for g, p in zip(gold, predicted, strict=True)],
        dtype=float,
    )
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(f1), size=(bootstrap, len(f1)))
    means = f1[draws].mean(axis=1)
    tail = (1 - confidence) / 2
    return Scores(
        f1=float(f1.mean()),
        f1_low=float(np.quantile(means, tail)),
        f1_high=float(np.quantile(means, 1 - tail)),
        exact_match=float(exact.mean()),
        overlap_rate=float(overlap.mean()),
        answers=len(f1),
        bootstrap=bootstrap,
    )


def match_themes(discovered: Mapping[str, set], reference: Mapping[str, set]) -> dict[str, str]:
    """Pair discovered themes with reference themes one to one, maximising total overlap.

    Both map a theme id to the set of answers carrying it. Overlap is the Jaccard index of the
    two answer sets; pairs with no overlap are left unmatched.
    Returns discovered id -> reference id.
    """
    found, known = list(discovered), list(reference)
    if not found or not known:
        return {}
    overlap = np.array(
        [
            [
                len(discovered[f] & reference[k]) / max(len(discovered[f] | reference[k]), 1)
                for k in known
            ]
            for f in found
        ]
    )
    rows, cols = linear_sum_assignment(-overlap)
    return {found[r]: known[c] for r, c in zip(rows, cols, strict=True) if overlap[r, c] > 0}


def members(labels: Mapping[str, set]) -> dict[str, set]:
    """Invert answer -> themes into theme -> answers."""
    result: dict[str, set] = {}
    for answer, themes in labels.items():
        for theme in themes:
            result.setdefault(theme, set()).add(answer)
    return result
