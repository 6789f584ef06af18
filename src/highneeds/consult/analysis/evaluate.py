"""Evaluation harness: how well machine coding matches human coding on a labelled set.

Discovery mode: themes are found without the codebook, then each discovered theme is paired one
to one with the codebook theme whose answers it overlaps most (Hungarian on Jaccard overlap);
unpaired discovered themes count as wrong. Codebook mode: a share of each question's answers is
coded by hand (taken from the gold coding), the classifier proposes themes for the rest, and only
the rest is scored. Hand-coded answers are chosen at random, or by active learning (half at
random, the rest in batches of the answers the classifier is least sure about).
Scores: sample-averaged F1 with a bootstrap 95% interval, exact match, overlap rate
(``highneeds.consult.analysis.metrics``); theme-count stability across seeds for discovery.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from highneeds.consult.analysis.codebook import Codebook, CodebookClassifier, read_codebook
from highneeds.consult.analysis.metrics import match_themes, members, score
from highneeds.consult.analysis.schema import free_text, validate_responses
from highneeds.consult.analysis.themes import ThemeFinder


@dataclass
class LabelledSet:
    """Responses (input contract), gold coding (response_id, question, theme_id), codebook."""

    responses: pd.DataFrame
    coding: pd.DataFrame
    codebook: Codebook
    questions: tuple[str, ...] = ()

    def answers(self, question: str) -> pd.Series:
        return free_text(self.responses, question)

    def gold(self, question: str) -> dict[str, set[str]]:
        """Gold themes of every answer to ``question`` (answers coded with no theme included)."""
        texts = self.answers(question)
        labels: dict[str, set[str]] = {str(r): set() for r in texts.index}
        rows = self.coding[self.coding["question"] == question]
        for row in rows.itertuples():
            labels[str(row.response_id)].add(str(row.theme_id))
        return labels


def shipped_set_path() -> Path:
    return Path(str(resources.files("highneeds") / "data" / "consult_eval"))


def load_labelled_set(folder: str | Path | None = None) -> LabelledSet:
    """Read responses.csv, coding.csv and codebook.csv from ``folder`` (default: shipped set)."""
    folder = Path(folder) if folder else shipped_set_path()
    responses = pd.read_csv(folder / "responses.csv", dtype=str, keep_default_na=False)
    responses = responses.replace("", None)
    for column in responses.columns:
        if column.endswith("__why"):
            responses[column] = responses[column].fillna("")
    schema = validate_responses(responses, file=str(folder / "responses.csv"))
    coding = pd.read_csv(folder / "coding.csv", dtype=str, keep_default_na=False)
    codebook = read_codebook(folder / "codebook.csv")
    return LabelledSet(responses, coding, codebook, schema.proposals)


def _pooled(gold: dict, predicted: dict, ids: list[str], bootstrap: int, seed: int) -> dict:
    result = score(
        [gold[i] for i in ids], [predicted[i] for i in ids], bootstrap=bootstrap, seed=seed
    )
    return result.to_dict()


def discovery_predictions(
    data: LabelledSet, question: str, finder: ThemeFinder
) -> tuple[dict[str, set[str]], int, dict[str, str]]:
    """Discovered themes for one question mapped to codebook ids; (predictions, themes, map)."""
    texts = data.answers(question)
    finder.fit(texts)
    found = finder.labels_by_response()
    mapping = match_themes(members(found), members(data.gold(question)))
    predictions = {
        answer: {mapping.get(theme, f"unmatched:{theme}") for theme in themes}
        for answer, themes in found.items()
    }
    return predictions, finder.n_themes_, mapping


@dataclass
class Evaluation:
    results: pd.DataFrame
    stability: pd.DataFrame = field(default_factory=pd.DataFrame)


def evaluate_discovery(
    data: LabelledSet,
    *,
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4),
    bootstrap: int = 1000,
    finder_params: dict | None = None,
) -> Evaluation:
    """Discovery-mode scores (first seed, all questions pooled) and stability across seeds.

    ``stability`` has a row per (question, seed): themes found, F1 for that seed, and how
    alike its assignments are to the first seed's (mean Jaccard of paired themes' answers;
    empty for the first seed itself).
    """
    rows, stability = [], []
    first: dict[str, dict] = {}
    for seed in seeds:
        gold_all, predicted_all = {}, {}
        for question in data.questions:
            finder = ThemeFinder(seed=seed, **(finder_params or {}))
            predicted, count, _ = discovery_predictions(data, question, finder)
            gold = data.gold(question)
            raw = finder.labels_by_response()
            if seed == seeds[0]:
                first[question] = members(raw)
            reference, current = first[question], members(raw)
            pairs = match_themes(current, reference)
            alike = (
                np.mean(
                    [
                        len(current[a] & reference[b]) / len(current[a] | reference[b])
                        for a, b in pairs.items()
                    ]
                )
                if pairs
                else 0.0
            )
            ids = list(gold)
            seed_scores = score([gold[i] for i in ids], [predicted[i] for i in ids], bootstrap=1)
            stability.append(
                {
                    "question": question,
                    "seed": seed,
                    "themes": count,
                    "f1": seed_scores.f1,
                    "assignment_agreement": np.nan if seed == seeds[0] else float(alike),
                }
            )
            gold_all.update({f"{question}/{k}": v for k, v in gold.items()})
            predicted_all.update({f"{question}/{k}": v for k, v in predicted.items()})
        if seed == seeds[0]:
            rows.append(
                {
                    "mode": "discovery",
                    "setting": f"tfidf+nmf seed {seed}",
                    **_pooled(gold_all, predicted_all, list(gold_all), bootstrap, seed),
                }
            )
    return Evaluation(pd.DataFrame(rows), pd.DataFrame(stability))


def hand_coded_sample(
    texts: pd.Series,
    gold: dict[str, set[str]],
    codebook: Codebook,
    share: float,
    strategy: str,
    seed: int,
    batches: int = 4,
    classifier_params: dict | None = None,
) -> list[str]:
    """Answer ids a person would code: ``share`` of the answers, at random or actively."""
    ids = [str(i) for i in texts.index]
    target = max(1, round(share * len(ids)))
    rng = np.random.default_rng(seed)
    if strategy == "random":
        return [str(i) for i in rng.choice(ids, size=target, replace=False)]
    if strategy != "active":
        raise ValueError(f"unknown sampling strategy {strategy!r}")
    chosen = [str(i) for i in rng.choice(ids, size=max(1, target // 2), replace=False)]
    step = max(1, (target - len(chosen) + batches - 1) // batches)
    while len(chosen) < target:
        model = CodebookClassifier(codebook, seed=seed, **(classifier_params or {})).fit(
            texts, {i: gold[i] for i in chosen}
        )
        chosen += model.next_to_code(texts, n=min(step, target - len(chosen)))
    return chosen


def evaluate_codebook(
    data: LabelledSet,
    *,
    shares: tuple[float, ...] = (0.0, 0.1, 0.2),
    strategies: tuple[str, ...] = ("random", "active"),
    seed: int = 0,
    bootstrap: int = 1000,
    classifier_params: dict | None = None,
) -> Evaluation:
    """Codebook-mode scores on the answers not hand-coded, all questions pooled."""
    rows = []
    for share in shares:
        for strategy in strategies if share > 0 else ("none",):
            gold_all, predicted_all = {}, {}
            for question in data.questions:
                texts, gold = data.answers(question), data.gold(question)
                codebook = data.codebook.for_question(question)
                coded = (
                    hand_coded_sample(
                        texts,
                        gold,
                        codebook,
                        share,
                        strategy,
                        seed,
                        classifier_params=classifier_params,
                    )
                    if share > 0
                    else []
                )
                model = CodebookClassifier(codebook, seed=seed, **(classifier_params or {})).fit(
                    texts, {i: gold[i] for i in coded}
                )
                predicted = model.predict(texts)
                for answer in gold:
                    if answer not in set(coded):
                        gold_all[f"{question}/{answer}"] = gold[answer]
                        predicted_all[f"{question}/{answer}"] = predicted[answer]
            label = "codebook only" if share == 0 else f"{share:.0%} hand-coded ({strategy})"
            rows.append(
                {
                    "mode": "codebook",
                    "setting": label,
                    **_pooled(gold_all, predicted_all, list(gold_all), bootstrap, seed),
                }
            )
    return Evaluation(pd.DataFrame(rows))


def evaluate_all(
    data: LabelledSet | None = None,
    *,
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4),
    bootstrap: int = 1000,
) -> Evaluation:
    """Both modes on a labelled set (default: the shipped one)."""
    data = data or load_labelled_set()
    discovery = evaluate_discovery(data, seeds=seeds, bootstrap=bootstrap)
    codebook = evaluate_codebook(data, bootstrap=bootstrap, seed=seeds[0])
    return Evaluation(
        pd.concat([discovery.results, codebook.results], ignore_index=True), discovery.stability
    )
