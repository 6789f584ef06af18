"""Sentence vectors that carry meaning, offline: a static embedding shipped with highneeds.

``StaticEmbedding`` reads ``data/embeddings/static_minilm.npz``: one 256-number vector per word
piece of the all-MiniLM-L6-v2 sentence encoder (Apache-2.0), distilled by running each word
piece through the encoder and reducing the result by PCA (``scripts/distil_static_embeddings.py``;
the Model2Vec recipe). An answer's vector is the IDF-weighted mean of its word pieces' vectors,
with the answers' common direction removed. NumPy and scikit-learn only; nothing is downloaded
and no model runs at analysis time, so 80,000 answers take seconds on a laptop.

It knows that "bus" and "taxi", or "cost" and "price", are close, which TF-IDF cannot; it does
not understand word order or negation ("not enough" is near "enough").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from scipy import sparse

from highneeds.errors import ModelInputError
from highneeds.progress import Progress, no_progress

WORDS = re.compile(r"[a-z0-9]+")


def default_model_path() -> Path:
    return Path(str(resources.files("highneeds") / "data" / "embeddings" / "static_minilm.npz"))


@lru_cache(maxsize=2)
def _load(path: str) -> tuple[dict[str, int], np.ndarray]:
    try:
        with np.load(path) as data:
            vectors = data["vectors"].astype(np.float32) * data["scale"][:, None]
            tokens = [str(t) for t in data["tokens"]]
    except (OSError, KeyError, ValueError) as error:
        raise ModelInputError(
            f"cannot read the embedding table {path!r} ({error}); reinstall highneeds or use "
            "backend='tfidf'"
        ) from error
    return {token: i for i, token in enumerate(tokens)}, vectors


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


class StaticEmbedding:
    """Encode answers as 256-number vectors from the shipped static embedding table.

    ``fit(texts)`` learns how rare each word piece is in these answers (IDF), so common words
    weigh little; ``encode`` works unfitted too (every piece weighs the same).
    """

    def __init__(self, path: str | Path | None = None, max_piece: int = 24):
        self.path = path
        self.max_piece = max_piece

    def _table(self) -> tuple[dict[str, int], np.ndarray]:
        return _load(str(self.path or default_model_path()))

    def _pieces(self, word: str, index: dict[str, int]) -> list[int]:
        """Greedy longest-match word pieces (as BERT's tokenizer splits words)."""
        cache = self.__dict__.setdefault("_cache", {})
        if word in cache:
            return cache[word]
        pieces, start = [], 0
        while start < len(word):
            end = min(len(word), start + self.max_piece)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in index:
                    pieces.append(index[piece])
                    break
                end -= 1
            if end == start:  # no piece matches: the word is unknown as a whole
                pieces = []
                break
            start = end
        cache[word] = pieces
        return pieces

    def counts(self, texts: list[str]) -> sparse.csr_matrix:
        """Word-piece counts per text (texts × vocabulary)."""
        index, vectors = self._table()
        rows, cols = [], []
        for i, text in enumerate(texts):
            for word in WORDS.findall(_normalise(str(text))):
                for piece in self._pieces(word, index):
                    rows.append(i)
                    cols.append(piece)
        data = np.ones(len(rows), dtype=np.float32)
        return sparse.csr_matrix(
            (data, (rows, cols)), shape=(len(texts), vectors.shape[0]), dtype=np.float32
        )

    def fit(self, texts: list[str]) -> StaticEmbedding:
        counts = self.counts(list(texts))
        document_frequency = np.asarray((counts > 0).sum(axis=0)).ravel()
        n = counts.shape[0]
        self.idf_ = (np.log((1 + n) / (1 + document_frequency)) + 1).astype(np.float32)
        return self

    def encode(self, sentences: list[str], **_: object) -> np.ndarray:
        """Unit-length vectors (texts × 256); a text with no known word gets zeros."""
        _, vectors = self._table()
        counts = self.counts(list(sentences))
        counts.data = np.log1p(counts.data)
        if hasattr(self, "idf_"):
            counts = counts @ sparse.diags(self.idf_)
        summed = np.asarray(counts @ vectors)
        norms = np.linalg.norm(summed, axis=1, keepdims=True)
        return summed / np.where(norms > 0, norms, 1.0)

    def word_vectors(self, words: list[str]) -> np.ndarray:
        """Unit-length vector of each word (the mean of its pieces); zeros for an unknown word.

        Word by word the table keeps what the encoder knows of each word alone ("tax" near
        "taxes", "GST" near "consumption"), which an answer's mean vector blurs."""
        index, vectors = self._table()
        result = np.zeros((len(words), vectors.shape[1]), dtype=np.float64)
        for row, word in enumerate(words):
            pieces = self._pieces(_normalise(word), index)
            if pieces:
                result[row] = vectors[pieces].mean(axis=0)
        norms = np.linalg.norm(result, axis=1, keepdims=True)
        return result / np.where(norms > 0, norms, 1.0)


#: Sentence encoders by name: the static table (default) and the optional contextual encoder.
ENCODERS = ("static", "minilm")


def make_encoder(name: str = "static", model_path: str | Path | None = None):
    """The sentence encoder called ``name``: ``"static"`` (the shipped table) or ``"minilm"``
    (all-MiniLM-L6-v2 run whole in NumPy, from ``model_path`` or the optional model package;
    ``highneeds.consult.analysis.transformer``)."""
    if name == "static":
        return StaticEmbedding()
    if name == "minilm":
        from highneeds.consult.analysis.transformer import MiniLmEncoder

        return MiniLmEncoder(model_path)
    raise ModelInputError(f"unknown sentence encoder {name!r}; use {' or '.join(ENCODERS)}")


#: Answers encoded between two progress reports. The static table reads each answer alone, so
#: its vectors do not depend on it; the contextual encoder pads answers of one batch to the
#: same length, masked, so its vectors may differ only by rounding. The chunks are the same
#: whether progress is shown or not.
ENCODE_CHUNK = 256
READING = "Reading the answers' meaning"


def encode_reporting(
    encoder, texts: list[str], progress: Progress = no_progress, step: str = READING
) -> np.ndarray:
    """``encoder.encode(texts)`` in chunks of ``ENCODE_CHUNK``, telling ``progress`` how many
    answers are done (the contextual encoder takes about a second per hundred answers)."""
    # Always in chunks, shown or not, so the vectors never depend on whether anyone watches.
    total = len(texts)
    progress(step, 0, total)
    parts = []
    for start in range(0, total, ENCODE_CHUNK):
        parts.append(np.asarray(encoder.encode(list(texts[start : start + ENCODE_CHUNK]))))
        progress(step, min(start + ENCODE_CHUNK, total), total)
    return np.vstack(parts) if parts else np.asarray(encoder.encode([]))


def centred(vectors: np.ndarray, mean: np.ndarray | None = None) -> np.ndarray:
    """Vectors with the collection's common direction removed, unit length again.

    Every answer to one question shares a topic; without this, all look alike (cosine near 1)
    and differences in what they say are lost.
    """
    shift = vectors.mean(axis=0) if mean is None else mean
    moved = vectors - shift
    norms = np.linalg.norm(moved, axis=1, keepdims=True)
    return moved / np.where(norms > 0, norms, 1.0)
