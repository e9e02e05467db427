"""Training and cross-validation of the narrative model (scikit-learn at training time only).

Procedure (seeded, deterministic):

* features: ``[mean, max, first]`` of the sentence embeddings (:mod:`.features`),
  standardised on the training part;
* heads: one-vs-rest logistic regression (L2, ``C``, balanced class weights) per domain,
  narrative and sub-narrative with at least ``min_positives`` training documents;
* thresholds: one threshold for narratives and one for sub-narratives, chosen on a
  grid to maximise coarse + fine samples-F1 of out-of-fold predictions of the
  training part (``inner_folds``), optionally blended per label (``per_label``);
* decoding: :class:`~narrascope.narratives.decode.Decoder` (domain gate, hierarchy, Other);
* cross-validation: ``folds`` folds by document, stratified by domain and Other; the
  thresholds of every fold are tuned inside its training part only (nested), so the
  reported scores are honest out-of-fold numbers.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from narrascope.narratives.decode import Decoded, Decoder
from narrascope.narratives.features import FEATURE_KIND, document_features
from narrascope.narratives.model import NarrativeModel
from narrascope.narratives.scoring import samples_f1
from narrascope.taxonomy.narratives import NarrativeTaxonomy

__all__ = ["TrainConfig", "TrainingSet", "CVReport", "build_training_set", "cross_validate", "fit_model"]

_NO_HEAD_BIAS = -30.0


@dataclass(frozen=True)
class TrainConfig:
    C: float = 0.005
    min_positives: int = 2
    inner_folds: int = 4
    seed: int = 0
    gate: bool = True
    per_label: bool = False
    grid: tuple[float, ...] = tuple(round(x, 2) for x in np.arange(0.2, 0.9, 0.05))


@dataclass
class TrainingSet:
    """Features and targets of labelled documents (rows in dataset order)."""

    ids: list[str]
    X: np.ndarray  # (n, 3*dim)
    mean_vectors: np.ndarray  # (n, dim) mean sentence embedding
    domains: list[str]  # taxonomy domain codes
    y_domain: np.ndarray  # (n,) index into domains, -1 unknown
    coarse_labels: list[str]
    fine_labels: list[str]
    Yc: np.ndarray  # (n, n_coarse) 0/1
    Yf: np.ndarray  # (n, n_fine) 0/1
    gold_coarse: list[list[str]]
    gold_fine: list[list[str]]
    dim: int


def build_training_set(
    ids: Sequence[str],
    vectors: Sequence[np.ndarray],
    coarse: Sequence[Sequence[str]],
    fine: Sequence[Sequence[str]],
    doc_domains: Sequence[str | None],
    taxonomy: NarrativeTaxonomy,
) -> TrainingSet:
    """Targets over every taxonomy label except ``Other`` (that is decoded, not learned)."""
    other = taxonomy.other_label
    coarse_labels = [c for c in taxonomy.coarse_labels if c != other]
    fine_labels = [f for f in taxonomy.fine_labels if f != other]
    domains = list(taxonomy.domain_codes)
    X = np.stack([document_features(v) for v in vectors])
    means = np.stack([np.asarray(v, dtype=np.float32).mean(axis=0) for v in vectors])
    Yc = np.array([[c in set(g) for c in coarse_labels] for g in coarse], dtype=np.int8)
    Yf = np.array([[f in set(g) for f in fine_labels] for g in fine], dtype=np.int8)
    yd = np.array([domains.index(d) if d in domains else -1 for d in doc_domains], dtype=np.int64)
    return TrainingSet(
        list(ids), X, means, domains, yd, coarse_labels, fine_labels, Yc, Yf,
        [list(g) for g in coarse], [list(g) for g in fine], int(vectors[0].shape[1]),
    )


def _fit_heads(X: np.ndarray, Y: np.ndarray, cfg: TrainConfig) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    W = np.zeros((Y.shape[1], X.shape[1]), dtype=np.float32)
    b = np.full(Y.shape[1], _NO_HEAD_BIAS, dtype=np.float32)
    for j in range(Y.shape[1]):
        y = Y[:, j]
        if y.sum() < cfg.min_positives or y.sum() == len(y):
            continue
        clf = LogisticRegression(C=cfg.C, max_iter=3000, class_weight="balanced")
        clf.fit(X, y)
        W[j], b[j] = clf.coef_[0], clf.intercept_[0]
    return W, b


@dataclass
class _Heads:
    mean: np.ndarray
    scale: np.ndarray
    Wd: np.ndarray
    bd: np.ndarray
    Wc: np.ndarray
    bc: np.ndarray
    Wf: np.ndarray
    bf: np.ndarray

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        z = (X - self.mean) / self.scale
        sig = lambda a: 1.0 / (1.0 + np.exp(-np.clip(a, -50, 50)))  # noqa: E731
        pd = sig(z @ self.Wd.T + self.bd)
        pd = pd / np.maximum(pd.sum(axis=1, keepdims=True), 1e-12)
        return pd, sig(z @ self.Wc.T + self.bc), sig(z @ self.Wf.T + self.bf)


def _fit_all(ts: TrainingSet, rows: np.ndarray, cfg: TrainConfig) -> _Heads:
    X = ts.X[rows]
    mean = X.mean(axis=0)
    scale = X.std(axis=0) + 1e-6
    Z = (X - mean) / scale
    known = ts.y_domain[rows] >= 0
    Yd = np.zeros((len(rows), len(ts.domains)), dtype=np.int8)
    Yd[np.flatnonzero(known), ts.y_domain[rows][known]] = 1
    if len(ts.domains) == 1:
        Wd, bd = np.zeros((1, X.shape[1]), dtype=np.float32), np.zeros(1, dtype=np.float32)
    else:
        Wd, bd = _fit_heads(Z[known], Yd[known], cfg)
    Wc, bc = _fit_heads(Z, ts.Yc[rows], cfg)
    Wf, bf = _fit_heads(Z, ts.Yf[rows], cfg)
    return _Heads(mean.astype(np.float32), scale.astype(np.float32), Wd, bd, Wc, bc, Wf, bf)


def _strata(ts: TrainingSet) -> np.ndarray:
    is_other = (ts.Yc.sum(axis=1) == 0).astype(np.int64)
    return (ts.y_domain + 1) * 2 + is_other


def _folds(strata: np.ndarray, k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import KFold, StratifiedKFold

    counts = np.bincount(strata)
    if counts[counts > 0].min() >= k:
        splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
        return list(splitter.split(np.zeros(len(strata)), strata))
    return list(KFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(len(strata))))


def _score(decoded: Sequence[Decoded], gold_c: Sequence[Sequence[str]], gold_f: Sequence[Sequence[str]],
           classes: tuple[Sequence[str], Sequence[str]]) -> tuple[float, float]:
    return (
        samples_f1(gold_c, [d.coarse for d in decoded], classes[0])[0],
        samples_f1(gold_f, [d.fine for d in decoded], classes[1])[0],
    )


def _oof(ts: TrainingSet, rows: np.ndarray, cfg: TrainConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pd = np.zeros((len(rows), len(ts.domains)))
    pc = np.zeros((len(rows), len(ts.coarse_labels)))
    pf = np.zeros((len(rows), len(ts.fine_labels)))
    for a, b in _folds(_strata(ts)[rows], cfg.inner_folds, cfg.seed + 1):
        heads = _fit_all(ts, rows[a], cfg)
        pd[b], pc[b], pf[b] = heads.predict(ts.X[rows[b]])
    return pd, pc, pf


def _tune(
    decoder: Decoder, ts: TrainingSet, rows: np.ndarray, probs: tuple[np.ndarray, np.ndarray, np.ndarray],
    classes: tuple[Sequence[str], Sequence[str]], cfg: TrainConfig,
) -> tuple[np.ndarray, np.ndarray]:
    pd, pc, pf = probs
    gold_c = [ts.gold_coarse[i] for i in rows]
    gold_f = [ts.gold_fine[i] for i in rows]
    best = (-1.0, 0.5, 0.5)
    for a in cfg.grid:
        for b in cfg.grid:
            dec = decoder.decode_many(pd, pc, pf, np.full(pc.shape[1], a), np.full(pf.shape[1], b))
            s = sum(_score(dec, gold_c, gold_f, classes))
            if s > best[0] + 1e-9:
                best = (s, a, b)
    tc = np.full(pc.shape[1], best[1], dtype=np.float32)
    tf = np.full(pf.shape[1], best[2], dtype=np.float32)
    if cfg.per_label:
        for P, Y, t in ((pc, ts.Yc[rows], tc), (pf, ts.Yf[rows], tf)):
            for j in range(P.shape[1]):
                y = Y[:, j].astype(bool)
                if y.sum() < 5:
                    continue
                f1s = []
                for th in cfg.grid:
                    p = P[:, j] >= th
                    tp = int((p & y).sum())
                    f1s.append(2 * tp / (p.sum() + y.sum()) if tp else 0.0)
                t[j] = 0.5 * t[j] + 0.5 * cfg.grid[int(np.argmax(f1s))]
    return tc, tf


@dataclass
class CVReport:
    f1_coarse: float
    sd_coarse: float
    f1_fine: float
    sd_fine: float
    folds: int
    per_fold: list[dict[str, float]] = field(default_factory=list)
    predictions: list[Decoded] = field(default_factory=list)  # out-of-fold, dataset order

    def as_dict(self) -> dict[str, Any]:
        return {
            "samples_f1_coarse": round(self.f1_coarse, 4),
            "samples_f1_coarse_sd": round(self.sd_coarse, 4),
            "samples_f1_fine": round(self.f1_fine, 4),
            "samples_f1_fine_sd": round(self.sd_fine, 4),
            "folds": self.folds,
            "per_fold": self.per_fold,
        }


def _limit_threads() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def cross_validate(
    ts: TrainingSet, taxonomy: NarrativeTaxonomy, cfg: TrainConfig, *, folds: int = 5,
    classes: tuple[Sequence[str], Sequence[str]] | None = None,
) -> CVReport:
    """Nested ``folds``-fold CV: out-of-fold samples-F1 (coarse, fine) with the official class lists."""
    _limit_threads()
    classes = classes or taxonomy.official_labels()
    decoder = Decoder(taxonomy, ts.coarse_labels, ts.fine_labels, ts.domains, gate=cfg.gate)
    out: list[Decoded | None] = [None] * len(ts.ids)
    per_fold = []
    for k, (tr, te) in enumerate(_folds(_strata(ts), folds, cfg.seed)):
        tc, tf = _tune(decoder, ts, tr, _oof(ts, tr, cfg), classes, cfg)
        heads = _fit_all(ts, tr, cfg)
        pd, pc, pf = heads.predict(ts.X[te])
        dec = decoder.decode_many(pd, pc, pf, tc, tf)
        for i, d in zip(te, dec):
            out[i] = d
        fc, ff = _score(dec, [ts.gold_coarse[i] for i in te], [ts.gold_fine[i] for i in te], classes)
        per_fold.append({"fold": k, "coarse": round(fc, 4), "fine": round(ff, 4),
                         "t_coarse": round(float(np.median(tc)), 3), "t_fine": round(float(np.median(tf)), 3)})
    preds = [d for d in out if d is not None]
    fc, sc = samples_f1(ts.gold_coarse, [d.coarse for d in preds], classes[0])
    ff, sf = samples_f1(ts.gold_fine, [d.fine for d in preds], classes[1])
    return CVReport(fc, sc, ff, sf, folds, per_fold, preds)


def fit_model(
    ts: TrainingSet,
    taxonomy: NarrativeTaxonomy,
    cfg: TrainConfig,
    *,
    prototypes: tuple[np.ndarray, np.ndarray],
    threshold_folds: int = 5,
    classes: tuple[Sequence[str], Sequence[str]] | None = None,
) -> NarrativeModel:
    """Fit the heads on every document and choose thresholds on ``threshold_folds``-fold OOF predictions."""
    _limit_threads()
    classes = classes or taxonomy.official_labels()
    rows = np.arange(len(ts.ids))
    decoder = Decoder(taxonomy, ts.coarse_labels, ts.fine_labels, ts.domains, gate=cfg.gate)
    tc, tf = _tune(decoder, ts, rows, _oof(ts, rows, TrainConfig(**{**cfg.__dict__, "inner_folds": threshold_folds})),
                   classes, cfg)
    heads = _fit_all(ts, rows, cfg)
    centroids = np.zeros((len(ts.domains), ts.dim), dtype=np.float32)
    min_sim = np.full(len(ts.domains), -1.0, dtype=np.float32)
    for j in range(len(ts.domains)):
        members = ts.mean_vectors[ts.y_domain == j]
        if len(members) == 0:
            continue
        c = members.mean(axis=0)
        centroids[j] = c / max(float(np.linalg.norm(c)), 1e-12)
        sims = members @ centroids[j] / np.maximum(np.linalg.norm(members, axis=1), 1e-12)
        min_sim[j] = float(np.quantile(sims, 0.01)) - 0.05
    config = {
        "kind": "narratives-linear",
        "features": FEATURE_KIND,
        "dim": ts.dim,
        "domains": ts.domains,
        "coarse_labels": ts.coarse_labels,
        "fine_labels": ts.fine_labels,
        "gate": cfg.gate,
        "train_config": {"C": cfg.C, "min_positives": cfg.min_positives, "inner_folds": threshold_folds,
                         "seed": cfg.seed, "per_label": cfg.per_label},
        "taxonomy": taxonomy.to_dict(),
    }
    arrays = {
        "mean": heads.mean, "scale": heads.scale,
        "W_domain": heads.Wd, "b_domain": heads.bd,
        "W_coarse": heads.Wc, "b_coarse": heads.bc,
        "W_fine": heads.Wf, "b_fine": heads.bf,
        "t_coarse": tc, "t_fine": tf,
        "domain_centroids": centroids, "domain_min_sim": min_sim,
        "proto_coarse": prototypes[0].astype(np.float32), "proto_fine": prototypes[1].astype(np.float32),
    }
    return NarrativeModel(config, arrays)
