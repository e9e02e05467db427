"""The entities component's shortcuts change nothing: deferred token-attribute pipes, batch size, caches."""

from __future__ import annotations

import pytest

from _entities_fixtures import english, example_article, shared_recognizer
from narrascope.components.entities import EntityRecognizer, late_pipes
from narrascope.components.entity_aliases import norm_key
from narrascope.doc import Article
from narrascope.errors import ConfigError

SYNTAX_TEXT = (
    "Syrian rebels seized Damascus on Sunday, and the Russian army withdrew from its bases.\n"
    "The Syrian people celebrated in the streets while Chinese banks froze Syrian assets.\n"
    "American officials met Ukrainian soldiers in Kyiv; Iranian-backed militias left Syria.\n"
    "A Syrian rebel told reporters that Russians and Iranians had fled to Latakia.\n"
    "The European Union and NATO said Brussels would send aid to the Syrian government."
)


def _articles(example_text: str) -> list[Article]:
    return [example_article(example_text), english(SYNTAX_TEXT, "syntax")]


def _result(recognizer: EntityRecognizer, articles: list[Article]) -> list[tuple[object, object]]:
    return [(p.sentences, p.entities) for p in recognizer.predict(articles)]


def test_default_model_defers_the_attribute_pipes() -> None:
    recognizer = shared_recognizer()
    assert recognizer._late == ["tagger", "attribute_ruler", "lemmatizer"]


@pytest.mark.parametrize(
    ("names", "late"),
    [
        (["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"], ["tagger", "attribute_ruler", "lemmatizer"]),
        (["tok2vec", "morphologizer", "parser", "senter", "ner"], ["morphologizer"]),
        (["tok2vec", "parser", "ner"], []),  # nothing to defer
        (["senter", "ner"], []),
        # an unknown pipe might read POS/lemmas (e.g. an entity_ruler with POS patterns): run everything in one pass
        (["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner", "entity_ruler"], []),
        (["tok2vec", "tagger", "my_component", "ner"], []),
    ],
)
def test_late_pipes(names: list[str], late: list[str]) -> None:
    assert late_pipes(names) == late


def test_deferred_pipes_give_the_one_pass_results(example_text: str) -> None:
    """Sentences, mentions (with the demonym/noun-phrase rules that read POS, tag, lemma, parse) and
    canonical entities are the same as when every spaCy pipe runs on every piece."""
    one_pass = EntityRecognizer(defer_attributes=False)
    assert one_pass.nlp is not None and one_pass._late == []
    deferred = _result(shared_recognizer(), _articles(example_text))
    assert deferred == _result(one_pass, _articles(example_text))
    groups = {e.name for e in deferred[1][1] if e.type in ("group", "organisation")}
    assert {"Syrians", "Russian army"} <= groups  # "Syrian rebels"/"Syrian people" -> Syrians, army -> organisation
    assert "Chinese" not in groups  # "Chinese banks": adjectival, not an entity


def test_results_do_not_depend_on_the_spacy_batch_size(example_text: str) -> None:
    small = EntityRecognizer(spacy_batch_size=1)
    small._nlp = shared_recognizer().nlp  # same loaded model, other batching
    small._late = list(shared_recognizer()._late)
    assert _result(small, _articles(example_text)) == _result(shared_recognizer(), _articles(example_text))


@pytest.mark.parametrize("size", [0, -3, "64", 2.5, None])
def test_bad_spacy_batch_size_is_a_config_error(size: object) -> None:
    with pytest.raises(ConfigError, match="spacy_batch_size") as info:
        EntityRecognizer(spacy_batch_size=size)  # type: ignore[arg-type]
    assert info.value.source == "components.entities.spacy_batch_size"


def test_pieces_without_syntax_mentions_skip_the_attribute_pipes() -> None:
    """A text with no NORP/GPE/LOC mention still gets sentences and person/organisation entities."""
    first = "On Monday the president, Vladimir Putin, met the businessman Elon Musk at his office."
    article = shared_recognizer()(english(f"{first}\nThey talked for an hour.", "p"))
    assert [s.text for s in article.sentences] == [first, "They talked for an hour."]
    assert {(e.name, e.type) for e in article.entities} >= {("Vladimir Putin", "person"), ("Elon Musk", "person")}


def test_norm_key_cache_returns_the_same_keys() -> None:
    for text in ["the U.S.", "Assad’s", "Élysée", "the U.S."]:
        assert norm_key(text) == norm_key.__wrapped__(text)


def test_numpy_blas_gives_the_blis_results(example_text: str) -> None:
    """The default (numpy's BLAS for spaCy's matrix products, one BLAS thread) finds the same sentences
    and entities as thinc's blis kernels."""
    blis = EntityRecognizer(use_blis=True)
    single = EntityRecognizer(threads=1)
    assert blis.nlp.get_pipe("ner").model.ops.use_blis is True
    assert single.nlp.get_pipe("ner").model.ops.use_blis is False
    assert _result(single, _articles(example_text)) == _result(blis, _articles(example_text))
    assert _result(shared_recognizer(), _articles(example_text)) == _result(blis, _articles(example_text))


@pytest.mark.parametrize(("option", "value"), [("threads", 0), ("threads", -1), ("threads", "2"), ("threads", True), ("use_blis", "no")])
def test_bad_blas_options_are_config_errors(option: str, value: object) -> None:
    with pytest.raises(ConfigError, match=option) as info:
        EntityRecognizer(**{option: value})  # type: ignore[arg-type]
    assert info.value.source == f"components.entities.{option}"
