"""Codebook mode: analysts' own themes, some answers coded by hand, the rest proposed.

A codebook lists themes with a description and inclusion keywords, optionally per question. It is
read from CSV, XLSX or YAML with columns (or keys) ``theme`` (id), ``label``, ``description``,
``keywords`` (separated by ';') and optionally ``question``.

``CodebookClassifier`` (the default) scores each answer against each theme by meaning and by
words: sentence vectors of the answer and of the theme's text and parts, the TF-IDF words they
share, and how fully the answer's words cover the theme's best-covered part (static word
vectors); hand-coded answers add their words to their themes and vote for the themes of answers
like them. ``TfidfCodebookClassifier`` is the earlier logistic regression on TF-IDF words, kept
for comparison. ``next_to_code`` picks the answers the machine is least sure about (uncertainty
sampling, by summed entropy over themes), which is where a person's coding teaches it most.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from highneeds.consult.analysis.themes import STOP_SET, make_vectorizer
from highneeds.errors import InputFileError, ModelInputError
from highneeds.progress import Progress, no_progress
from highneeds.readers.excel import read_workbook_table
from highneeds.readers.text import read_text_csv

TOKENS = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class CodebookTheme:
    theme_id: str
    label: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    question: str | None = None
    inclusion: str = ""
    examples: tuple[str, ...] = ()

    @property
    def pseudo_answer(self) -> str:
        """Text standing in for an answer that clearly carries this theme."""
        parts = [self.label, self.description, self.inclusion, *self.keywords, *self.examples]
        return " . ".join(p for p in parts if p)


@dataclass(frozen=True)
class Codebook:
    themes: tuple[CodebookTheme, ...]

    @property
    def theme_ids(self) -> list[str]:
        return [t.theme_id for t in self.themes]

    def for_question(self, question: str) -> Codebook:
        """Themes for one question (themes without a question apply to every question)."""
        return Codebook(tuple(t for t in self.themes if t.question in (None, question)))

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "question": t.question,
                    "theme": t.theme_id,
                    "label": t.label,
                    "description": t.description,
                    "keywords": "; ".join(t.keywords),
                    "inclusion": t.inclusion,
                    "examples": " | ".join(t.examples),
                }
                for t in self.themes
            ]
        )


def _split_keywords(value: object, separator: str = ";") -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(part.strip() for part in str(value).split(separator) if part.strip())


def codebook_from_frame(frame: pd.DataFrame, *, file: str | None = None) -> Codebook:
    """A codebook from a table with columns theme (or theme_id), label, description, keywords."""
    columns = {str(c).strip().lower(): c for c in frame.columns}
    theme_column = columns.get("theme") or columns.get("theme_id")
    if theme_column is None:
        raise InputFileError(
            "the codebook has no 'theme' column",
            file=file,
            column="theme",
            hint="columns: theme_id, label, description (optional: inclusion, keywords, "
            "examples, question)",
        )
    themes, seen = [], set()
    for position, row in enumerate(frame.to_dict("records")):
        theme_id = str(row.get(theme_column) or "").strip()
        if not theme_id or theme_id == "nan":
            raise InputFileError("theme is empty", file=file, row=position + 2, column="theme")
        question = row.get(columns.get("question", "question"))
        question = None if question is None or str(question) in ("", "nan") else str(question)
        if (question, theme_id) in seen:
            raise InputFileError(
                f"theme {theme_id!r} is listed twice", file=file, row=position + 2, column="theme"
            )
        seen.add((question, theme_id))

        def text(name: str, row=row) -> str:
            value = row.get(columns.get(name, name))
            return "" if value is None or str(value) == "nan" else str(value).strip()

        themes.append(
            CodebookTheme(
                theme_id=theme_id,
                label=text("label") or theme_id,
                description=text("description") or text("inclusion"),
                keywords=_split_keywords(row.get(columns.get("keywords", "keywords"))),
                question=question,
                inclusion=text("inclusion") if text("description") else "",
                # Example answers are sentences and may hold ';', so they are split on '|'.
                examples=_split_keywords(row.get(columns.get("examples", "examples")), "|"),
            )
        )
    if not themes:
        raise InputFileError("the codebook lists no themes", file=file)
    return Codebook(tuple(themes))


def read_codebook(path: str | Path) -> Codebook:
    """Read a codebook from .csv, .xlsx or .yaml/.yml."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputFileError("file not found", file=str(path))
    if suffix == ".csv":
        frame = read_text_csv(path, dtype=str, keep_default_na=False)
    elif suffix in (".xlsx", ".xlsm"):
        frame = read_workbook_table(path, dtype=str).fillna("")
    elif suffix in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise InputFileError(f"not valid YAML: {error}", file=str(path)) from error
        entries = data.get("themes") if isinstance(data, dict) else data
        if not isinstance(entries, list):
            raise InputFileError("expected a list of themes (or a 'themes:' list)", file=str(path))
        frame = pd.DataFrame(entries)
    else:
        raise InputFileError(
            f"cannot read a codebook from a {suffix or 'nameless'} file",
            file=str(path),
            hint="use .csv, .xlsx or .yaml",
        )
    return codebook_from_frame(frame, file=str(path))


