"""Scores for subtasks 2 and 3.

Subtask 2 — the official definition: for every document, the binary F1 between the gold
and the predicted label sets, both restricted to the class list (labels outside it are
ignored; a document whose restricted sets are both empty, or that has no overlap,
scores 0), then the mean and the (population) standard deviation over documents.  It
is computed once with the narrative list (coarse) and once with the sub-narrative
list (fine).  Labels are compared exactly as written (split on ``;``, no stripping).
Unlike the official script, which pairs rows by file position, rows are paired by
document ID; the result says whether the prediction file kept the gold order (the
official scorer would misalign otherwise).

Subtask 3 — the official metric is BERTScore-F1 with ``bert-base-multilingual-cased``,
which cannot be loaded offline here.  :func:`explanation_proxy` is a documented
offline stand-in: the mean cosine of MiniLM sentence embeddings of prediction and gold
(``semantic``), and the mean unigram F1 over lower-cased word tokens (``lexical``).
Its numbers are not comparable with published BERTScores.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from narrascope.errors import Codes, InputError
from narrascope.narratives.semeval_io import St2Row

__all__ = ["samples_f1", "St2Score", "score_st2", "St3ProxyScore", "explanation_proxy", "token_f1"]


def _doc_f1(gold: set[str], pred: set[str]) -> float:
    tp = len(gold & pred)
    if tp == 0:
        return 0.0
    return 2 * tp / (len(gold) + len(pred))


def samples_f1(
    gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], classes: Sequence[str]
) -> tuple[float, float]:
    """Mean and standard deviation over documents of the per-document F1 restricted to ``classes``."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold rows but {len(pred)} predicted rows")
    if not gold:
        return 0.0, 0.0
    cls = set(classes)
    scores = np.array([_doc_f1(set(g) & cls, set(p) & cls) for g, p in zip(gold, pred)], dtype=float)
    return float(scores.mean()), float(scores.std())


@dataclass(frozen=True)
class St2Score:
    f1_coarse: float
    sd_coarse: float
    f1_fine: float
    sd_fine: float
    n_documents: int
    order_matches_gold: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def score_st2(
    gold: Sequence[St2Row],
    pred: Sequence[St2Row],
    coarse_classes: Sequence[str],
    fine_classes: Sequence[str],
    *,
    pred_source: str = "predictions",
) -> St2Score:
    """Official samples-F1 (coarse and fine); the two files must hold the same document IDs."""
    gold_ids = [r.id for r in gold]
    pred_by_id = {r.id: r for r in pred}
    missing = [i for i in gold_ids if i not in pred_by_id]
    extra = sorted(set(pred_by_id) - set(gold_ids))
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"{len(missing)} gold document(s) not predicted (e.g. {missing[0]})")
        if extra:
            parts.append(f"{len(extra)} predicted document(s) not in gold (e.g. {extra[0]})")
        raise InputError("; ".join(parts), code=Codes.BAD_RECORD, source=pred_source)
    ordered = [pred_by_id[i] for i in gold_ids]
    f1c, sdc = samples_f1([r.narratives for r in gold], [r.narratives for r in ordered], coarse_classes)
    f1f, sdf = samples_f1([r.subnarratives for r in gold], [r.subnarratives for r in ordered], fine_classes)
    return St2Score(f1c, sdc, f1f, sdf, len(gold), [r.id for r in pred] == gold_ids)


_WORD = re.compile(r"\w+", re.UNICODE)


def token_f1(pred: str, gold: str) -> float:
    """Unigram F1 over lower-cased word tokens (multiset overlap)."""
    p = Counter(w.lower() for w in _WORD.findall(pred))
    g = Counter(w.lower() for w in _WORD.findall(gold))
    overlap = sum((p & g).values())
    if overlap == 0:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)


@dataclass(frozen=True)
class St3ProxyScore:
    semantic: float  # mean cosine of sentence embeddings (MiniLM-L6), prediction vs gold
    lexical: float  # mean unigram F1
    n_documents: int
    metric: str = "offline proxy (MiniLM cosine + unigram F1), not the official BERTScore"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def explanation_proxy(pred: Sequence[str], gold: Sequence[str], *, encoder: Any) -> St3ProxyScore:
    """Offline stand-in for the official BERTScore (see the module docstring)."""
    if len(pred) != len(gold):
        raise ValueError(f"{len(gold)} gold explanations but {len(pred)} predicted")
    if not gold:
        return St3ProxyScore(0.0, 0.0, 0)
    vp, vg = encoder.encode(list(pred)), encoder.encode(list(gold))
    semantic = float(np.mean(np.sum(vp * vg, axis=1)))
    lexical = float(np.mean([token_f1(p, g) for p, g in zip(pred, gold)]))
    return St3ProxyScore(semantic, lexical, len(gold))
