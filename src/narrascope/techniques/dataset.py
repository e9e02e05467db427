"""Training examples: labelled paragraphs grouped into articles, with their features."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.techniques.embedding_cache import DEFAULT_CACHE_DIR, cached_encode
from narrascope.techniques.features import pool_embeddings, split_sentences, style_features
from narrascope.techniques.model import article_context
from narrascope.techniques.semeval_io import Paragraph

__all__ = ["ParagraphSet", "build_paragraph_set", "group_by_article"]


@dataclass
class ParagraphSet:
    """Row-aligned arrays for a list of paragraphs."""

    paragraphs: list[Paragraph]
    embeddings: np.ndarray  # (n, dim) pooled sentence embeddings
    style: np.ndarray  # (n, len(STYLE_FEATURES))
    groups: np.ndarray  # (n,) article id per row
    context: np.ndarray  # (n, dim) the article context of each row (model.article_context)

    @property
    def texts(self) -> list[str]:
        return [p.text for p in self.paragraphs]

    def label_matrix(self, classes: Sequence[str]) -> np.ndarray:
        index = {c: i for i, c in enumerate(classes)}
        y = np.zeros((len(self.paragraphs), len(classes)), dtype=np.int8)
        for row, p in enumerate(self.paragraphs):
            for name in p.labels:
                if name in index:
                    y[row, index[name]] = 1
        return y


def group_by_article(paragraphs: Sequence[Paragraph]) -> "OrderedDict[str, list[Paragraph]]":
    """Paragraphs per article, each article's in paragraph-id order (as the template gives them)."""
    out: OrderedDict[str, list[Paragraph]] = OrderedDict()
    for p in paragraphs:
        out.setdefault(p.article_id, []).append(p)
    for plist in out.values():
        plist.sort(key=lambda p: int(p.paragraph_id))
    return out


def build_paragraph_set(
    paragraphs: Sequence[Paragraph], encoder: Any, *, cache_dir: str | Path | None = DEFAULT_CACHE_DIR
) -> ParagraphSet:
    """Embed every sentence once (cached), pool per paragraph, compute style features per article."""
    articles = group_by_article(paragraphs)
    ordered = [p for plist in articles.values() for p in plist]
    sentences: list[str] = []
    owner: list[int] = []
    for row, p in enumerate(ordered):
        for start, end in split_sentences(p.text):
            sentences.append(p.text[start:end])
            owner.append(row)
    vectors = cached_encode(sentences, encoder, cache_dir) if sentences else np.zeros((0, 384), dtype=np.float32)
    dim = vectors.shape[1]
    owner_arr = np.asarray(owner, dtype=np.int64)
    emb = np.zeros((len(ordered), dim), dtype=np.float32)
    order = np.argsort(owner_arr, kind="stable")
    bounds = np.searchsorted(owner_arr[order], np.arange(len(ordered) + 1))
    for row in range(len(ordered)):
        idx = order[bounds[row] : bounds[row + 1]]
        emb[row] = pool_embeddings(vectors[idx]) if len(idx) else 0.0
    style = np.zeros((len(ordered), 0), dtype=np.float32)
    blocks = []
    pos = 0
    for plist in articles.values():
        n = len(plist)
        blocks.append(style_features([p.text for p in plist], emb[pos : pos + n], [i == 0 for i in range(n)]))
        pos += n
    style = np.concatenate(blocks, axis=0) if blocks else style
    context = np.zeros_like(emb)
    pos = 0
    for plist in articles.values():
        n = len(plist)
        context[pos : pos + n] = article_context(emb[pos : pos + n])
        pos += n
    groups = np.asarray([p.article_id for p in ordered])
    return ParagraphSet(paragraphs=ordered, embeddings=emb, style=style, groups=groups, context=context)