def check_coding(codebook: Codebook, texts: pd.Series, coded: Mapping[str, set[str]]) -> None:
    """Hand coding must use the codebook's themes and the answers' ids (ModelInputError)."""
    unknown = {t for labels in coded.values() for t in labels} - set(codebook.theme_ids)
    if unknown:
        raise ModelInputError(
            f"hand coding uses themes not in the codebook: {', '.join(sorted(unknown))}; "
            "add them to the codebook first"
        )
    missing = set(coded) - set(texts.index.astype(str))
    if missing:
        raise ModelInputError(
            f"{len(missing)} hand-coded answer ids are not among the answers, e.g. "
            f"{sorted(missing)[0]!r}"
        )


class TfidfCodebookClassifier:
    """Propose codebook themes from TF-IDF words by logistic regression (the method before
    sentence vectors; kept as the fallback and for comparison).

    Parameters: ``threshold`` (a theme is proposed when its probability reaches it, 0-1),
    ``fallback`` (if no theme reaches the threshold, the likeliest is proposed when its
    probability reaches this), ``pseudo_weight`` (weight of each theme's pseudo-answer, in
    answers), ``keyword_weight`` (strength of the keyword-rule feature), ``C`` (inverse
    regularisation strength), ``seed``.
    """

    def __init__(
        self,
        codebook: Codebook,
        threshold: float = 0.5,
        fallback: float = 0.3,
        pseudo_weight: float = 3.0,
        keyword_weight: float = 1.0,
        C: float = 10.0,
        seed: int = 0,
    ):
        self.codebook = codebook
        self.threshold = threshold
        self.fallback = fallback
        self.pseudo_weight = pseudo_weight
        self.keyword_weight = keyword_weight
        self.C = C
        self.seed = seed

    def fit(self, texts: pd.Series, coded: Mapping[str, set[str]]) -> TfidfCodebookClassifier:
        """Learn from ``coded`` (answer id -> theme ids a person gave it; may be empty).

        ``texts`` are all the question's answers (indexed by response_id); the uncoded ones only
        shape the word weights.
        """
        theme_ids = self.codebook.theme_ids
        check_coding(self.codebook, texts, coded)
        pseudo = [t.pseudo_answer for t in self.codebook.themes]
        self.keywords_ = [
            [" ".join(TOKENS.findall(k.lower())) for k in (t.keywords or (t.label,))]
            for t in self.codebook.themes
        ]
        self.vectorizer_ = make_vectorizer(min_df=1, ngram_range=(1, 2))
        self.vectorizer_.fit([*texts.astype(str).tolist(), *pseudo])
        coded_ids = list(coded)
        train_texts = [*texts.loc[coded_ids].astype(str).tolist(), *pseudo] if coded_ids else pseudo
        features = self._features(train_texts)
        targets = np.zeros((len(train_texts), len(theme_ids)), dtype=int)
        for i, answer in enumerate(coded_ids):
            for theme in coded[answer]:
                targets[i, theme_ids.index(theme)] = 1
        for j in range(len(theme_ids)):
            targets[len(coded_ids) + j, j] = 1
        weights = np.r_[np.ones(len(coded_ids)), np.full(len(pseudo), self.pseudo_weight)]
        self.models_ = []
        for j in range(len(theme_ids)):
            model = LogisticRegression(
                C=self.C, class_weight="balanced", solver="liblinear", random_state=self.seed
            )
            model.fit(features, targets[:, j], sample_weight=weights)
            self.models_.append(model)
        self.theme_ids_ = theme_ids
        self.coded_ = {str(k): set(v) for k, v in coded.items()}
        return self

    def _features(self, texts: list[str]):
        """TF-IDF words and phrases, plus one column per theme: does a keyword of it appear."""
        words = self.vectorizer_.transform(texts)
        lowered = [f" {' '.join(TOKENS.findall(text.lower()))} " for text in texts]
        rules = np.array(
            [
                [any(f" {k} " in text for k in theme_keywords) for theme_keywords in self.keywords_]
                for text in lowered
            ],
            dtype=np.float32,
        )
        return sparse.hstack([words, sparse.csr_matrix(rules * self.keyword_weight)]).tocsr()

    def predict_proba(self, texts: pd.Series) -> pd.DataFrame:
        """Probability of each theme (columns) for each answer (rows, by response_id)."""
        features = self._features(texts.astype(str).tolist())
        probabilities = np.column_stack([m.predict_proba(features)[:, 1] for m in self.models_])
        return pd.DataFrame(probabilities, index=texts.index.astype(str), columns=self.theme_ids_)

    def predict(self, texts: pd.Series) -> dict[str, set[str]]:
        """Proposed themes per answer; hand-coded answers keep their human coding."""
        probabilities = self.predict_proba(texts)
        result = {}
        values = probabilities.to_numpy()
        for i, answer in enumerate(probabilities.index):
            if answer in self.coded_:
                result[answer] = set(self.coded_[answer])
                continue
            chosen = {self.theme_ids_[j] for j in np.flatnonzero(values[i] >= self.threshold)}
            if not chosen and values[i].max() >= self.fallback:
                chosen = {self.theme_ids_[int(values[i].argmax())]}
            result[answer] = chosen
        return result

    def next_to_code(self, texts: pd.Series, n: int = 10) -> list[str]:
        """The ``n`` uncoded answers the classifier is least sure about, most uncertain first.

        Uncertainty is the summed binary entropy of the answer's theme probabilities (in nats),
        ties broken by answer order. On the shipped set this beat asking about the single most
        borderline theme (least margin) and random choice.
        """
        return least_certain(self.predict_proba(texts), self.coded_, n)


