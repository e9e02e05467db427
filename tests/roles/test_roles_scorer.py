from __future__ import annotations

import pytest

from narrascope.errors import InputError
from narrascope.roles.scorer import score_st1
from narrascope.roles.st1_io import St1Row


def R(mention, main, *fine, start=0):
    return St1Row("a.txt", mention, start, start + len(mention) - 1, main, tuple(fine))


GOLD = [
    R("Bob", "Antagonist", "Tyrant", "Corrupt"),
    R("Ann", "Innocent", "Victim", start=10),
    R("Cy", "Protagonist", "Guardian", start=20),
    R("Di", "Antagonist", "Deceiver", start=30),
]


def test_hand_computed_scores():
    pred = [
        R("Bob", "Antagonist", "Corrupt", "Tyrant"),  # exact (order does not matter)
        R("Ann", "Antagonist", "Victim", "Scapegoat", start=10),  # set differs; main wrong
        R("Cy", "Protagonist", "Peacemaker", start=20),  # wrong fine, right main
        R("Di", "Antagonist", "Deceiver", start=30),  # exact
    ]
    s = score_st1(GOLD, pred)
    # EMR 2/4; labels: gold 5, predicted 6, correct 4 (Tyrant, Corrupt, Victim, Deceiver)
    assert s.emr == pytest.approx(0.5)
    assert s.micro_precision == pytest.approx(4 / 6)
    assert s.micro_recall == pytest.approx(4 / 5)
    assert s.micro_f1 == pytest.approx(2 * (4 / 6) * (4 / 5) / (4 / 6 + 4 / 5))
    assert s.main_accuracy == pytest.approx(3 / 4)
    assert s.official_line() == "0.5000\t0.6667\t0.8000\t0.7273\t0.7500"


def test_missing_and_extra_rows():
    pred = [R("Bob", "Antagonist", "Tyrant", "Corrupt"), R("Zed", "Antagonist", "Tyrant", start=90)]
    s = score_st1(GOLD, pred)
    assert (s.missing, s.extra) == (3, 1)
    assert s.emr == pytest.approx(1 / 4) and s.main_accuracy == pytest.approx(1 / 4)
    assert s.micro_precision == pytest.approx(1.0) and s.micro_recall == pytest.approx(2 / 5)
    with pytest.raises(InputError, match="3 missing, 1 extra"):
        score_st1(GOLD, pred, strict=True)


def test_quotes_in_mentions_are_ignored_like_the_official_scorer():
    gold = [St1Row("a.txt", '"Azov"', 0, 5, "Antagonist", ("Terrorist",))]
    pred = [St1Row("a.txt", "Azov", 0, 5, "Antagonist", ("Terrorist",))]
    assert score_st1(gold, pred).emr == 1.0


def test_no_gold_is_an_error():
    with pytest.raises(InputError, match="no gold rows"):
        score_st1([], [])
