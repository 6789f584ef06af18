"""Distil a static word-piece embedding table from a BERT-style sentence encoder, NumPy only.

    python scripts/distil_static_embeddings.py MODEL_FOLDER src/highneeds/data/embeddings/

MODEL_FOLDER holds ``model.safetensors``, ``config.json`` and ``tokenizer.json`` of a
sentence-transformers model with mean pooling (we use all-MiniLM-L6-v2, Apache-2.0). Each
vocabulary token is run through the encoder alone ("[CLS] token [SEP]"), its mean-pooled output
kept, the table reduced by PCA and stored as int8 with a scale per row (the Model2Vec recipe,
Tulkens & van Dongen 2024, without its dependencies). Nothing here runs at analysis time: the
product only reads the resulting ``.npz`` (see highneeds.consult.analysis.embedding).
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

import numpy as np

DIMENSIONS = 256


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    with path.open("rb") as handle:
        size = struct.unpack("<Q", handle.read(8))[0]
        header = json.loads(handle.read(size))
        body = handle.read()
    kinds = {"F32": np.float32, "I64": np.int64, "F16": np.float16}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        tensors[name] = (
            np.frombuffer(body[start:end], dtype=kinds[info["dtype"]]).reshape(info["shape"]).copy()
        )
    return tensors


def layer_norm(x, weight, bias, eps=1e-12):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def gelu(x):
    from scipy.special import erf

    return 0.5 * x * (1 + erf(x / np.sqrt(2)))


def encode(w: dict, config: dict, ids: np.ndarray) -> np.ndarray:
    """Mean-pooled last hidden state for a batch of equal-length token id rows."""
    heads = config["num_attention_heads"]
    batch, length = ids.shape
    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.position_embeddings.weight"][:length][None]
        + w["embeddings.token_type_embeddings.weight"][0]
    )
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    size = x.shape[-1] // heads
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
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(size)
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
    return x.mean(axis=1)


def main(model: Path, out: Path) -> None:
    weights = read_safetensors(model / "model.safetensors")
    config = json.loads((model / "config.json").read_text())
    vocab = json.loads((model / "tokenizer.json").read_text())["model"]["vocab"]
    tokens = sorted(vocab, key=vocab.get)
    # Keep word pieces an English answer can produce; drop reserved slots and other scripts.
    keep = [
        t
        for t in tokens
        if not (t.startswith("[") and t.endswith("]")) and t.removeprefix("##").isascii()
    ]
    cls, sep = vocab["[CLS]"], vocab["[SEP]"]
    vectors = np.empty((len(keep), config["hidden_size"]), dtype=np.float32)
    for start in range(0, len(keep), 512):
        chunk = keep[start : start + 512]
        ids = np.array([[cls, vocab[t], sep] for t in chunk])
        vectors[start : start + len(chunk)] = encode(weights, config, ids)
        print(f"{start + len(chunk)}/{len(keep)}", file=sys.stderr)
    centred = vectors - vectors.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ components[:DIMENSIONS].T
    scale = np.abs(reduced).max(axis=1, keepdims=True) / 127
    quantised = np.round(reduced / scale).astype(np.int8)
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out / "static_minilm.npz",
        vectors=quantised,
        scale=scale.astype(np.float32).ravel(),
        tokens=np.array(keep),
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
