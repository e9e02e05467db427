"""Alias merging, metonymy and demonyms on sentences run through the real spaCy model."""

from __future__ import annotations

import pytest

from _entities_fixtures import english, shared_recognizer
from narrascope.doc import Article


def _run(text: str) -> Article:
    article = shared_recognizer()(english(text))
    article.validate_spans()
    return article


def _entity(article: Article, name: str):  # noqa: ANN202 - an Entity
    found = [e for e in article.entities if e.name == name]
    assert len(found) == 1, f"{name!r} not found once in {[(e.name, e.aliases) for e in article.entities]}"
    return found[0]


def _mention_texts(article: Article, name: str) -> list[str]:
    return [m.text for m in _entity(article, name).mentions]


def test_surname_particle_and_possessive_join_the_full_name() -> None:
    a = _run(
        "Vladimir Putin met Bashar al-Assad in Moscow on Tuesday. "
        "Putin said al-Assad would stay. Assad's family arrived later."
    )
    assert _mention_texts(a, "Bashar al-Assad") == ["Bashar al-Assad", "al-Assad", "Assad"]
    assert _mention_texts(a, "Vladimir Putin") == ["Vladimir Putin", "Putin"]
    assad = _entity(a, "Bashar al-Assad")
    assert assad.type == "person" and set(assad.aliases) == {"Bashar al-Assad", "al-Assad", "Assad"}


def test_title_is_not_part_of_the_name() -> None:
    a = _run("Lieutenant General Sergey Kisel was dismissed. Kisel had led the operation.")
    assert _mention_texts(a, "Sergey Kisel") == ["Sergey Kisel", "Kisel"]
    assert not any("Lieutenant" in m.text for e in a.entities for m in e.mentions)
    b = _run("President Joe Biden spoke to reporters. Biden said he would call Zelensky.")
    assert _mention_texts(b, "Joe Biden") == ["Joe Biden", "Biden"]


def test_kremlin_and_moscow_are_russia() -> None:
    a = _run("The Kremlin denied the report. Moscow called the claims false, and Russia's ministry called them lies.")
    assert _mention_texts(a, "Russia") == ["Kremlin", "Moscow", "Russia"]
    assert _entity(a, "Russia").type == "place"
    assert [m.label for m in _entity(a, "Russia").mentions] == ["ORG", "GPE", "GPE"]


def test_kyiv_and_kiev_are_ukraine() -> None:
    a = _run("Kyiv asked for more weapons. Officials in Kiev said Ukraine needed air defence.")
    assert _mention_texts(a, "Ukraine") == ["Kyiv", "Kiev", "Ukraine"]


def test_us_spellings_and_the_white_house_are_the_united_states() -> None:
    a = _run("The White House said Washington would send aid. The U.S. and the USA are one country, as is America.")
    assert _mention_texts(a, "United States") == ["White House", "Washington", "U.S.", "USA", "America"]
    assert len(a.entities) == 1


def test_other_capitals() -> None:
    a = _run("Beijing rejected the accusation, and China's envoy walked out.")
    assert _mention_texts(a, "China") == ["Beijing", "China"]
    b = _run("Iran's leaders met in Tehran. Damascus thanked Tehran for its support.")
    assert _mention_texts(b, "Iran") == ["Iran", "Tehran", "Tehran"]
    assert _mention_texts(b, "Syria") == ["Damascus"]


def test_brussels_is_the_eu_only_in_eu_context() -> None:
    a = _run("The European Union agreed new sanctions. Brussels said the EU would act quickly.")
    eu = _entity(a, "European Union")
    assert [m.text for m in eu.mentions] == ["European Union", "Brussels", "EU"] and eu.type == "organisation"
    b = _run("Brussels is a city where many people live and work.")
    assert _entity(b, "Brussels").type == "place"


def test_demonyms_become_groups_extended_to_people_nouns() -> None:
    a = _run("Syrian rebels entered the capital. The Syrian people celebrated. Syrians abroad watched the news.")
    assert _mention_texts(a, "Syrians") == ["Syrian people", "Syrians"]
    assert _mention_texts(a, "Syrian rebels") == ["Syrian rebels"]
    assert {e.type for e in a.entities} == {"group"}
    b = _run("Ukrainian soldiers held the line while Russian troops advanced near Bakhmut.")
    assert _mention_texts(b, "Ukrainian soldiers") == ["Ukrainian soldiers"]
    assert _mention_texts(b, "Russian troops") == ["Russian troops"]


def test_adjectival_demonyms_and_pro_forms_are_not_entities() -> None:
    a = _run("The pro-Kremlin media praised the move. Ukrainians rejected it.")
    assert [e.name for e in a.entities] == ["Ukrainians"]
    b = _run("Russia officially entered the Syrian conflict in 2015, and Chinese banks financed the war effort.")
    assert [e.name for e in b.entities] == ["Russia"]


def test_acronym_joins_the_organisation() -> None:
    a = _run("The North Atlantic Treaty Organization met today. NATO members agreed to send tanks.")
    assert _mention_texts(a, "NATO") == ["North Atlantic Treaty Organization", "NATO"]


def test_surname_with_another_label_joins_the_person() -> None:
    a = _run("Emmanuel Macron and Olaf Scholz met in Berlin; Macron later flew to Paris.")
    macron = _entity(a, "Emmanuel Macron")
    assert [m.text for m in macron.mentions] == ["Emmanuel Macron", "Macron"]


@pytest.mark.parametrize(
    "text",
    [
        "Putin’s spokesman Dmitry Peskov said Peskov’s remarks were misquoted.",
        "From Assad’s Backer to His Sanctuary, Russia Has Been Humiliated\nAssad fled to Russia.",
    ],
)
def test_curly_possessives_are_cut(text: str) -> None:
    a = _run(text)
    for entity in a.entities:
        for m in entity.mentions:
            assert not m.text.endswith(("’s", "'s"))


def test_occurrence_scan_matches_the_whole_word_regular_expression() -> None:
    """The str.find scan must find exactly what the former lookaround pattern found."""
    import random
    import re

    from narrascope.components.entity_aliases import _occurrences

    def reference(text: str, surface: str) -> list[tuple[int, int]]:
        pattern = r"(?<![\w\-‐‑])" + re.escape(surface) + r"(?![\w\-‐‑])"
        return [m.span() for m in re.finditer(pattern, text)]

    rng = random.Random(7)
    alphabet = "aAb -‐‑_1٣é.'’ \n(Ж"  # letters, hyphens, underscore, digits (incl. Arabic-Indic), quotes
    surfaces = ["a", "aa", "ab", "a a", "Ab", "é", "a-b", "Жa", ".a", "a.", "aba"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        surface = rng.choice(surfaces)
        assert list(_occurrences(text, surface)) == reference(text, surface), (text, surface)
    # overlapping candidates: after a match the scan resumes at its end, after a miss at the next character
    assert list(_occurrences("aa aa aaa a", "aa")) == [(0, 2), (3, 5)]
    assert list(_occurrences("", "aa")) == []