def least_certain(probabilities: pd.DataFrame, coded: Mapping[str, set[str]], n: int) -> list[str]:
    """The ``n`` answers not yet coded whose theme probabilities are least certain."""
    uncoded = probabilities[~probabilities.index.isin(list(coded))]
    return list(uncertainty(uncoded).sort_values(ascending=False, kind="stable").index[:n])


def uncertainty(probabilities: pd.DataFrame) -> pd.Series:
    """Summed binary entropy (nats) of each row's theme probabilities: 0 when all are 0 or 1."""
    p = probabilities.to_numpy().clip(1e-9, 1 - 1e-9)
    entropy = -(p * np.log(p) + (1 - p) * np.log(1 - p)).sum(axis=1)
    return pd.Series(entropy, index=probabilities.index)


def theme_fragments(theme: CodebookTheme) -> list[str]:
    """The label and each part of the description, inclusion rule, keywords and examples.

    A description usually lists several things ("Turnout, apathy and who votes: mandatory
    voting, a voting holiday…"); an answer about one of them should match that part, not the
    average of all of them.
    """
    text = " . ".join(p for p in (theme.description, theme.inclusion) if p)
    parts = [theme.label, *theme.keywords, *theme.examples]
    parts += [p.strip() for p in FRAGMENT_BREAKS.split(text) if len(p.strip()) > 2]
    return parts


