"""SemEval mode: predict techniques for every paragraph of an official template."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from narrascope.techniques.dataset import group_by_article
from narrascope.techniques.features import pool_embeddings, split_sentences, style_features
from narrascope.techniques.model import TechniqueModel
from narrascope.techniques.semeval_io import Key, Paragraph

__all__ = ["predict_paragraphs"]


def predict_paragraphs(paragraphs: Sequence[Paragraph], model: TechniqueModel, encoder: Any) -> dict[Key, list[str]]:
    """Technique names per (article id, paragraph id), for every paragraph given (empty ones get none).

    Paragraphs are featurised exactly as in training: rule-based sentences, one embedding per sentence
    (all encoded in one call), mean-pooled per paragraph, style features within each article."""
    articles = group_by_article(paragraphs)
    ordered = [p for plist in articles.values() for p in plist]
    sentences: list[str] = []
    owner: list[int] = []
    for row, p in enumerate(ordered):
        for start, end in split_sentences(p.text):
            sentences.append(p.text[start:end])
            owner.append(row)
    vectors = np.asarray(encoder.encode(sentences), dtype=np.float32) if sentences else np.zeros((0, model.dim), np.float32)
    owner_arr = np.asarray(owner, dtype=np.int64)
    emb = np.zeros((len(ordered), model.dim), dtype=np.float32)
    for row in range(len(ordered)):
        idx = np.flatnonzero(owner_arr == row)
        if len(idx):
            emb[row] = pool_embeddings(vectors[idx])
    out: dict[Key, list[str]] = {}
    pos = 0
    for plist in articles.values():
        n = len(plist)
        block = emb[pos : pos + n]
        style = style_features([p.text for p in plist], block, [i == 0 for i in range(n)])
        decided = model.decide(model.scores([p.text for p in plist], block, style))
        for p, row in zip(plist, decided):
            out[p.key] = [] if not p.text.strip() else [model.labels[j] for j in np.flatnonzero(row)]
        pos += n
    return {p.key: out[p.key] for p in paragraphs}
