"""Distil a static word-piece embedding table from a BERT-style sentence encoder, NumPy only.

    python scripts/distil_static_embeddings.py MODEL_FOLDER src/highneeds/data/embeddings/

MODEL_FOLDER holds ``model.safetensors``, ``config.json`` and ``tokenizer.json`` of a
sentence-transformers model with mean pooling (we use all-MiniLM-L6-v2, Apache-2.0). Each
vocabulary token is run through the encoder alone ("[CLS] token [SEP]"), its mean-pooled output
kept, the table reduced by PCA and stored as int8 with a scale per row (the Model2Vec recipe,
Tulkens & van Dongen 2024, without its dependencies). Nothing here runs at analysis time: the
product only reads the resulting ``.npz`` (see highneeds.consult.analysis.embedding). The
encoder's arithmetic lives in highneeds.consult.analysis.transformer, which the optional
"minilm" theme back end also uses to run whole answers through the model.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from highneeds.consult.analysis.transformer import encode, read_safetensors

DIMENSIONS = 256


def main(model: Path, out: Path) -> None:
    weights = read_safetensors((model / "model.safetensors").read_bytes())
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