FRAGMENT_BREAKS = re.compile(r"[,;:.()]| and | or | such as ")


def content_words(text: str) -> list[str]:
    """The words of ``text`` that can name a topic: no stop words, at least three letters."""
    from highneeds.consult.analysis.embedding import WORDS, _normalise

    return [w for w in WORDS.findall(_normalise(str(text))) if len(w) > 2 and w not in STOP_SET]


class FragmentCoverage:
    """How fully an answer covers the best-covered part of each theme, word by word.

    For each part of a theme (``theme_fragments``) and each of its words, the closest word of
    the answer (cosine of static word vectors); the part's coverage is the mean over its words,
    the theme's the best part's. "Raise GST on food" covers "exemptions from it such as basic
    food" and "the rate of GST" though its mean vector is far from the theme's whole text.
    """

    def __init__(self, themes: tuple[CodebookTheme, ...], words):
        self.words = words  # anything with word_vectors(list[str]) -> unit rows
        self.parts, segments, owners = [], [], []
        for j, theme in enumerate(themes):
            for fragment in theme_fragments(theme):
                known = [w for w in content_words(fragment) if self._known(w)]
                if known:
                    segments.append(len(self.parts))
                    owners.append(j)
                    self.parts.extend(known)
        self.starts = np.array(segments, dtype=int)
        self.owners = np.array(owners, dtype=int)
        self.n_themes = len(themes)
        self.part_vectors = words.word_vectors(self.parts) if self.parts else None

    def _known(self, word: str) -> bool:
        return bool(np.any(self.words.word_vectors([word])))

    def scores(self, texts: list[str]) -> np.ndarray:
        """Coverage (about 0-1) of each theme (columns) by each text (rows)."""
        result = np.zeros((len(texts), self.n_themes))
        if self.part_vectors is None:
            return result
        answer_words = [content_words(t) for t in texts]
        vocabulary = sorted({w for words in answer_words for w in words})
        position = {w: i for i, w in enumerate(vocabulary)}
        vectors = self.words.word_vectors(vocabulary) if vocabulary else np.zeros((0, 1))
        likeness = vectors @ self.part_vectors.T if vocabulary else None
        counts = np.diff(np.r_[self.starts, len(self.parts)])
        for row, words in enumerate(answer_words):
            rows = [position[w] for w in words if np.any(vectors[position[w]])]
            if not rows:
                continue
            closest = likeness[rows].max(axis=0)
            covered = np.add.reduceat(closest, self.starts) / counts
            np.maximum.at(result[row], self.owners, covered)
        return result


