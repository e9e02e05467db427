"""The official mode of subtask 1: given documents + mentions, predict roles for exactly those mentions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from narrascope.errors import InputError
from narrascope.roles.features import Encoder, featurize_text, split_sentence_spans
from narrascope.roles.marked_model import MarkedRoleModel
from narrascope.roles.model import RoleModel
from narrascope.roles.st1_io import DocumentCache, RowIssue, St1Row, locate_mention, read_st1_file

__all__ = ["St1Prediction", "predict_st1"]


@dataclass
class St1Prediction:
    rows: list[St1Row]  # predictions, in the order of the mentions file
    issues: list[RowIssue] = field(default_factory=list)  # rows that got no prediction, and why
    moved: list[str] = field(default_factory=list)  # file:line of rows whose offsets were off by a few characters


def predict_st1(documents: str | Path, mentions: str | Path, model: RoleModel | MarkedRoleModel, encoder: Encoder | None) -> St1Prediction:
    """Predict a main role and fine roles for every valid row of ``mentions``.

    Invalid rows (bad columns, missing/empty/binary document, offsets beyond the document or
    not matching the mention) are returned as issues instead of stopping the run.  ``encoder``
    (sentence embeddings) is needed by linear models and ensembles only.
    """
    rows, issues = read_st1_file(mentions, with_roles=False)
    docs = DocumentCache(documents)
    located: dict[str, list[tuple[St1Row, tuple[int, int]]]] = {}
    moved: list[str] = []
    for row in rows:
        try:
            text = docs.get(row.article)
            start, end, was_moved = locate_mention(text, row)
        except InputError as exc:
            issues.append(RowIssue(row.source, exc.code, exc.message if exc.source == row.source else str(exc)))
            continue
        if was_moved:
            moved.append(row.source)
        located.setdefault(row.article, []).append((row, (start, end)))
    predicted: dict[str, St1Row] = {}
    for article, items in located.items():
        text = docs.get(article)
        spans = [span for _r, span in items]
        linear = model.linear if isinstance(model, MarkedRoleModel) else model
        feats = None
        if linear is not None:
            if encoder is None:
                raise ValueError("this role model needs a sentence encoder")
            feats = featurize_text(text, spans, encoder, linear.features)
        if isinstance(model, MarkedRoleModel):
            preds = model.predict(text, split_sentence_spans(text) or [(0, len(text))], spans, linear_x=feats)
        else:
            preds = model.predict_features(feats)
        for (row, _span), pred in zip(items, preds):
            predicted[row.source] = St1Row(row.article, row.mention, row.start, row.end, pred.main_role, pred.fine_roles, row.source)
    ordered = [predicted[r.source] for r in rows if r.source in predicted]
    issues.sort(key=lambda i: _line_no(i.source))
    return St1Prediction(ordered, issues, moved)


def _line_no(source: str) -> int:
    tail = source.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0
