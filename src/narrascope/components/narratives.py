"""The ``narratives`` component: domain, narratives/sub-narratives with evidence, explanation.

Uses the sentence vectors of the ``embeddings`` component (``article.vectors("sentences")``)
when they are there, match ``article.sentences`` and were made by the encoder the model was
trained on (``article.vectors("sentences.encoder")``); otherwise it embeds the sentences
itself (once) and leaves the vectors in the article for later components.  Every sentence
counts, so long articles are used whole.  For an "Other" article the explanation states the
decision (closest narratives and thresholds, ``method="decision"``, no claims).  An article
without sentences (empty text) gets no labels (``domain`` None, ``narratives`` empty) and a
``skipped`` note saying why.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from narrascope.components.embeddings import check_encoder, keep_vectors, reusable_vectors, trained_encoder_name
from narrascope.doc import Article
from narrascope.errors import Codes, ConfigError
from narrascope.narratives.analyzer import NarrativeAnalyzer, NarrativeResult, embed_sentences
from narrascope.narratives.explain import ExplanationGenerator, ExtractiveExplainer
from narrascope.narratives.model import NarrativeModel
from narrascope.pipeline.component import Component

__all__ = ["NarrativeClassifier"]

_EMPTY_NOTE = "no sentences to classify (empty article)"


class NarrativeClassifier(Component):
    """SemEval-2025 Task 10 subtasks 2 and 3 on English articles.

    ``explainer`` is ``"extractive"`` (settings) or any :class:`ExplanationGenerator` object
    (Python API), e.g. an LLM backend that returns claims with evidence spans.
    """

    name = "narratives"
    requires = ("sentences",)
    assigns = ("domain", "narratives", "explanation")
    languages = frozenset({"en"})

    def __init__(
        self,
        *,
        model_path: str | None = None,
        encoder_path: str | None = None,
        max_evidence: int = 2,
        explanation_words: int = 80,
        explainer: str | ExplanationGenerator = "extractive",
    ) -> None:
        if isinstance(explainer, str) and explainer != "extractive" or (
            not isinstance(explainer, str) and not isinstance(explainer, ExplanationGenerator)
        ):
            raise ConfigError(
                f"unknown explainer {explainer!r} (available: extractive)",
                code=Codes.BAD_CONFIG,
                source="components.narratives.explainer",
            )
        if not isinstance(explanation_words, int) or not 10 <= explanation_words <= 80:
            raise ConfigError(
                f"explanation_words must be an integer from 10 to 80, got {explanation_words!r}",
                code=Codes.BAD_CONFIG,
                source="components.narratives.explanation_words",
            )
        if not isinstance(max_evidence, int) or max_evidence < 1:
            raise ConfigError(
                f"max_evidence must be a positive integer, got {max_evidence!r}",
                code=Codes.BAD_CONFIG,
                source="components.narratives.max_evidence",
            )
        self.model = NarrativeModel.load(model_path)
        generator = ExtractiveExplainer(max_words=explanation_words) if isinstance(explainer, str) else explainer
        self.analyzer = NarrativeAnalyzer(self.model, explainer=generator, max_evidence=max_evidence)
        self._encoder_path = encoder_path
        self._encoder: Any = None
        self._wanted_encoder = trained_encoder_name(self.model.meta)

    def _encoder_instance(self) -> Any:
        if self._encoder is None:
            from narrascope.models.encoder import SentenceEncoder

            encoder = SentenceEncoder.load(self._encoder_path)
            check_encoder(encoder, self._wanted_encoder, "components.narratives.encoder_path", model="narrative model")
            self._encoder = encoder
        return self._encoder

    def _vectors(self, article: Article) -> tuple[np.ndarray, bool]:
        vectors = reusable_vectors(article, self._wanted_encoder)
        if vectors is not None:
            return vectors, False
        return embed_sentences(self._encoder_instance(), [s.text for s in article.sentences]), True

    def predict(self, articles: Sequence[Article]) -> list[tuple[NarrativeResult, np.ndarray | None]]:
        """Per article: the result, and the vectors computed here (None when they came from the article)."""
        out = []
        for article in articles:
            if not article.sentences:
                out.append((NarrativeResult(domain=None), None))
                continue
            vectors, computed = self._vectors(article)
            result = self.analyzer.analyze(article.text, article.sentences, vectors)
            out.append((result, vectors if computed else None))
        return out

    def set_annotations(
        self, articles: Sequence[Article], predictions: Sequence[tuple[NarrativeResult, np.ndarray | None]]
    ) -> None:
        for article, (result, vectors) in zip(articles, predictions, strict=True):
            article.domain = result.domain
            article.narratives = list(result.labels)
            article.explanation = result.explanation
            if vectors is not None:
                keep_vectors(article, vectors, self._wanted_encoder)
            if not article.sentences and not any(
                n.component == self.name and n.message == _EMPTY_NOTE for n in article.notes
            ):
                article.note(self.name, "skipped", _EMPTY_NOTE, code=Codes.EMPTY_INPUT)
