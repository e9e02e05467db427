"""The alias / metonymy / cleanup rules on hand-made NER spans (no spaCy: exact and fast)."""

from __future__ import annotations

import pytest

from narrascope.components.entity_aliases import (
    CANONICAL_ENTITIES,
    RawMention,
    build_entities,
    clean_mention,
    headline_ranges,
    norm_key,
)
from narrascope.doc import Article, Span


def _raw(text: str, surface: str, label: str, nth: int = 0, **kw: object) -> RawMention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return RawMention(start=start, end=start + len(surface), label=label, **kw)  # type: ignore[arg-type]


def _clean(text: str, label: str = "PERSON") -> str | None:
    span = clean_mention(text, 0, len(text), label)
    return None if span is None else text[span[0] : span[1]]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Bashar al-Assad", "bashar al assad"),
        ("Assad’s", "assad"),
        ("Assad's", "assad"),
        ("the U.S.", "us"),
        ("US", "us"),
        ("the Kremlin", "kremlin"),
        ("Zelenskyy", "zelenskyy"),
        ("Stefan Gössling", "stefan gossling"),
        ("People’s Voice", "peoples voice"),
        ("  SERGEY   KISEL ", "sergey kisel"),
    ],
)
def test_norm_key(text: str, key: str) -> None:
    assert norm_key(text) == key


@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("Assad’s", "PERSON", "Assad"),
        ("the Kremlin", "ORG", "Kremlin"),
        ("“Hezbollah”,", "ORG", "Hezbollah"),
        ("the U.S.", "GPE", "U.S."),
        ("Russia.", "GPE", "Russia"),
        ("President Vladimir Putin", "PERSON", "Vladimir Putin"),
        ("Lt. Gen. Sergey Kisel", "PERSON", "Sergey Kisel"),
        ("Lieutenant General", "ORG", None),
        ("Foreign Minister", "PERSON", None),
        ("pro-Kremlin", "NORP", None),
        ("anti-Western", "NORP", None),
        ("Kremlin-backed", "ORG", "Kremlin"),
        ("rebels", "NORP", None),
        ("D", "NORP", None),
        ("2022", "DATE", None),
        ("The Citadel in", "ORG", "Citadel"),
        ("a Democratic Party", "ORG", "Democratic Party"),
        ("Patrick De Haan ⛽️", "PERSON", "Patrick De Haan"),
        ("onerror=\"alert('Vladimir Putin", "PERSON", "Vladimir Putin"),
    ],
)
def test_clean_mention(text: str, label: str, expected: str | None) -> None:
    assert _clean(text, label) == expected


def test_the_is_kept_inside_a_sentence_when_capitalised() -> None:
    text = "They flew to The Hague."
    start = text.index("The Hague")
    assert clean_mention(text, start, start + len("The Hague"), "GPE") == (start, start + len("The Hague"))
    text = "The Hague is a city."
    assert clean_mention(text, 0, len("The Hague"), "GPE") == (4, 9)


def test_headline_ranges() -> None:
    text = (
        "\nFrom Assad’s Backer to His Sanctuary, Russia Has Been Humiliated\n"
        "The Syrian people achieved what once seemed impossible.\n"
        "US weighs sanctions on Russia’s shadow fleet, Chinese banks supporting war effort, Reuters says\n"
        "Ukraine: Russia Deploys ‘Significant’ North Korean Troops in Kursk, Wider Use Possible\n"
    )
    lines = [text[s:e] for s, e in headline_ranges(text)]
    assert lines == [
        "From Assad’s Backer to His Sanctuary, Russia Has Been Humiliated",
        "Ukraine: Russia Deploys ‘Significant’ North Korean Troops in Kursk, Wider Use Possible",
    ]
    # the title counts even when it is not in Title Case
    plain_title = "The Syrian people achieved what once seemed impossible."
    assert [text[s:e] for s, e in headline_ranges(text, title=plain_title)][1] == plain_title
    assert headline_ranges("Россия Сирия Турция\nПутин сказал, что война идёт.") == [(0, 19)]
    assert headline_ranges("पुतिन ने कहा") == []  # no letter case: never a headline
    assert headline_ranges("") == []


HEADLINE_TEXT = (
    "From Assad’s Backer to His Sanctuary, Russia Has Been Humiliated\n"
    "Bashar al-Assad fled to Russia. Assad now lives in Moscow, where the sanctuary is guarded.\n"
)


def _headline_mentions(text: str) -> list[RawMention]:
    return [
        _raw(text, "Assad’s Backer", "ORG"),
        _raw(text, "Sanctuary", "GPE"),
        _raw(text, "Russia", "GPE"),
        _raw(text, "Bashar al-Assad", "PERSON"),
        _raw(text, "Russia", "GPE", nth=1),
        _raw(text, "Assad", "PERSON", nth=2),
        _raw(text, "Moscow", "GPE"),
    ]


def test_headline_inventions_are_dropped_and_names_recovered() -> None:
    text = HEADLINE_TEXT
    entities = build_entities(text, _headline_mentions(text))
    names = {e.name: e for e in entities}
    assert set(names) == {"Bashar al-Assad", "Russia"}
    assad = names["Bashar al-Assad"]
    assert [(m.start, m.text) for m in assad.mentions] == [
        (5, "Assad"),  # recovered inside the dropped "Assad’s Backer"
        (text.index("Bashar"), "Bashar al-Assad"),
        (text.index("Assad now"), "Assad"),
    ]
    assert [m.text for m in names["Russia"].mentions] == ["Russia", "Russia", "Moscow"]


