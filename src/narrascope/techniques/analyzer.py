"""Techniques of one text at three levels: paragraph (the model), sentence (where in the paragraph),
span (lexicon match inside the sentence, for word-level techniques).

Paragraph decisions come from the cross-validated model and thresholds.  For every technique found in a
paragraph, the sentences of that paragraph whose own score passes the threshold or that contain a lexicon term of the technique are
reported (else the best-scoring one), and, for techniques marked ``span_localisable`` in the taxonomy, the lexicon terms
inside those sentences.  Counts per article are the paragraph-level detections.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from narrascope.doc import TechniqueSpan
from narrascope.techniques.features import pool_embeddings, style_features
from narrascope.techniques.lexicon import Lexicon
from narrascope.techniques.model import TechniqueModel

__all__ = ["TechniqueAnalyzer", "technique_counts", "paragraph_spans"]


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Non-blank lines of ``text`` without their surrounding whitespace: ``[start, end)``."""
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end))
    return out


def technique_counts(spans: Sequence[TechniqueSpan], level: str = "paragraph") -> dict[str, int]:
    """Number of ``level`` detections per technique, most frequent first."""
    return dict(Counter(s.technique for s in spans if s.level == level).most_common())


@dataclass
class TechniqueAnalyzer:
    model: TechniqueModel
    lexicon: Lexicon
    span_techniques: frozenset[str]
    sentence_level: bool = True
    span_level: bool = True

    def unit_scores(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        """Scores of consecutive units of one article (the first one is taken as the title)."""
        if not texts:
            return np.zeros((0, len(self.model.labels)), dtype=np.float32)
        style = style_features(texts, embeddings, [i == 0 for i in range(len(texts))])
        return self.model.scores(texts, embeddings, style)

    def analyse(
        self, text: str, sentences: Sequence[tuple[int, int]], vectors: np.ndarray
    ) -> list[TechniqueSpan]:
        """Technique spans of ``text`` given its sentence offsets and one vector per sentence."""
        paragraphs = paragraph_spans(text)
        if not paragraphs or not sentences:
            return []
        starts = np.asarray([p[0] for p in paragraphs])
        owner = np.searchsorted(starts, np.asarray([s[0] for s in sentences]), side="right") - 1
        owner = np.clip(owner, 0, len(paragraphs) - 1)
        members = [np.flatnonzero(owner == i) for i in range(len(paragraphs))]
        keep = [i for i, m in enumerate(members) if len(m)]
        par_text = [text[paragraphs[i][0] : paragraphs[i][1]] for i in keep]
        par_emb = (
            np.stack([pool_embeddings(vectors[members[i]]) for i in keep]).astype(np.float32)
            if keep
            else np.zeros((0, self.model.dim), dtype=np.float32)
        )
        par_scores = self.unit_scores(par_text, par_emb)
        thr = self.model.thresholds
        labels = self.model.labels
        sent_scores = None
        if self.sentence_level:
            sent_scores = self.unit_scores([text[s:e] for s, e in sentences], vectors.astype(np.float32))
        out: list[TechniqueSpan] = []
        for row, i in enumerate(keep):
            p_start, p_end = paragraphs[i]
            for j in np.flatnonzero(par_scores[row] >= thr):
                name = labels[j]
                conf = float(par_scores[row, j])
                out.append(_span(text, p_start, p_end, name, conf, "paragraph"))
                if sent_scores is None:
                    continue
                sents = members[i]
                localise = self.span_level and name in self.span_techniques
                hits = {
                    int(k): self.lexicon.find(text, name, start=sentences[k][0], end=sentences[k][1]) if localise else []
                    for k in sents
                }
                if len(sents) == 1:
                    chosen = [(int(sents[0]), conf)]
                else:
                    s = sent_scores[sents, j]
                    # sentences passing the threshold, or carrying a lexicon term of the technique; else the best one
                    passing = [(int(k), float(v)) for k, v in zip(sents, s) if v >= thr[j] or hits[int(k)]]
                    chosen = passing or [(int(sents[int(np.argmax(s))]), float(s.max()))]
                for k, s_conf in chosen:
                    s_start, s_end = sentences[k]
                    out.append(_span(text, s_start, s_end, name, s_conf, "sentence"))
                    for m in hits[k]:
                        out.append(_span(text, m.start, m.end, name, max(s_conf, conf) * m.weight, "span"))
        return out


def _span(text: str, start: int, end: int, name: str, conf: float, level: str) -> TechniqueSpan:
    return TechniqueSpan(
        start=start, end=end, text=text[start:end], technique=name, confidence=round(float(conf), 4), level=level
    )
