from __future__ import annotations

from collections.abc import Sequence

import pytest

from narrascope.config.settings import load_settings
from narrascope.doc import Article
from narrascope.errors import ConfigError, PipelineError
from narrascope.pipeline import Component, Pipeline, Registry
from narrascope.pipeline.component import check_threads
from narrascope.pipeline.registry import default_registry


class Upper(Component):
    name = "upper"
    requires = ("text",)
    assigns = ("extras",)

    def predict(self, articles: Sequence[Article]) -> list[str]:
        return [a.text.upper() for a in articles]

    def set_annotations(self, articles: Sequence[Article], predictions: Sequence[str]) -> None:
        for article, pred in zip(articles, predictions):
            if "boom" in article.text:
                raise ValueError("boom in text")
            article.extras = {"upper": pred}


class NeedsRoles(Component):
    name = "needs_roles"
    requires = ("roles",)


class EnglishOnly(Upper):
    name = "english_only"
    languages = frozenset({"en"})


def _art(text: str, language: str | None = "en") -> Article:
    return Article(id=text[:8], raw_text=text, text=text, language=language)


def test_requirements_are_checked_when_built() -> None:
    with pytest.raises(PipelineError, match="requires roles"):
        Pipeline([Upper(), NeedsRoles()])
    with pytest.raises(PipelineError, match="twice"):
        Pipeline([Upper(), Upper()])


def test_one_failing_article_does_not_stop_the_batch() -> None:
    pipe = Pipeline([Upper()])
    out = list(pipe.pipe([_art("fine one"), _art("boom here"), _art("fine two")], batch_size=3))
    assert [a.extras.get("upper") for a in out] == ["FINE ONE", None, "FINE TWO"]
    failed = out[1].notes[0]
    assert failed.status == "failed" and failed.component == "upper" and "boom" in failed.message
    assert out[0].components == ["upper"]


def test_unsupported_language_is_skipped_with_a_note() -> None:
    out = Pipeline([EnglishOnly()])(_art("bonjour tout le monde", language="fr"))
    assert out.extras == {}
    assert out.notes[0].status == "skipped" and "'fr'" in out.notes[0].message


def test_batch_equals_single() -> None:
    pipe = Pipeline([Upper()])
    texts = ["one", "two", "three"]
    batch = [a.extras for a in pipe.pipe([_art(t) for t in texts], batch_size=2)]
    single = [pipe(_art(t)).extras for t in texts]
    assert batch == single


def test_registry_builds_from_settings_and_names_unknown_components() -> None:
    registry = Registry({"upper": Upper})
    settings = load_settings(overrides=['pipeline.components=["upper"]'])
    assert Pipeline.from_settings(settings, registry=registry).names == ["upper"]
    with pytest.raises(ConfigError, match="unknown component 'nope'"):
        Pipeline.from_settings(load_settings(overrides=['pipeline.components=["nope"]']), registry=registry)
    with pytest.raises(ConfigError, match="bad settings for component 'upper'"):
        Pipeline.from_settings(
            load_settings(overrides=['pipeline.components=["upper"]', "components.upper.x=1"]), registry=registry
        )


@pytest.mark.parametrize("component", ["entities", "embeddings", "roles", "techniques"])
@pytest.mark.parametrize("value", [0, -2, "2", 1.5, True])
def test_bad_threads_option_is_a_config_error_naming_the_component(component: str, value: object) -> None:
    """Every component with a ``threads`` option checks it the same way (check_threads), before loading a model."""
    with pytest.raises(ConfigError, match="threads must be a positive integer") as info:
        default_registry().create(component, {"threads": value})
    assert info.value.source == f"components.{component}.threads"


def test_check_threads_accepts_none_and_positive_integers() -> None:
    assert check_threads(None, "x") is None
    assert check_threads(3, "x") == 3
