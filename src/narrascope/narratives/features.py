"""Document features from sentence embeddings.

A document is the set of its sentence vectors (every sentence, so a text of any length
is used whole — nothing is cut at the encoder's 256-token window).  Its feature vector
is ``[mean, max, first]``: the mean and the element-wise max over all sentences and the
vector of the first sentence (the headline in news articles and SemEval documents).
"""

from __future__ import annotations

import numpy as np

__all__ = ["FEATURE_KIND", "document_features", "feature_dim", "sentence_direction"]

FEATURE_KIND = "mean-max-first"


def feature_dim(dim: int) -> int:
    return 3 * dim


def document_features(vectors: np.ndarray) -> np.ndarray:
    """``(n_sentences, dim)`` -> ``(3 * dim,)`` float32; ``n_sentences`` must be >= 1."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] == 0:
        raise ValueError(f"need a non-empty (n_sentences, dim) array, got shape {vectors.shape}")
    return np.concatenate([vectors.mean(axis=0), vectors.max(axis=0), vectors[0]]).astype(np.float32)


def sentence_direction(weights: np.ndarray, scale: np.ndarray, dim: int) -> np.ndarray:
    """The direction in sentence space along which one sentence raises a linear head's score
    on standardised ``[mean, max, first]`` features: the sum of the three blocks' ``w / scale``."""
    w = np.asarray(weights, dtype=np.float32) / np.asarray(scale, dtype=np.float32)
    return w[..., :dim] + w[..., dim : 2 * dim] + w[..., 2 * dim : 3 * dim]