class CodebookClassifier:
    """Propose codebook themes by meaning: answers and themes as sentence vectors.

    Zero-shot, an answer's score for a theme is the mean of its cosine similarity to the whole
    theme text (label, description, inclusion rule, keywords, examples: whatever the codebook
    gives) and to the closest single part of it (``theme_fragments``). Every answer a person
    codes counts at once: the ``neighbours`` coded answers most like an answer vote for their
    themes, weighted by likeness, adding up to ``vote_weight`` to the score. An answer carries
    its best theme and any other within ``margin`` of it, at most ``max_themes`` (settings
    chosen on the development part of the Pol.is set so that typical answers get one to
    three). ``predict_proba`` is the logistic of the distance past that cut-off
    (``temperature``), so 0.5 is the cut-off.

    Words count twice more. ``coverage_weight`` times how fully the answer's words cover the
    best-covered part of the theme (``FragmentCoverage``: static word vectors, so "taxes"
    covers "tax" and "GST" covers "consumption"; on the development part this lifted
    codebook-only F1 from 0.695 to 0.721, the cut-off ``margin`` moving from 0.06 to 0.08
    with it). And ``lexical_weight`` times the TF-IDF cosine between the answer and the
    theme's words (its codebook text, plus ``example_weight`` times the words of each answer a
    person coded with it, so hand codes teach the theme the words people really use). A
    codebook's description names the very things an answer mentions ("mandatory voting",
    "MMP"); on the development part this lifted codebook-only F1 from 0.63 to 0.70.

    ``encoder``: anything with ``encode(list[str])`` (and optionally ``fit``); else the
    sentence encoder named by ``backend``: ``"static"`` (default, the table shipped with
    highneeds) or ``"minilm"`` (all-MiniLM-L6-v2 run whole; the optional model package).
    Word coverage always uses the static table's word vectors.
    """

    def __init__(
        self,
        codebook: Codebook,
        margin: float = 0.08,
        max_themes: int = 3,
        vote_weight: float = 0.2,
        neighbours: int = 5,
        temperature: float = 0.02,
        lexical_weight: float = 0.5,
        example_weight: float = 0.5,
        coverage_weight: float = 0.25,
        encoder=None,
        backend: str = "static",
        seed: int = 0,
    ):
        self.codebook = codebook
        self.backend = backend
        self.margin = margin
        self.lexical_weight = lexical_weight
        self.example_weight = example_weight
        self.coverage_weight = coverage_weight
        self.max_themes = max_themes
        self.vote_weight = vote_weight
        self.neighbours = neighbours
        self.temperature = temperature
        self.encoder = encoder
        self.seed = seed

    def _encoder(self):
        if self.encoder is not None:
            return self.encoder
        from highneeds.consult.analysis.embedding import make_encoder

        return make_encoder(self.backend)

    def fit(
        self, texts: pd.Series, coded: Mapping[str, set[str]], progress: Progress = no_progress
    ) -> CodebookClassifier:
        """Learn from ``coded`` (answer id -> theme ids a person gave it; may be empty).

        ``progress`` is told how many answers are read (``highneeds.progress``)."""
        from highneeds.consult.analysis.embedding import centred, encode_reporting

        check_coding(self.codebook, texts, coded)
        self.theme_ids_ = self.codebook.theme_ids
        answers = texts.astype(str)
        whole = [t.pseudo_answer for t in self.codebook.themes]
        encoder = self._encoder()
        if hasattr(encoder, "fit"):
            encoder.fit([*answers.tolist(), *whole])
        raw = np.asarray(encode_reporting(encoder, answers.tolist(), progress), dtype=np.float64)
        self.encoder_, self.mean_ = encoder, raw.mean(axis=0)
        vectors = centred(raw, self.mean_)
        self.vectors_ = dict(zip(answers.index.astype(str), vectors, strict=True))
        self.whole_ = centred(np.asarray(encoder.encode(whole), dtype=np.float64), self.mean_)
        self.fragments_ = [
            centred(np.asarray(encoder.encode(theme_fragments(t)), dtype=np.float64), self.mean_)
            for t in self.codebook.themes
        ]
        self.coded_ = {str(k): set(v) for k, v in coded.items()}
        ids = list(self.coded_)
        self.coded_vectors_ = np.array([self.vectors_[i] for i in ids]).reshape(
            len(ids), vectors.shape[1]
        )
        self.coded_themes_ = np.array(
            [[t in self.coded_[i] for t in self.theme_ids_] for i in ids], dtype=float
        ).reshape(len(ids), len(self.theme_ids_))
        self._fit_words(answers, whole, ids)
        if self.coverage_weight:
            words = encoder if hasattr(encoder, "word_vectors") else None
            if words is None:
                from highneeds.consult.analysis.embedding import StaticEmbedding

                words = StaticEmbedding()
            self.coverage_ = FragmentCoverage(self.codebook.themes, words)
        return self

    def _fit_words(self, answers: pd.Series, whole: list[str], ids: list[str]) -> None:
        """Each theme's words: its codebook text plus the answers people coded with it."""
        self.words_ = make_vectorizer(min_df=1)
        self.words_.fit([*answers.tolist(), *whole])
        profiles = self.words_.transform(whole).toarray()
        if ids:
            coded = self.words_.transform(answers.loc[ids].tolist()).toarray()
            profiles = profiles + self.example_weight * (self.coded_themes_.T @ coded)
        norms = np.linalg.norm(profiles, axis=1, keepdims=True)
        self.profiles_ = profiles / np.where(norms > 0, norms, 1.0)

    def _choose(self, scores: np.ndarray) -> list[set[str]]:
        result = []
        for row in scores:
            order = np.argsort(-row, kind="stable")[: self.max_themes]
            best = row[order[0]]
            result.append({self.theme_ids_[j] for j in order if row[j] >= best - self.margin})
        return result

    def _vectors(self, texts: pd.Series) -> np.ndarray:
        from highneeds.consult.analysis.embedding import centred

        known = [self.vectors_.get(str(i)) for i in texts.index]
        if all(v is not None for v in known):
            return np.array(known)
        raw = np.asarray(self.encoder_.encode(texts.astype(str).tolist()), dtype=np.float64)
        return centred(raw, self.mean_)

    def scores(self, texts: pd.Series) -> pd.DataFrame:
        """Each answer's score (rows) for each theme (columns): similarity plus votes."""
        vectors = self._vectors(texts)
        closest = np.column_stack([(vectors @ f.T).max(axis=1) for f in self.fragments_])
        values = 0.5 * (vectors @ self.whole_.T) + 0.5 * closest
        words = self.words_.transform(texts.astype(str).tolist())
        values = values + self.lexical_weight * np.asarray(words @ self.profiles_.T)
        if self.coverage_weight:
            values = values + self.coverage_weight * self.coverage_.scores(
                texts.astype(str).tolist()
            )
        if len(self.coded_vectors_):
            likeness = vectors @ self.coded_vectors_.T
            k = min(self.neighbours, likeness.shape[1])
            nearest = np.argsort(-likeness, axis=1)[:, :k]
            weight = np.take_along_axis(likeness, nearest, axis=1).clip(min=0)
            votes = (weight[:, :, None] * self.coded_themes_[nearest]).sum(axis=1)
            votes /= weight.sum(axis=1, keepdims=True).clip(min=1e-12)
            values = values + self.vote_weight * votes * weight.max(axis=1, keepdims=True)
        return pd.DataFrame(values, index=texts.index.astype(str), columns=self.theme_ids_)

    def predict_proba(self, texts: pd.Series) -> pd.DataFrame:
        """How sure the machine is that each answer carries each theme (0-1; 0.5 = cut-off)."""
        scores = self.scores(texts)
        values = scores.to_numpy()
        cut = values.max(axis=1, keepdims=True) - self.margin
        probability = 1 / (1 + np.exp(-(values - cut) / self.temperature))
        return pd.DataFrame(probability, index=scores.index, columns=self.theme_ids_)

    def predict(self, texts: pd.Series) -> dict[str, set[str]]:
        """Proposed themes per answer; hand-coded answers keep their human coding."""
        scores = self.scores(texts)
        chosen = self._choose(scores.to_numpy())
        return {
            answer: set(self.coded_[answer]) if answer in self.coded_ else themes
            for answer, themes in zip(scores.index, chosen, strict=True)
        }

    def next_to_code(self, texts: pd.Series, n: int = 10) -> list[str]:
        """The ``n`` uncoded answers the machine is least sure about, most uncertain first:
        those whose best themes sit closest to the cut-off (summed binary entropy)."""
        return least_certain(self.predict_proba(texts), self.coded_, n)
