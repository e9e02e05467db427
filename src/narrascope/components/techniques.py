"""The ``techniques`` pipeline component: persuasion techniques at paragraph, sentence and span level.

Reuses the sentence vectors of the ``embeddings`` component (``article.vectors("sentences")``) when
the encoder the model was trained on made them (``article.vectors("sentences.encoder")``), and
encodes the sentences itself only when they are missing or come from another encoder.  See :mod:`narrascope.techniques.analyzer`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from narrascope.components.embeddings import check_encoder, reusable_vectors, trained_encoder_name
from narrascope.doc import Article, TechniqueSpan
from narrascope.errors import Codes, ConfigError
from narrascope.pipeline.component import Component, check_threads

__all__ = ["TechniqueDetector"]


class TechniqueDetector(Component):
    """Assigns ``Article.techniques`` (SemEval-2023 Task 3 techniques, English model)."""

    name = "techniques"
    requires = ("sentences", "sentence_embeddings")
    assigns = ("techniques",)
    languages = frozenset({"en"})

    def __init__(
        self,
        *,
        model_path: str | None = None,
        taxonomy_path: str | None = None,
        lexicon_path: str | None = None,
        sentence_level: bool = True,
        span_level: bool = True,
        encoder: Any | None = None,
        threads: int | None = None,
    ) -> None:
        from narrascope.techniques.analyzer import TechniqueAnalyzer
        from narrascope.techniques.lexicon import Lexicon, load_curated_lexicon
        from narrascope.techniques.model import load_technique_model
        from narrascope.techniques.taxonomy import load_techniques

        check_threads(threads, "techniques")
        for key, value in (("sentence_level", sentence_level), ("span_level", span_level)):
            if not isinstance(value, bool):
                raise ConfigError(f"{key} must be true or false, got {value!r}", code=Codes.BAD_CONFIG, source=f"components.techniques.{key}")
        model = load_technique_model(model_path)
        taxonomy = load_techniques(taxonomy_path)
        unknown = [name for name in model.labels if name not in taxonomy]
        if unknown:
            raise ConfigError(
                f"the model predicts techniques missing from the taxonomy: {', '.join(unknown)}",
                code=Codes.BAD_CONFIG,
                source=taxonomy_path or "taxonomy/techniques.json",
            )
        mined = model.meta.get("lexicon", {}) if isinstance(model.meta.get("lexicon"), dict) else {}
        lexicon = Lexicon.merge(load_curated_lexicon(lexicon_path), mined)
        spans = frozenset(t.name for t in taxonomy.techniques if t.span_localisable)
        self.analyzer = TechniqueAnalyzer(model, lexicon, spans, sentence_level=sentence_level, span_level=span_level)
        self._wanted_encoder = trained_encoder_name(model.meta)
        if encoder is not None:
            check_encoder(encoder, self._wanted_encoder, "components.techniques", model="technique model")
        self._encoder = encoder
        self._threads = threads

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self._encoder is None:
            from narrascope.models.encoder import SentenceEncoder

            self._encoder = SentenceEncoder.load(threads=self._threads)
            check_encoder(self._encoder, self._wanted_encoder, "components.techniques", model="technique model")
        return np.asarray(self._encoder.encode(texts), dtype=np.float32)

    def predict(self, articles: Sequence[Article]) -> list[list[TechniqueSpan]]:
        out: list[list[TechniqueSpan]] = []
        for article in articles:
            sentences = [(s.start, s.end) for s in article.sentences]
            vectors = reusable_vectors(article, self._wanted_encoder)
            if vectors is None:
                vectors = self._encode([s.text for s in article.sentences]) if sentences else np.zeros((0, self.analyzer.model.dim), np.float32)
            out.append(self.analyzer.analyse(article.text, sentences, np.asarray(vectors, dtype=np.float32)))
        return out

    def set_annotations(self, articles: Sequence[Article], predictions: Sequence[list[TechniqueSpan]]) -> None:
        for article, spans in zip(articles, predictions, strict=True):
            article.techniques = list(spans)
