"""The ``genre`` pipeline component: opinion vs reporting from features of opinion writing.

A fixed rule (:mod:`narrascope.techniques.genre`) over first/second-person pronouns outside quotes,
attribution verbs and the share of paragraphs where the ``techniques`` component found a technique.
Its measured accuracy is in EVALUATION.md; satire is never predicted.
"""

from __future__ import annotations

from collections.abc import Sequence

from narrascope.doc import Article, Genre
from narrascope.pipeline.component import Component

__all__ = ["GenreClassifier"]


class GenreClassifier(Component):
    """Assigns ``Article.genre`` (``None`` for an article without text)."""

    name = "genre"
    requires = ("techniques",)
    assigns = ("genre",)
    languages = frozenset({"en"})

    def predict(self, articles: Sequence[Article]) -> list[Genre | None]:
        from narrascope.techniques.analyzer import paragraph_spans
        from narrascope.techniques.genre import genre_decision, genre_features, paragraph_density

        out: list[Genre | None] = []
        for article in articles:
            paragraphs = paragraph_spans(article.text)
            if not paragraphs:
                out.append(None)
                continue
            found = [(t.start, t.end) for t in article.techniques if t.level == "paragraph"]
            text = "\n".join(article.text[s:e] for s, e in paragraphs)
            label, conf = genre_decision(genre_features(text, len(paragraphs), paragraph_density(found, paragraphs)))
            out.append(Genre(label=label, confidence=round(conf, 4)))  # type: ignore[arg-type]
        return out

    def set_annotations(self, articles: Sequence[Article], predictions: Sequence[Genre | None]) -> None:
        for article, genre in zip(articles, predictions, strict=True):
            article.genre = genre
