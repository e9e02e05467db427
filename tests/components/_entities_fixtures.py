"""Helpers shared by the language / entities tests: one spaCy load per test session."""

from __future__ import annotations

from functools import lru_cache

from narrascope.components.entities import EntityRecognizer
from narrascope.doc import Article


@lru_cache(maxsize=1)
def shared_recognizer() -> EntityRecognizer:
    """The default recognizer, its spaCy pipeline loaded once for the whole session."""
    recognizer = EntityRecognizer()
    _ = recognizer.nlp
    return recognizer


def english(text: str, article_id: str = "t", title: str = "") -> Article:
    return Article(id=article_id, raw_text=text, text=text, title=title, language="en")


def example_article(example_text: str) -> Article:
    """The Moscow Times example as the lead's ingest would leave it: cut before "See Also:"."""
    text = example_text[: example_text.index("See Also:")]
    title = text.strip().splitlines()[0]
    return Article(id="moscow-times", raw_text=text, text=text, title=title, language="en")


def by_name(article: Article) -> dict[str, object]:
    return {e.name: e for e in article.entities}
