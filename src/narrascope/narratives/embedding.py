"""Sentence spans + sentence embeddings of many raw texts, cached on disk (training and evaluation).

The cache (an ``.npz`` under ``cache_dir``, default ``/tmp/narrascope-cache``) is keyed
by a hash of the texts, the spaCy model and the encoder artifact, so a change to any of
them recomputes; it is never written into the repository.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.doc import Span
from narrascope.narratives.segment import SentenceSplitter

__all__ = ["EmbeddedText", "embed_texts", "embed_sentences", "DEFAULT_CACHE", "LONG_SENTENCE_WORDS"]

DEFAULT_CACHE = Path(os.environ.get("NARRASCOPE_CACHE", "/tmp/narrascope-cache"))

EmbeddedText = tuple[list[Span], np.ndarray]  # sentence spans, (n_sentences, dim) float32

#: Sentences longer than this many words are embedded by token windows (``encode_long``) and averaged.
LONG_SENTENCE_WORDS = 150


def embed_sentences(encoder: Any, sentences: Sequence[str]) -> np.ndarray:
    """One vector per sentence; a sentence longer than the encoder window is embedded whole
    (mean of its token-window vectors, renormalised) instead of being cut at 256 tokens."""
    unique = list(dict.fromkeys(sentences))  # repeated sentences are embedded once
    if not unique:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    table = encoder.encode(unique)
    for i, s in enumerate(unique):
        if len(s.split()) > LONG_SENTENCE_WORDS:
            v = encoder.encode_long(s).mean(axis=0)
            table[i] = v / max(float(np.linalg.norm(v)), 1e-12)
    row = {s: i for i, s in enumerate(unique)}
    return table[[row[s] for s in sentences]]


def _key(texts: Sequence[str], splitter: SentenceSplitter, encoder: Any) -> str:
    h = hashlib.sha256()
    ident = {
        "method": "embed_sentences-v1",
        "splitter": splitter.model,
        "max_chars": splitter.max_chars,
        "encoder": str(getattr(encoder, "path", "")),
    }
    ident["encoder_meta"] = json.dumps(getattr(encoder, "meta", {}), sort_keys=True, default=str)
    h.update(json.dumps(ident, sort_keys=True).encode())
    for t in texts:
        h.update(hashlib.sha256(t.encode("utf-8", "surrogatepass")).digest())
    return h.hexdigest()[:24]


def embed_texts(
    texts: Sequence[str],
    *,
    encoder: Any,
    splitter: SentenceSplitter | None = None,
    cache_dir: str | Path | None = DEFAULT_CACHE,
) -> list[EmbeddedText]:
    """Split every text into sentences and embed them (``encoder.encode``); cached when ``cache_dir``."""
    splitter = splitter or SentenceSplitter()
    path = None
    if cache_dir is not None:
        path = Path(cache_dir) / f"narratives-sent-{_key(texts, splitter, encoder)}.npz"
        if path.is_file():
            data = np.load(path)
            offsets, bounds, vectors = data["offsets"], data["bounds"], data["vectors"]
            out: list[EmbeddedText] = []
            for i, text in enumerate(texts):
                a, b = int(bounds[i]), int(bounds[i + 1])
                spans = [Span(start=int(s), end=int(e), text=text[int(s) : int(e)]) for s, e in offsets[a:b]]
                out.append((spans, vectors[a:b]))
            return out
    spans_per_text = splitter(texts)
    flat = [s.text for spans in spans_per_text for s in spans]
    vectors = embed_sentences(encoder, flat)
    bounds = np.cumsum([0] + [len(s) for s in spans_per_text])
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        offsets = np.array([[s.start, s.end] for spans in spans_per_text for s in spans], dtype=np.int64).reshape(-1, 2)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, offsets=offsets, bounds=bounds, vectors=vectors)
        tmp.replace(path)
    return [(spans, vectors[bounds[i] : bounds[i + 1]]) for i, spans in enumerate(spans_per_text)]