def test_headline_entity_kept_when_its_text_is_in_the_body() -> None:
    text = "Hezbollah Fighters Leave Syria\nThe fighters of Hezbollah left the country.\n"
    entities = build_entities(text, [_raw(text, "Hezbollah", "ORG")])
    assert [(e.name, len(e.mentions)) for e in entities] == [("Hezbollah", 2)]


def test_common_noun_capitalised_at_sentence_start_is_dropped() -> None:
    text = "Sanctuary was offered. He found sanctuary in Moscow."
    sentences = [Span(start=0, end=22, text=text[:22]), Span(start=23, end=len(text), text=text[23:])]
    entities = build_entities(text, [_raw(text, "Sanctuary", "GPE"), _raw(text, "Moscow", "GPE")], sentences)
    assert [e.name for e in entities] == ["Russia"]
    assert entities[0].mentions[0].sentence == 1


def test_ambiguous_surname_stays_separate() -> None:
    text = "Joe Biden met Hunter Biden. Biden said nothing."
    raws = [
        _raw(text, "Joe Biden", "PERSON"),
        _raw(text, "Hunter Biden", "PERSON"),
        _raw(text, "Biden", "PERSON", nth=2),
    ]
    names = sorted(e.name for e in build_entities(text, raws))
    assert names == ["Biden", "Hunter Biden", "Joe Biden"]


def test_first_name_joins_when_unique() -> None:
    text = "Greta Thunberg spoke. Greta said the rest."
    raws = [_raw(text, "Greta Thunberg", "PERSON"), _raw(text, "Greta", "PERSON", nth=1)]
    (entity,) = build_entities(text, raws)
    assert entity.name == "Greta Thunberg" and [m.text for m in entity.mentions] == ["Greta Thunberg", "Greta"]


def test_majority_label_decides_the_type() -> None:
    text = "Hezbollah fired. Hezbollah said. Hezbollah left."
    raws = [
        _raw(text, "Hezbollah", "ORG"),
        _raw(text, "Hezbollah", "GPE", nth=1),
        _raw(text, "Hezbollah", "ORG", nth=2),
    ]
    (entity,) = build_entities(text, raws)
    assert entity.type == "organisation" and len(entity.mentions) == 3


def test_norp_extension_and_adjectival_drop() -> None:
    text = "The Syrian people won. Syrian rebels fought in the Syrian conflict. The Russian army left."
    s_people = text.index("Syrian")
    s_rebels = text.index("Syrian rebels")
    s_conflict = text.index("Syrian conflict")
    s_army = text.index("Russian army")
    raws = [
        RawMention(s_people, s_people + 6, "NORP", "people", s_people + 13, False, True),
        RawMention(s_rebels, s_rebels + 6, "NORP", "rebel", s_rebels + 13, True, True),
        RawMention(s_conflict, s_conflict + 6, "NORP", "conflict", s_conflict + 15, False, True),
        RawMention(s_army, s_army + 7, "NORP", "army", s_army + 12, False, True),
    ]
    entities = {e.name: e for e in build_entities(text, raws)}
    assert set(entities) == {"Syrians", "Syrian rebels", "Russian army"}
    assert entities["Syrians"].mentions[0].text == "Syrian people"
    assert entities["Syrians"].type == "group" and entities["Syrian rebels"].type == "group"
    assert entities["Russian army"].type == "organisation"


def test_recovery_skips_longer_proper_names() -> None:
    text = "America sent aid. Latin America did not. The Americas are large."
    (entity,) = build_entities(text, [_raw(text, "America", "GPE")])
    assert entity.name == "United States" and [m.start for m in entity.mentions] == [0]


def test_recovery_respects_hyphens_and_word_boundaries() -> None:
    text = "Russia won. The pro-Russia camp and Russian troops and Russians disagreed. Russia lost."
    (entity,) = build_entities(text, [_raw(text, "Russia", "GPE")])
    assert [m.start for m in entity.mentions] == [0, text.rindex("Russia")]


def test_every_table_alias_resolves_to_its_canonical_entity() -> None:
    for name, (etype, aliases) in CANONICAL_ENTITIES.items():
        for alias in aliases:
            text = f"Officials said {alias} agreed."
            label = "ORG" if etype == "organisation" else "GPE"
            entities = build_entities(text, [_raw(text, alias, label)])
            assert [(e.name, e.type) for e in entities] == [(name, etype)], alias


def test_mentions_always_match_the_text() -> None:
    text = HEADLINE_TEXT * 3
    step = len(HEADLINE_TEXT)
    raws = [
        RawMention(m.start + k * step, m.end + k * step, m.label)
        for k in range(3)
        for m in _headline_mentions(HEADLINE_TEXT)
    ]
    article = Article(id="x", raw_text=text, text=text, entities=build_entities(text, raws))
    article.validate_spans()
    starts = [m.start for e in article.entities for m in e.mentions]
    assert len(starts) == len(set(starts))


def test_out_of_scope_labels_and_empty_input() -> None:
    text = "In 2015 the Kursk plan failed."
    assert build_entities(text, [_raw(text, "2015", "DATE"), _raw(text, "Kursk", "PRODUCT")]) == []
    assert build_entities("", []) == []
