"""The official SemEval-2023 Task 3 subtask 3 metric: micro- and macro-F1 over the binarised techniques.

As in the organizers' scorer: labels binarised over the full technique list, examples keyed by
(article id, paragraph id), F1 = 2TP / (2TP + FP + FN) with ``zero_division=1`` (a technique that is
neither in the gold nor predicted scores 1.0 in the macro average).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from narrascope.errors import Codes, InputError
from narrascope.techniques.semeval_io import Key, read_labels

__all__ = ["TechniqueScores", "binarise", "f1_scores", "score_label_maps", "score_files"]


@dataclass
class TechniqueScores:
    micro_f1: float
    macro_f1: float
    per_technique: dict[str, float]
    n_examples: int

    def as_dict(self) -> dict[str, object]:
        return {
            "micro_f1": self.micro_f1,
            "macro_f1": self.macro_f1,
            "per_technique": dict(self.per_technique),
            "n_examples": self.n_examples,
        }


def binarise(label_lists: Sequence[Sequence[str]], classes: Sequence[str]) -> np.ndarray:
    """(n_examples, n_classes) 0/1 matrix; names outside ``classes`` are ignored (as MultiLabelBinarizer warns)."""
    index = {c: i for i, c in enumerate(classes)}
    out = np.zeros((len(label_lists), len(classes)), dtype=np.int8)
    for row, labels in enumerate(label_lists):
        for name in labels:
            j = index.get(name)
            if j is not None:
                out[row, j] = 1
    return out


def f1_scores(gold: np.ndarray, pred: np.ndarray, classes: Sequence[str]) -> TechniqueScores:
    """Micro/macro F1 of two 0/1 matrices with ``zero_division=1``."""
    if gold.shape != pred.shape:
        raise ValueError(f"gold {gold.shape} and predictions {pred.shape} differ in shape")
    gold = gold.astype(bool)
    pred = pred.astype(bool)
    tp = (gold & pred).sum(axis=0).astype(float)
    fp = (~gold & pred).sum(axis=0).astype(float)
    fn = (gold & ~pred).sum(axis=0).astype(float)
    denom = 2 * tp + fp + fn
    per = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 1.0)
    micro_denom = denom.sum()
    micro = float(2 * tp.sum() / micro_denom) if micro_denom > 0 else 1.0
    return TechniqueScores(
        micro_f1=micro,
        macro_f1=float(per.mean()) if len(classes) else 1.0,
        per_technique={c: float(v) for c, v in zip(classes, per)},
        n_examples=int(gold.shape[0]),
    )


def score_label_maps(
    predicted: Mapping[Key, Sequence[str]], gold: Mapping[Key, Sequence[str]], classes: Sequence[str], *, source: str = "predictions"
) -> TechniqueScores:
    """Score predictions against gold; both must have exactly the same (article, paragraph) keys."""
    missing = [k for k in gold if k not in predicted]
    extra = [k for k in predicted if k not in gold]
    if missing or extra:
        sample = (missing or extra)[0]
        raise InputError(
            f"predictions must cover exactly the gold paragraphs: {len(missing)} missing, {len(extra)} not in gold "
            f"(e.g. {sample[0]}/{sample[1]})",
            code=Codes.BAD_RECORD,
            source=source,
        )
    keys = list(gold)
    return f1_scores(binarise([gold[k] for k in keys], classes), binarise([predicted[k] for k in keys], classes), classes)


def score_files(pred_path: str | Path, gold_path: str | Path, classes: Sequence[str]) -> TechniqueScores:
    """Score an official prediction file against an official gold file."""
    pred = read_labels(pred_path, techniques=classes)
    gold = read_labels(gold_path, techniques=classes)
    return score_label_maps(pred.labels, gold.labels, classes, source=str(pred_path))
