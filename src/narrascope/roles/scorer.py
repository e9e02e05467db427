"""The official subtask-1 metrics: EMR, micro P/R/F1 over fine roles, main-role accuracy.

Follows the organizers' scorer: a row's key is (article, mention without double
quotes, start, end); EMR compares fine-role *sets*; micro scores count fine-role
labels over all rows (``zero_division=1`` as in the official code); main-role
accuracy is over gold rows.  Rows are paired by key (the official script pairs by
file order, which equals pairing by key when predictions follow the gold order).
Gold rows without a prediction count as wrong (empty prediction); the official
script refuses such files, so :class:`St1Scores` reports ``missing`` / ``extra``
and ``strict=True`` raises instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from narrascope.errors import Codes, InputError
from narrascope.roles.st1_io import St1Row

__all__ = ["St1Scores", "score_st1"]


@dataclass(frozen=True)
class St1Scores:
    emr: float
    micro_precision: float
    micro_recall: float
    micro_f1: float
    main_accuracy: float
    n_gold: int
    missing: int = 0  # gold rows without a prediction
    extra: int = 0  # predicted rows not in gold

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)

    def official_line(self) -> str:
        """The official scorer's output line: EMR, micro P, micro R, micro F1, main accuracy."""
        return "\t".join(f"{v:.4f}" for v in (self.emr, self.micro_precision, self.micro_recall, self.micro_f1, self.main_accuracy))


def _key(row: St1Row) -> tuple[str, str, int, int]:
    return (row.article, row.mention.replace('"', ""), row.start, row.end)


def score_st1(gold: Sequence[St1Row], pred: Sequence[St1Row], *, strict: bool = False) -> St1Scores:
    """Score predictions against gold rows (both with roles)."""
    if not gold:
        raise InputError("no gold rows to score", code=Codes.EMPTY_INPUT, source="gold")
    pred_by_key: dict[tuple[str, str, int, int], St1Row] = {}
    for row in pred:
        pred_by_key[_key(row)] = row
    gold_keys = {_key(r) for r in gold}
    missing = [r for r in gold if _key(r) not in pred_by_key]
    extra = [k for k in pred_by_key if k not in gold_keys]
    if strict and (missing or extra):
        first = missing[0].source if missing else f"prediction {extra[0]}"
        raise InputError(
            f"prediction keys differ from gold: {len(missing)} missing, {len(extra)} extra",
            code=Codes.BAD_RECORD,
            source=first,
        )
    exact = tp = n_pred = n_gold_labels = main_ok = 0
    for row in gold:
        p = pred_by_key.get(_key(row))
        g_set = set(row.fine_roles)
        p_set = set(p.fine_roles) if p else set()
        exact += g_set == p_set
        tp += len(g_set & p_set)
        n_pred += len(p_set)
        n_gold_labels += len(g_set)
        main_ok += p is not None and p.main_role == row.main_role
    precision = tp / n_pred if n_pred else 1.0
    recall = tp / n_gold_labels if n_gold_labels else 1.0
    f1 = 2 * precision * recall / (precision + recall) if (precision + recall) else 0.0
    if n_pred == 0 or n_gold_labels == 0:  # sklearn's zero_division=1 convention for F1
        f1 = 1.0 if n_pred == n_gold_labels else 0.0
    n = len(gold)
    return St1Scores(
        emr=exact / n,
        micro_precision=precision,
        micro_recall=recall,
        micro_f1=f1,
        main_accuracy=main_ok / n,
        n_gold=n,
        missing=len(missing),
        extra=len(extra),
    )
