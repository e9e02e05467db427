"""Official subtask-3 metric on hand-made cases with hand-computed answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from narrascope.errors import InputError
from narrascope.techniques.scorer import binarise, f1_scores, score_files, score_label_maps

CLASSES = ["A", "B", "C"]


def test_hand_computed_micro_and_macro() -> None:
    gold = {("1", "1"): ["A"], ("1", "2"): ["A", "B"], ("2", "1"): []}
    pred = {("1", "1"): ["A", "B"], ("1", "2"): ["A"], ("2", "1"): []}
    s = score_label_maps(pred, gold, CLASSES)
    # A: tp=2 fp=0 fn=0 -> 1.0 ; B: tp=0 fp=1 fn=1 -> 0.0 ; C: nothing anywhere -> 1.0 (zero_division=1)
    assert s.per_technique == {"A": 1.0, "B": 0.0, "C": 1.0}
    assert s.macro_f1 == pytest.approx(2 / 3)
    # micro: tp=2 fp=1 fn=1 -> 4 / 6
    assert s.micro_f1 == pytest.approx(4 / 6)


def test_all_empty_is_perfect() -> None:
    s = score_label_maps({("1", "1"): []}, {("1", "1"): []}, CLASSES)
    assert s.micro_f1 == 1.0 and s.macro_f1 == 1.0


def test_keys_must_match() -> None:
    with pytest.raises(InputError, match="1 missing"):
        score_label_maps({}, {("1", "1"): ["A"]}, CLASSES)


def test_matches_scikit_learn() -> None:
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    gold = (rng.random((60, 5)) < 0.2).astype(int)
    pred = (rng.random((60, 5)) < 0.25).astype(int)
    gold[:, 4] = 0
    pred[:, 4] = 0
    names = list("abcde")
    s = f1_scores(gold, pred, names)
    assert s.micro_f1 == pytest.approx(sklearn_metrics.f1_score(gold, pred, average="micro", zero_division=1))
    assert s.macro_f1 == pytest.approx(sklearn_metrics.f1_score(gold, pred, average="macro", zero_division=1))


def test_binarise_ignores_unknown() -> None:
    assert binarise([["A", "Z"], []], CLASSES).tolist() == [[1, 0, 0], [0, 0, 0]]


def test_score_files(tmp_path: Path) -> None:
    gold = tmp_path / "gold.txt"
    pred = tmp_path / "pred.txt"
    gold.write_text("1\t1\tDoubt\n1\t2\t\n", encoding="utf-8")
    pred.write_text("1\t1\tDoubt,Slogans\n1\t2\t\n", encoding="utf-8")
    from narrascope.techniques.taxonomy import load_techniques

    s = score_files(pred, gold, load_techniques().names)
    assert s.micro_f1 == pytest.approx(2 / 3)  # tp=1 fp=1 fn=0
    assert s.per_technique["Slogans"] == 0.0 and s.per_technique["Doubt"] == 1.0
