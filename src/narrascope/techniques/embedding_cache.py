"""Sentence embeddings of training data, computed once and cached as ``.npz`` (keyed by a hash of texts + encoder)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["encoder_fingerprint", "cached_encode", "DEFAULT_CACHE_DIR"]

DEFAULT_CACHE_DIR = Path("/tmp/narrascope-cache")


_PROBES = ("A short probe.", "A second, rather longer probe sentence that pads the first one in a batch.")


def encoder_fingerprint(encoder: Any) -> str:
    """A short hash of the encoder's ONNX file and of its output on two probe texts encoded together,
    so that a change of the weights *or* of how the encoder runs them (batching, padding) changes the key."""
    path = getattr(encoder, "path", None)
    model = Path(path) / "model.onnx" if path is not None else None
    h = hashlib.sha256()
    if model is not None and model.is_file():
        with open(model, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    else:
        h.update(repr(type(encoder)).encode())
    probe = np.round(np.asarray(encoder.encode(list(_PROBES)), dtype=np.float64), 3)
    h.update(probe.tobytes())
    return h.hexdigest()[:16]


def cached_encode(texts: Sequence[str], encoder: Any, cache_dir: str | Path | None = DEFAULT_CACHE_DIR) -> np.ndarray:
    """``encoder.encode(texts)``, read from / written to ``cache_dir`` (None: no cache)."""
    if cache_dir is None:
        return np.asarray(encoder.encode(list(texts)), dtype=np.float32)
    h = hashlib.sha256(encoder_fingerprint(encoder).encode())
    for t in texts:
        h.update(t.encode("utf-8", "replace"))
        h.update(b"\x00")
    path = Path(cache_dir) / f"techniques-sent-{h.hexdigest()[:24]}.npz"
    if path.is_file():
        with np.load(path) as data:
            return data["vectors"]
    vectors = np.asarray(encoder.encode(list(texts)), dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, vectors=vectors)
    tmp.replace(path)
    return vectors
