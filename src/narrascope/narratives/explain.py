"""Explanations of the dominant narrative (SemEval-2025 Task 10 subtask 3).

:class:`ExplanationGenerator` is the interface: ``explain(request) -> Explanation``.
The default :class:`ExtractiveExplainer` builds the explanation only from the article's
own words: it takes the sentences that best support the label (scores from the
narrative model), compresses each to the clause window that fits the word budget, and
joins them as quotations.  Every claim is one quotation whose evidence span is exactly
that text of ``Article.text``, so every claim points to the article.  An LLM backend
can implement the same interface later (it must still return claims with evidence).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from narrascope.doc import Claim, Explanation, Span

__all__ = ["ExplanationRequest", "ExplanationGenerator", "ExtractiveExplainer", "count_words"]

_WORD = re.compile(r"\S+")
_CLAUSE_END = re.compile(r"[,;:\u2014\u2013]\s|\s[-\u2014\u2013]\s")


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


@dataclass(frozen=True)
class ExplanationRequest:
    """What a generator gets: the text, its sentences, how much each supports the label, and the label."""

    text: str
    sentences: Sequence[Span]
    scores: np.ndarray  # one score per sentence (higher: more support)
    label: str  # the full label (sub-narrative, or narrative)
    label_name: str  # short human-readable name
    definition: str


@runtime_checkable
class ExplanationGenerator(Protocol):
    name: str

    def explain(self, request: ExplanationRequest) -> Explanation | None: ...


class ExtractiveExplainer:
    """Quotes the best-supporting sentences (compressed to clauses) within ``max_words`` words."""

    name = "extractive"

    def __init__(self, *, max_words: int = 80, max_quotes: int = 3, min_quote_words: int = 5) -> None:
        self.max_words = max_words
        self.max_quotes = max_quotes
        self.min_quote_words = min_quote_words

    def _lead(self, request: ExplanationRequest) -> str:
        return f"The text advances the narrative \u201c{request.label_name}\u201d: it says"

    def explain(self, request: ExplanationRequest) -> Explanation | None:
        if not request.sentences:
            return None
        lead = self._lead(request)
        budget = self.max_words - count_words(lead)
        order = np.argsort(-np.asarray(request.scores, dtype=float), kind="stable")
        chosen: list[Span] = []
        for i in order[: max(self.max_quotes * 3, 1)]:
            if len(chosen) >= self.max_quotes or budget < self.min_quote_words:
                break
            span = self._compress(request.text, request.sentences[int(i)], budget - (1 if chosen else 0))
            if span is None or any(s.start < span.end and span.start < s.end for s in chosen):
                continue
            chosen.append(span)
            budget -= count_words(span.text) + (1 if len(chosen) > 1 else 0)
        if not chosen:
            return None
        chosen.sort(key=lambda s: s.start)  # article order reads better
        quotes = [f"\u201c{s.text}\u201d" for s in chosen]
        joined = quotes[0] if len(quotes) == 1 else f"{', '.join(quotes[:-1])} and {quotes[-1]}"
        text = f"{lead} {joined}."
        claims = [Claim(text=s.text, evidence=[s]) for s in chosen]
        return Explanation(label=request.label, text=text, claims=claims, method=self.name)

    def _compress(self, text: str, sentence: Span, budget: int) -> Span | None:
        """The sentence if it fits, else its longest clause-aligned prefix or clause that fits."""
        if budget < self.min_quote_words:
            return None
        if count_words(sentence.text) <= budget:
            a, b = sentence.start, sentence.end
            while b > a and (text[b - 1].isspace() or text[b - 1] in ",;:."):
                b -= 1
            return Span(start=a, end=b, text=text[a:b]) if b > a else None
        # candidate cut points: clause boundaries inside the sentence
        cuts = [sentence.start] + [sentence.start + m.end() for m in _CLAUSE_END.finditer(sentence.text)]
        ends = [sentence.start + m.start() + (1 if m.group().startswith(" ") else 0)
                for m in _CLAUSE_END.finditer(sentence.text)] + [sentence.end]
        best: tuple[int, int, int] | None = None
        for a in cuts:
            for b in ends:
                if b <= a:
                    continue
                piece = text[a:b].strip()
                n = count_words(piece)
                if self.min_quote_words <= n <= budget and (best is None or n > best[0]):
                    best = (n, a, b)
        if best is None:
            # no clause fits: the first ``budget`` words
            words = list(_WORD.finditer(sentence.text))[:budget]
            a, b = sentence.start + words[0].start(), sentence.start + words[-1].end()
        else:
            a, b = best[1], best[2]
        while a < b and text[a].isspace():
            a += 1
        while b > a and (text[b - 1].isspace() or text[b - 1] in ",;:."):
            b -= 1
        if count_words(text[a:b]) < self.min_quote_words:
            return None
        return Span(start=a, end=b, text=text[a:b])
