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

import hashlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from highneeds.consult.analysis.codebook import (
    Codebook,
    CodebookClassifier,
    TfidfCodebookClassifier,
    read_codebook,
)
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
                    "setting": f"{finder.backend} seed {seed}",
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
    classifier: type = CodebookClassifier,
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
        model = classifier(codebook, seed=seed, **(classifier_params or {})).fit(
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
    classifier: type = CodebookClassifier,
) -> Evaluation:
    """Codebook-mode scores on the answers not hand-coded, all questions pooled.

    ``classifier`` is the class to score (``TfidfCodebookClassifier`` takes
    ``keyword_weight`` among ``classifier_params``)."""
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
                        classifier=classifier,
                    )
                    if share > 0
                    else []
                )
                model = classifier(codebook, seed=seed, **(classifier_params or {})).fit(
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


# --- The real labelled set: Pol.is statements coded by hand (CC BY 4.0) ---------------------

REAL_SET = "consult_eval_polis"
PARTS = ("dev", "report")


def part_of(question: str, answer_id: str) -> str:
    """'dev' or 'report', fixed by a hash of the answer's question and id (about half each).

    Methods are tuned on 'dev' only; the published figures come from 'report'.
    """
    digest = hashlib.sha256(f"{question}/{answer_id}".encode()).digest()
    return PARTS[digest[0] % 2]


@dataclass
class TextLabelledSet:
    """Statements (question, id, text), gold coding (question, id, theme_id; an empty theme
    means coded as carrying none) and the codebook, one question per conversation."""

    statements: pd.DataFrame
    coding: pd.DataFrame
    codebook: Codebook
    questions: tuple[str, ...]

    def answers(self, question: str) -> pd.Series:
        rows = self.statements[self.statements["question"] == question]
        return pd.Series(rows["text"].to_numpy(), index=rows["id"].astype(str).to_numpy())

    def gold(self, question: str) -> dict[str, set[str]]:
        labels: dict[str, set[str]] = {i: set() for i in self.answers(question).index}
        rows = self.coding[self.coding["question"] == question]
        for row in rows.itertuples():
            if row.theme_id:
                labels[str(row.id)].add(str(row.theme_id))
        return labels

    def ids(self, question: str, part: str) -> list[str]:
        return [i for i in self.answers(question).index if part_of(question, i) == part]


def load_real_set(folder: str | Path | None = None) -> TextLabelledSet:
    """The Pol.is statements coded by hand that ship with highneeds (or ``folder``)."""
    folder = Path(folder) if folder else shipped_set_path().parent / REAL_SET
    statements = pd.read_csv(folder / "statements.csv", dtype=str, keep_default_na=False)
    coding = pd.read_csv(folder / "coding.csv", dtype=str, keep_default_na=False)
    codebook = read_codebook(folder / "codebook.csv")
    questions = tuple(dict.fromkeys(statements["question"]))
    return TextLabelledSet(statements, coding, codebook, questions)


def score_discovery(
    data: TextLabelledSet,
    part: str,
    make_finder,
    *,
    bootstrap: int = 1000,
    seed: int = 0,
) -> dict:
    """Discovery on every question's answers (no labels used), scored on one part.

    Discovered themes are paired with codebook themes using the gold coding of that part
    only, so the report part's labels never shape what is tuned on the dev part.
    """
    gold_all, predicted_all = {}, {}
    for question in data.questions:
        texts = data.answers(question)
        finder = make_finder(question).fit(texts)
        found = finder.labels_by_response()
        ids = data.ids(question, part)
        gold = data.gold(question)
        mapping = match_themes(
            members({i: found[i] for i in ids}), members({i: gold[i] for i in ids})
        )
        for i in ids:
            gold_all[f"{question}/{i}"] = gold[i]
            predicted_all[f"{question}/{i}"] = {mapping.get(t, f"unmatched:{t}") for t in found[i]}
    return _pooled(gold_all, predicted_all, list(gold_all), bootstrap, seed)


def score_codebook(
    data: TextLabelledSet,
    part: str,
    share: float,
    make_classifier,
    *,
    bootstrap: int = 1000,
    seed: int = 0,
) -> dict:
    """Codebook mode on one part: ``share`` of its answers coded by hand (from the gold
    coding, chosen at random with ``seed``), the rest proposed by the machine and scored."""
    gold_all, predicted_all = {}, {}
    rng = np.random.default_rng(seed)
    for question in data.questions:
        texts, gold = data.answers(question), data.gold(question)
        ids = data.ids(question, part)
        count = round(share * len(ids))
        coded = [str(i) for i in rng.choice(ids, size=count, replace=False)] if count else []
        book = data.codebook.for_question(question)
        model = make_classifier(book).fit(texts, {i: gold[i] for i in coded})
        predicted = model.predict(texts)
        for i in set(ids) - set(coded):
            gold_all[f"{question}/{i}"] = gold[i]
            predicted_all[f"{question}/{i}"] = predicted[i]
    return _pooled(gold_all, predicted_all, sorted(gold_all), bootstrap, seed)


def _kappa(decisions: np.ndarray) -> float:
    """Cohen's kappa of two coders' yes/no decisions (rows: decision; columns: coder)."""
    observed = float((decisions[:, 0] == decisions[:, 1]).mean())
    p1, p2 = decisions[:, 0].mean(), decisions[:, 1].mean()
    expected = p1 * p2 + (1 - p1) * (1 - p2)
    return 1.0 if expected == 1 else float((observed - expected) / (1 - expected))


def _decisions(data: TextLabelledSet, second: pd.DataFrame):
    """Each compared answer's two theme sets, and every (question, theme, first, second)."""
    first_sets, second_sets, decisions = [], [], []
    for (question, answer), rows in second.groupby(["question", "id"], sort=False):
        first = data.gold(question)[str(answer)]
        again = {str(t) for t in rows["theme_id"] if t}
        first_sets.append(first)
        second_sets.append(again)
        for theme in data.codebook.for_question(question).theme_ids:
            decisions.append((question, theme, theme in first, theme in again))
    return first_sets, second_sets, decisions


def coder_agreement(data: TextLabelledSet, second: pd.DataFrame) -> dict:
    """How well a second coding of some answers agrees with the first.

    ``second`` has question, id, theme_id rows. Returns the answers compared, sample F1 of
    the second coding against the first, exact match, and Cohen's kappa over every (answer,
    codebook theme) yes/no decision.
    """
    first_sets, second_sets, decisions = _decisions(data, second)
    scores = score(first_sets, second_sets, bootstrap=1)
    yes = np.array([(a, b) for *_, a, b in decisions], dtype=float)
    return {
        "answers": len(first_sets),
        "f1": scores.f1,
        "exact_match": scores.exact_match,
        "kappa": _kappa(yes),
    }


def coder_agreement_by_theme(data: TextLabelledSet, second: pd.DataFrame) -> pd.DataFrame:
    """Agreement theme by theme: answers each coder gave it, both, and Cohen's kappa over the
    compared answers' yes/no decisions for that theme (a row per question and theme)."""
    _, _, decisions = _decisions(data, second)
    frame = pd.DataFrame(decisions, columns=["question", "theme_id", "first", "second"])
    rows = []
    for (question, theme), group in frame.groupby(["question", "theme_id"], sort=False):
        yes = group[["first", "second"]].to_numpy(dtype=float)
        rows.append(
            {
                "question": question,
                "theme_id": theme,
                "first": int(yes[:, 0].sum()),
                "second": int(yes[:, 1].sum()),
                "both": int((yes[:, 0] * yes[:, 1]).sum()),
                "kappa": _kappa(yes),
            }
        )
    return pd.DataFrame(rows)


def read_second_coding(name: str, folder: str | Path | None = None) -> pd.DataFrame:
    """``second_coding`` (the first coder again) or ``independent_coding`` (another coder)."""
    folder = Path(folder) if folder else shipped_set_path().parent / REAL_SET
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def evaluate_real(
    data: TextLabelledSet | None = None,
    *,
    part: str = "report",
    shares: tuple[float, ...] = (0.0, 0.1, 0.2),
    bootstrap: int = 1000,
    seed: int = 0,
    backend: str = "static",
) -> pd.DataFrame:
    """Every method on one part of the real labelled set: one row per mode, method, setting.

    ``backend="minilm"`` adds, beside each default, the same method with the all-MiniLM-L6-v2
    encoder run whole (the optional model package) instead of the static table.

    Discovery: the default (static embedding, consensus of k-means runs, count by silhouette)
    beside one k-means run (the previous default) and TF-IDF + NMF with its own automatic count
    and with the codebook's count. Codebook mode: the default (sentence vectors, TF-IDF words
    and word coverage of the codebook's parts) beside the previous default (without word
    coverage) and the TF-IDF classifier before it, at each share of hand-coded answers.
    """
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}, not {part!r}")
    data = data or load_real_set()
    themes_in = {q: len(data.codebook.for_question(q).themes) for q in data.questions}
    discovery = {
        "static embedding + consensus k-means (default)": lambda q: ThemeFinder(seed=seed),
        **(
            {
                "MiniLM encoder + spectral grouping (optional)": lambda q: ThemeFinder(
                    backend="minilm", seed=seed
                ),
                "MiniLM encoder + consensus k-means (previous optional)": lambda q: ThemeFinder(
                    backend="minilm", grouping="consensus", seed=seed
                ),
            }
            if backend == "minilm"
            else {}
        ),
        "static embedding + one k-means run (previous default)": lambda q: ThemeFinder(
            seed=seed, consensus_runs=0
        ),
        "TF-IDF + NMF, automatic count": lambda q: ThemeFinder(backend="tfidf", seed=seed),
        "TF-IDF + NMF, codebook's count": lambda q: ThemeFinder(
            backend="tfidf", n_themes=themes_in[q], seed=seed
        ),
    }
    rows = []
    for method, make in discovery.items():
        found = score_discovery(data, part, make, bootstrap=bootstrap, seed=seed)
        rows.append({"mode": "discovery", "method": method, "setting": "no codebook", **found})
    codebook = {
        "sentence vectors, words and word coverage (default)": lambda book: CodebookClassifier(
            book, seed=seed
        ),
        **(
            {
                "MiniLM sentence vectors, words and word coverage (optional)": lambda book: (
                    CodebookClassifier(book, backend="minilm", seed=seed)
                )
            }
            if backend == "minilm"
            else {}
        ),
        "sentence vectors and words (previous default)": lambda book: CodebookClassifier(
            book, coverage_weight=0.0, margin=0.06, seed=seed
        ),
        "TF-IDF + logistic regression (before that)": lambda book: TfidfCodebookClassifier(
            book, seed=seed
        ),
    }
    for method, make in codebook.items():
        for share in shares:
            found = score_codebook(data, part, share, make, bootstrap=bootstrap, seed=seed)
            setting = "codebook only" if share == 0 else f"{share:.0%} hand-coded"
            rows.append({"mode": "codebook", "method": method, "setting": setting, **found})
    return pd.DataFrame(rows)
