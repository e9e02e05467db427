"""Sentence embeddings shared by later components (roles, narratives, techniques).

The vectors are not serialised: they live in the article's in-memory cache,
``article.vectors("sentences")`` -> float32 ``(len(article.sentences), dim)``,
one L2-normalised row per sentence span, in order, and the encoder's name under
``article.vectors("sentences.encoder")``.  All sentences of a batch of
articles are encoded in one call.  The default model, all-MiniLM-L6-v2, was
trained on English; other languages get vectors of lower quality (restrict
with ``languages``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from narrascope.doc import Article
from narrascope.errors import Codes, ConfigError
from narrascope.models.encoder import DEFAULT_ENCODER, SentenceEncoder
from narrascope.pipeline.component import Component, check_threads

__all__ = ["SentenceEmbedder", "VECTORS_KEY", "ENCODER_KEY", "trained_encoder_name", "check_encoder", "reusable_vectors", "keep_vectors"]

#: Key of the sentence vectors in ``Article.vectors``.
VECTORS_KEY = "sentences"
#: Key of the name (``meta.json`` ``name``) of the encoder that made them, so that a reader
#: trained on another encoder (the roles component with ``roles-mpnet-linear``) does not reuse them.
ENCODER_KEY = "sentences.encoder"


def trained_encoder_name(meta: Mapping[str, Any]) -> str:
    """Name of the sentence encoder a model artifact's ``meta.json`` says it was trained on: its
    ``encoder`` entry (a name, or an object with a ``name``); the packaged MiniLM when it names none."""
    entry = meta.get("encoder")
    if isinstance(entry, Mapping):
        entry = entry.get("name")
    return str(entry) if isinstance(entry, str) and entry else DEFAULT_ENCODER


def check_encoder(encoder: Any, wanted: str, source: str, *, model: str = "model") -> None:
    """Refuse (:class:`~narrascope.errors.ConfigError`) an encoder whose ``meta.json`` name is not the one the
    ``model`` was trained on: its vectors would mean nothing to it.  An encoder object without a
    recorded name (e.g. one built in Python) is trusted."""
    got = (getattr(encoder, "meta", None) or {}).get("name")
    if got is not None and got != wanted:
        where = getattr(encoder, "path", None) or "the given encoder"
        raise ConfigError(f"the encoder at {where} is {got!r}, but the {model} was trained on {wanted!r}", source=source)


def reusable_vectors(article: Article, encoder_name: str) -> np.ndarray | None:
    """The article's sentence vectors, when they can stand for what ``encoder_name`` would give: one row
    per ``article.sentences`` entry, made by that encoder (vectors without a recorded encoder count as
    the packaged default's).  ``None`` otherwise: the caller encodes the sentences itself."""
    vectors = article.vectors(VECTORS_KEY)
    if vectors is None or getattr(vectors, "ndim", 0) != 2 or vectors.shape[0] != len(article.sentences):
        return None
    made_by = article.vectors(ENCODER_KEY)
    if (made_by if made_by is not None else DEFAULT_ENCODER) != encoder_name:
        return None
    return np.asarray(vectors, dtype=np.float32)


def keep_vectors(article: Article, vectors: np.ndarray, encoder_name: str | None) -> None:
    """Leave sentence vectors in the article for later components, with the name of the encoder that made them."""
    article.set_vectors(VECTORS_KEY, vectors)
    article.set_vectors(ENCODER_KEY, encoder_name)


class SentenceEmbedder(Component):
    """Puts one embedding per ``Article.sentences`` entry into ``article.vectors("sentences")``."""

    name = "embeddings"
    requires = ("sentences",)
    assigns = ("sentence_embeddings",)

    def __init__(
        self,
        *,
        model_path: str | None = None,
        batch_size: int = 64,
        threads: int | None = None,
        languages: Sequence[str] | None = None,
        encoder: SentenceEncoder | None = None,
    ) -> None:
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ConfigError(
                f"batch_size must be a positive integer, got {batch_size!r}",
                code=Codes.BAD_CONFIG,
                source="components.embeddings.batch_size",
            )
        check_threads(threads, "embeddings")
        if languages is not None:
            if isinstance(languages, str) or not all(isinstance(x, str) for x in languages):
                raise ConfigError(
                    f"languages must be a list of ISO 639-1 codes, got {languages!r}",
                    code=Codes.BAD_CONFIG,
                    source="components.embeddings.languages",
                )
            self.languages = frozenset(languages)  # type: ignore[misc]  # per-instance override of the ClassVar
        self.batch_size = batch_size
        self.encoder = encoder if encoder is not None else SentenceEncoder.load(model_path, threads=threads)

    @property
    def dim(self) -> int:
        return self.encoder.dim

    def predict(self, articles: Sequence[Article]) -> list[np.ndarray]:
        """One float32 ``(n_sentences, dim)`` array per article."""
        texts = [sentence.text for article in articles for sentence in article.sentences]
        vectors = self.encoder.encode(texts, batch_size=self.batch_size)
        out: list[np.ndarray] = []
        start = 0
        for article in articles:
            end = start + len(article.sentences)
            out.append(vectors[start:end].copy())
            start = end
        return out

    def set_annotations(self, articles: Sequence[Article], predictions: Sequence[np.ndarray]) -> None:
        for article, vectors in zip(articles, predictions, strict=True):
            keep_vectors(article, vectors, self.encoder.meta.get("name"))
