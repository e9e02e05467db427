"""Features of a paragraph (or sentence) in its article, computed the same way at training and inference.

Three blocks: the mean of its sentence embeddings (the vectors the pipeline already computed),
TF-IDF word uni/bigrams over a vocabulary stored in the model artifact, and a few style/context
features (title position, length, punctuation, quotes, capitals, and how much of the paragraph is
repeated elsewhere in the article, which carries the Repetition technique).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "STYLE_FEATURES",
    "split_sentences",
    "tokenize",
    "ngrams",
    "TfidfVocabulary",
    "style_features",
    "pool_embeddings",
]

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,]\d+)*", re.UNICODE)
_SENT_END = re.compile(r"(?<=[.!?…])([\"'”’»)\]]*)\s+(?=[\"'“‘«(\[]?[^\W_a-z])|\n+", re.UNICODE)

STYLE_FEATURES = (
    "is_title",
    "log_words",
    "n_sentences",
    "exclamation",
    "question",
    "quotes",
    "caps_words",
    "max_cos_other",
    "mean_cos_other",
    "repeated_words",
    "repeated_bigrams",
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each sentence of ``text`` (rule-based; used when no sentences are given)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _SENT_END.finditer(text):
        spans.append((pos, m.start() + len(m.group(1) or "")))
        pos = m.end()
    spans.append((pos, len(text)))
    out = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end))
    return out


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (letters, with inner apostrophes; numbers kept as one token)."""
    return [m.group(0).lower().replace("’", "'") for m in _WORD.finditer(text)]


def ngrams(tokens: Sequence[str]) -> list[str]:
    """Unigrams and bigrams (``"a b"``)."""
    return [*tokens, *(f"{a} {b}" for a, b in zip(tokens, tokens[1:]))]


@dataclass
class TfidfVocabulary:
    """Sublinear-TF x IDF weights over a fixed vocabulary, L2-normalised (like scikit-learn's TfidfVectorizer)."""

    index: Mapping[str, int]
    idf: np.ndarray

    def transform_one(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(column indices, values) of one text."""
        counts = Counter(t for t in ngrams(tokenize(text)) if t in self.index)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        cols = np.fromiter((self.index[t] for t in counts), dtype=np.int64, count=len(counts))
        tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float32, count=len(counts))
        vals = tf * self.idf[cols]
        vals /= max(float(np.linalg.norm(vals)), 1e-12)
        return cols, vals.astype(np.float32)


def pool_embeddings(vectors: np.ndarray) -> np.ndarray:
    """Mean of L2-normalised sentence vectors, re-normalised (zeros if none)."""
    if vectors.shape[0] == 0:
        return np.zeros(vectors.shape[1], dtype=np.float32)
    mean = vectors.mean(axis=0)
    return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)


def _content_words(tokens: Sequence[str]) -> list[str]:
    return [t for t in tokens if len(t) > 3 and not t.isdigit()]


def style_features(texts: Sequence[str], embeddings: np.ndarray, is_title: Sequence[bool]) -> np.ndarray:
    """(n, len(STYLE_FEATURES)) for the units of one article, in order (``embeddings``: pooled, normalised)."""
    n = len(texts)
    out = np.zeros((n, len(STYLE_FEATURES)), dtype=np.float32)
    if n == 0:
        return out
    tokens = [tokenize(t) for t in texts]
    words = [_content_words(tok) for tok in tokens]
    bigrams = [[f"{a} {b}" for a, b in zip(tok, tok[1:])] for tok in tokens]
    word_df = Counter(w for ws in words for w in set(ws))
    bigram_df = Counter(b for bs in bigrams for b in set(bs))
    sims = embeddings @ embeddings.T if n > 1 else np.zeros((1, 1), dtype=np.float32)
    for i, text in enumerate(texts):
        raw_words = text.split()
        n_words = len(raw_words)
        out[i, 0] = 1.0 if is_title[i] else 0.0
        out[i, 1] = math.log1p(n_words)
        out[i, 2] = math.log1p(len(split_sentences(text)))
        out[i, 3] = min(text.count("!"), 3)
        out[i, 4] = min(text.count("?"), 3)
        out[i, 5] = 1.0 if re.search(r"[\"“”«»]", text) else 0.0
        out[i, 6] = sum(1 for w in raw_words if len(w) > 1 and w.isupper()) / max(n_words, 1)
        if n > 1:
            others = np.delete(sims[i], i)
            out[i, 7] = float(others.max())
            out[i, 8] = float(others.mean())
        ws = set(words[i])
        out[i, 9] = sum(1 for w in ws if word_df[w] > 1) / max(len(ws), 1)
        bs = set(bigrams[i])
        out[i, 10] = sum(1 for b in bs if bigram_df[b] > 1) / max(len(bs), 1)
    return out
