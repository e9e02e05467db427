"""The narrative classifier: linear heads on document features, run in numpy (no torch).

Arrays (all float32, saved in ``weights.safetensors``):

* ``mean``, ``scale`` — feature standardisation ``(x - mean) / scale``;
* ``W_domain``/``b_domain`` — one-vs-rest logistic heads per domain code (normalised
  to a distribution), ``W_coarse``/``b_coarse``, ``W_fine``/``b_fine`` — one logistic
  head per narrative / sub-narrative (a label with too few training documents has
  no head: ``-inf`` bias, probability 0);
* ``t_coarse``, ``t_fine`` — decision thresholds chosen on out-of-fold predictions;
* ``domain_centroids`` + ``domain_min_sim`` — mean-embedding centroid per domain and the
  similarity below which an article counts as off-topic (domain ``"Other"``);
* ``proto_coarse``, ``proto_fine`` — embeddings of the label definitions, used to pick
  evidence sentences together with the heads.

``config.json`` holds the label lists and the taxonomy the model was trained with,
so an artifact is self-describing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.errors import ModelError
from narrascope.models.artifact import load_artifact, packaged_artifact_dir, save_artifact
from narrascope.narratives.decode import Decoded, Decoder
from narrascope.narratives.features import FEATURE_KIND, document_features, sentence_direction
from narrascope.taxonomy.narratives import NarrativeTaxonomy, narrative_taxonomy_from_dict

__all__ = ["NarrativeModel", "DEFAULT_MODEL", "NarrativeOutput"]

DEFAULT_MODEL = "narratives-en-minilm"
_ARRAYS = (
    "mean",
    "scale",
    "W_domain",
    "b_domain",
    "W_coarse",
    "b_coarse",
    "W_fine",
    "b_fine",
    "t_coarse",
    "t_fine",
    "domain_centroids",
    "domain_min_sim",
    "proto_coarse",
    "proto_fine",
)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


@dataclass
class NarrativeOutput:
    """Everything the model says about one document."""

    decoded: Decoded
    topic_domain: str  # a domain code, or "Other" when the article is far from every domain
    p_domain: np.ndarray
    p_coarse: np.ndarray
    p_fine: np.ndarray


class NarrativeModel:
    """Load with :meth:`load`; :meth:`predict_vectors` takes one document's sentence vectors."""

    def __init__(self, config: dict[str, Any], arrays: dict[str, np.ndarray], meta: dict[str, Any] | None = None,
                 path: Path | None = None) -> None:
        missing = [k for k in _ARRAYS if k not in arrays]
        if missing:
            raise ModelError(f"narrative model lacks arrays {', '.join(missing)}", source=str(path or "<memory>"))
        if config.get("features") != FEATURE_KIND:
            raise ModelError(f"unknown feature kind {config.get('features')!r}", source=str(path or "<memory>"))
        self.config = config
        self.meta = meta or {}
        self.path = path
        self.a = {k: np.asarray(arrays[k], dtype=np.float32) for k in _ARRAYS}
        where = str(path or "<memory>")
        self.taxonomy: NarrativeTaxonomy = narrative_taxonomy_from_dict(config["taxonomy"], source=where)
        self.domains: list[str] = list(config["domains"])
        self.coarse_labels: list[str] = list(config["coarse_labels"])
        self.fine_labels: list[str] = list(config["fine_labels"])
        self.dim = int(config["dim"])
        self.decoder = Decoder(self.taxonomy, self.coarse_labels, self.fine_labels, self.domains,
                               gate=bool(config.get("gate", True)))
        shapes = {
            "W_domain": (len(self.domains), 3 * self.dim),
            "W_coarse": (len(self.coarse_labels), 3 * self.dim),
            "W_fine": (len(self.fine_labels), 3 * self.dim),
        }
        for name, shape in shapes.items():
            if self.a[name].shape != shape:
                raise ModelError(f"{name} has shape {self.a[name].shape}, expected {shape}", source=where)
        # Directions along which a single sentence raises each head (for evidence).
        self._dir_coarse = sentence_direction(self.a["W_coarse"], self.a["scale"], self.dim)
        self._dir_fine = sentence_direction(self.a["W_fine"], self.a["scale"], self.dim)

    # -- persistence ----------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None) -> NarrativeModel:
        """Open an artifact directory (default: the one shipped in the package)."""
        directory = Path(path) if path is not None else packaged_artifact_dir(DEFAULT_MODEL)
        art = load_artifact(directory)
        try:
            return cls(art.config, art.arrays, art.meta, directory)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"not a narrative model artifact: {exc}", source=str(directory)) from None

    def save(self, directory: str | Path, meta: dict[str, Any]) -> Path:
        return save_artifact(directory, config=self.config, meta=meta, arrays=self.a)

    # -- inference ---------------------------------------------------------------
    def probabilities(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(p_domain, p_coarse, p_fine) for a ``(n, 3*dim)`` feature matrix."""
        z = (np.atleast_2d(features) - self.a["mean"]) / self.a["scale"]
        pd = _sigmoid(z @ self.a["W_domain"].T + self.a["b_domain"])
        pd = pd / np.maximum(pd.sum(axis=1, keepdims=True), 1e-12)
        pc = _sigmoid(z @ self.a["W_coarse"].T + self.a["b_coarse"])
        pf = _sigmoid(z @ self.a["W_fine"].T + self.a["b_fine"])
        return pd, pc, pf

    def topic_domain(self, vectors: np.ndarray, p_domain: np.ndarray) -> str:
        """The most probable domain, or ``"Other"`` when the article's mean embedding is less
        similar to that domain's centroid than (nearly) every training article was."""
        j = int(np.argmax(p_domain))
        centroid = self.a["domain_centroids"][j]
        mean = vectors.mean(axis=0)
        sim = float(mean @ centroid / max(float(np.linalg.norm(mean) * np.linalg.norm(centroid)), 1e-12))
        return self.domains[j] if sim >= float(self.a["domain_min_sim"][j]) else "Other"

    def predict_vectors(self, vectors: np.ndarray) -> NarrativeOutput:
        """Decode one document given its ``(n_sentences, dim)`` sentence vectors (n >= 1).

        An article that is off-topic for every domain (:meth:`topic_domain` ``"Other"``) is
        labelled ``Other``: the taxonomy's narratives are specific to its domains."""
        vectors = np.asarray(vectors, dtype=np.float32)
        pd, pc, pf = self.probabilities(document_features(vectors)[None, :])
        decoded = self.decoder.decode(pd[0], pc[0], pf[0], self.a["t_coarse"], self.a["t_fine"])
        topic = self.topic_domain(vectors, pd[0])
        if topic == "Other" and not decoded.is_other:
            # off-topic for every domain: the taxonomy's narratives do not apply
            other = self.taxonomy.other_label
            decoded = Decoded(decoded.domain, [other], [other], {other: float(1.0 - pc[0].max(initial=0.0))}, other)
        return NarrativeOutput(decoded, topic, pd[0], pc[0], pf[0])

    def sentence_scores(self, vectors: np.ndarray, label: str) -> np.ndarray:
        """How strongly each sentence supports ``label`` (a coarse or fine label): the z-scored
        sum of the sentence's push on the label's head and its cosine to the label definition."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if label in self.fine_labels:
            k = self.fine_labels.index(label)
            direction, proto = self._dir_fine[k], self.a["proto_fine"][k]
        elif label in self.coarse_labels:
            k = self.coarse_labels.index(label)
            direction, proto = self._dir_coarse[k], self.a["proto_coarse"][k]
        else:
            return np.zeros(len(vectors), dtype=np.float32)
        return _z(vectors @ direction) + _z(vectors @ proto)


def _z(x: np.ndarray) -> np.ndarray:
    sd = float(x.std())
    return (x - x.mean()) / sd if sd > 1e-9 else np.zeros_like(x)
