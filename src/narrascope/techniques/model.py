"""The technique classifier at inference time: a linear model over [TF-IDF | embedding | style] in numpy.

Scores are ``sigmoid(W_text @ tfidf + W_emb @ emb + W_style @ standardised(style) [+ W_ctx @ ctx] + b)``
per technique (``ctx``: the mean embedding of all units of the article, when the model uses it),
compared with a per-technique threshold tuned by cross-validation.  Loaded from a
:mod:`narrascope.models.artifact` directory; no scikit-learn or torch needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.errors import ModelError
from narrascope.models.artifact import load_artifact, packaged_artifact_dir, save_artifact
from narrascope.techniques.features import STYLE_FEATURES, TfidfVocabulary

__all__ = ["TechniqueModel", "DEFAULT_MODEL", "load_technique_model"]

DEFAULT_MODEL = "techniques-en-linear"
KIND = "narrascope.techniques.linear/1"


def article_context(embeddings: np.ndarray) -> np.ndarray:
    """The article context of every unit: the normalised mean of all unit embeddings of the article."""
    mean = embeddings.mean(axis=0)
    return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


@dataclass
class TechniqueModel:
    labels: list[str]
    vocabulary: list[str]
    idf: np.ndarray  # (V,)
    w_text: np.ndarray  # (L, V)
    w_emb: np.ndarray  # (L, D)
    w_style: np.ndarray  # (L, S)
    bias: np.ndarray  # (L,)
    style_mean: np.ndarray  # (S,)
    style_scale: np.ndarray  # (S,)
    thresholds: np.ndarray  # (L,)
    meta: dict[str, Any]
    path: Path | None = None
    w_ctx: np.ndarray | None = None  # (L, D): weights of the article context (mean of its unit embeddings)

    def __post_init__(self) -> None:
        self._tfidf = TfidfVocabulary({t: i for i, t in enumerate(self.vocabulary)}, self.idf.astype(np.float32))
        # column-major copy of the text weights: one gather per text
        self._w_text_t = np.ascontiguousarray(self.w_text.T)

    @property
    def dim(self) -> int:
        return int(self.w_emb.shape[1])

    def scores(
        self, texts: Sequence[str], embeddings: np.ndarray, style: np.ndarray, context: np.ndarray | None = None
    ) -> np.ndarray:
        """(n, n_labels) probabilities for ``texts`` with their pooled embeddings and style features.

        ``context``: (n, dim) article context per row; default: all rows are one article."""
        n = len(texts)
        if embeddings.shape != (n, self.dim):
            raise ValueError(f"embeddings shape {embeddings.shape} != ({n}, {self.dim})")
        if style.shape != (n, len(STYLE_FEATURES)):
            raise ValueError(f"style shape {style.shape} != ({n}, {len(STYLE_FEATURES)})")
        z = embeddings.astype(np.float32) @ self.w_emb.T
        z += ((style - self.style_mean) / self.style_scale).astype(np.float32) @ self.w_style.T
        z += self.bias
        if self.w_ctx is not None and n:
            ctx = article_context(embeddings)[None, :] if context is None else context.astype(np.float32)
            z += ctx @ self.w_ctx.T
        for row, text in enumerate(texts):
            cols, vals = self._tfidf.transform_one(text)
            if len(cols):
                z[row] += vals @ self._w_text_t[cols]
        return _sigmoid(z)

    def decide(self, scores: np.ndarray) -> np.ndarray:
        """0/1 decisions with the per-technique thresholds."""
        return (scores >= self.thresholds[None, :]).astype(np.int8)

    # -- persistence ------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        config = {"kind": KIND, "labels": self.labels, "vocabulary": self.vocabulary, "style_features": list(STYLE_FEATURES)}
        arrays = {
            "idf": self.idf.astype(np.float32),
            "w_text": self.w_text.astype(np.float16),
            "w_emb": self.w_emb.astype(np.float32),
            "w_style": self.w_style.astype(np.float32),
            "bias": self.bias.astype(np.float32),
            "style_mean": self.style_mean.astype(np.float32),
            "style_scale": self.style_scale.astype(np.float32),
            "thresholds": self.thresholds.astype(np.float32),
        }
        if self.w_ctx is not None:
            arrays["w_ctx"] = self.w_ctx.astype(np.float32)
        meta = dict(self.meta)
        meta.setdefault("labels", self.labels)
        return save_artifact(directory, config=config, meta=meta, arrays=arrays)

    @classmethod
    def load(cls, directory: str | Path) -> "TechniqueModel":
        art = load_artifact(directory)
        source = str(directory)
        if art.config.get("kind") != KIND:
            raise ModelError(f"not a technique model (kind {art.config.get('kind')!r}, expected {KIND!r})", source=source)
        if list(art.config.get("style_features", [])) != list(STYLE_FEATURES):
            raise ModelError("style features differ from this narrascope version; retrain the model", source=source)
        needed = ("idf", "w_text", "w_emb", "w_style", "bias", "style_mean", "style_scale", "thresholds")
        missing = [k for k in needed if k not in art.arrays]
        if missing:
            raise ModelError(f"weights lack {', '.join(missing)}", source=source)
        labels = list(art.config["labels"])
        vocab = list(art.config["vocabulary"])
        a = art.arrays
        n_l, n_v = len(labels), len(vocab)
        if a["w_text"].shape != (n_l, n_v) or a["w_emb"].shape[0] != n_l or a["bias"].shape != (n_l,):
            raise ModelError("weight shapes do not match the label list / vocabulary", source=source)
        return cls(
            labels=labels,
            vocabulary=vocab,
            idf=a["idf"].astype(np.float32),
            w_text=a["w_text"].astype(np.float32),
            w_emb=a["w_emb"].astype(np.float32),
            w_style=a["w_style"].astype(np.float32),
            bias=a["bias"].astype(np.float32),
            style_mean=a["style_mean"].astype(np.float32),
            style_scale=a["style_scale"].astype(np.float32),
            thresholds=a["thresholds"].astype(np.float32),
            meta=art.meta,
            path=Path(directory),
            w_ctx=a["w_ctx"].astype(np.float32) if "w_ctx" in a else None,
        )


def load_technique_model(path: str | Path | None = None) -> TechniqueModel:
    """Load a technique model artifact (default: the one shipped in the package)."""
    return TechniqueModel.load(path if path is not None else packaged_artifact_dir(DEFAULT_MODEL))
