"""Article genre (opinion / reporting) from features of opinion writing — a fixed rule, no training labels.

There are no genre labels in the shared data, so nothing is fitted: the rule below was written down
before it was measured, and its accuracy is measured on a small set labelled by the narrascope
authors (``tests/techniques/fixtures/genre_labels.tsv``; see EVALUATION.md).  Features, outside
quotation marks: first-person and second-person pronouns per 100 words; attribution verbs ("said",
"according to", ...) per 100 words; and the share of paragraphs with a detected persuasion technique.
Satire is never predicted: nothing in the data or the features separates it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["GenreFeatures", "genre_features", "genre_decision", "strip_quotes"]

_QUOTED = re.compile(r"\"[^\"\n]{0,600}\"|“[^”\n]{0,600}”|«[^»\n]{0,600}»")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_FIRST = frozenset("i me my mine myself we us our ours ourselves i'm i've i'd i'll we're we've we'd we'll".split())
_SECOND = frozenset("you your yours yourself yourselves you're you've you'd you'll".split())
_ATTRIB = re.compile(
    r"\b(?:said|says|told|according to|reported|announced|stated|added|confirmed|spokes(?:man|woman|person))\b", re.I
)


@dataclass(frozen=True)
class GenreFeatures:
    first_person: float  # per 100 words outside quotes
    second_person: float
    attribution: float  # per 100 words (whole text)
    technique_density: float  # share of paragraphs with >= 1 technique
    words: int


def strip_quotes(text: str) -> str:
    """``text`` with quoted passages removed (pronouns in quotes belong to the people quoted)."""
    return _QUOTED.sub(" ", text)


def genre_features(text: str, n_paragraphs: int, n_technique_paragraphs: int) -> GenreFeatures:
    outside = [w.lower().replace("’", "'") for w in _WORD.findall(strip_quotes(text))]
    n = max(len(outside), 1)
    total_words = max(len(_WORD.findall(text)), 1)
    return GenreFeatures(
        first_person=100.0 * sum(w in _FIRST for w in outside) / n,
        second_person=100.0 * sum(w in _SECOND for w in outside) / n,
        attribution=100.0 * len(_ATTRIB.findall(text)) / total_words,
        technique_density=n_technique_paragraphs / max(n_paragraphs, 1),
        words=total_words,
    )


def genre_decision(f: GenreFeatures) -> tuple[str, float]:
    """("opinion" | "reporting", confidence in [0.5, 1]).  Weights fixed a priori (see module doc)."""
    z = (
        2.5 * (f.technique_density - 0.4)
        + 0.8 * min(f.first_person, 2.0)
        + 0.5 * min(f.second_person, 2.0)
        - 0.6 * min(f.attribution, 3.0)
        + 0.3
    )
    p = 1.0 / (1.0 + math.exp(-z))
    return ("opinion", p) if p >= 0.5 else ("reporting", 1.0 - p)


def paragraph_density(technique_paragraphs: Sequence[tuple[int, int]], paragraphs: Sequence[tuple[int, int]]) -> int:
    """How many of ``paragraphs`` carry at least one technique span that starts inside them."""
    return sum(1 for s, e in paragraphs if any(s <= ts < e for ts, _ in technique_paragraphs))
