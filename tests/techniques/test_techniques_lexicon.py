"""Span localisation by lexicon: cases written by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narrascope.errors import InputError
from narrascope.techniques.lexicon import Lexicon, load_curated_lexicon
from narrascope.techniques.lexicon_mining import mine_lexicon
from narrascope.techniques.semeval_io import Paragraph

LEX = Lexicon.merge(
    {
        "Loaded_Language": {"brutal": 0.8, "treasonous": 0.7, "carpet bombing": 0.9},
        "Name_Calling-Labeling": {"dictator": 0.9, "pro-kremlin": 0.5, "war criminal": 0.8},
    }
)


def _texts(text: str, tech: str) -> list[str]:
    return [text[m.start : m.end] for m in LEX.find(text, tech)]


def test_whole_words_case_insensitive() -> None:
    text = "They rid themselves of the Brutal dictator; brutality is another word."
    assert _texts(text, "Loaded_Language") == ["Brutal"]
    assert _texts(text, "Name_Calling-Labeling") == ["dictator"]


def test_adjacent_matches_merge_and_longest_first() -> None:
    lex = Lexicon.merge({"Name_Calling-Labeling": {"brutal": 0.5, "dictator": 0.9, "war criminal": 0.8, "war": 0.1}})
    text = "He called him a brutal dictator and a war criminal."
    found = lex.find(text, "Name_Calling-Labeling")
    assert [text[m.start : m.end] for m in found] == ["brutal dictator", "war criminal"]
    assert found[0].weight == 0.9  # merged span keeps the strongest term


def test_hyphens_apostrophes_and_range() -> None:
    text = "Assad joins treasonous former president, another pro-Kremlin leader. Then carpet  bombing."
    assert _texts(text, "Name_Calling-Labeling") == ["pro-Kremlin"]
    assert _texts(text, "Loaded_Language") == ["treasonous", "carpet  bombing"]
    start = text.index("Then")
    assert [text[m.start : m.end] for m in LEX.find(text, "Loaded_Language", start=start)] == ["carpet  bombing"]
    assert LEX.find(text, "Doubt") == []


def test_curated_file_loads_and_rejects_bad(tmp_path: Path) -> None:
    curated = load_curated_lexicon()
    assert "treasonous" in curated["Loaded_Language"] and "dictator" in curated["Name_Calling-Labeling"]
    bad = tmp_path / "lex.json"
    bad.write_text(json.dumps({"techniques": {"Loaded_Language": "brutal"}}), encoding="utf-8")
    with pytest.raises(InputError, match="list of strings"):
        load_curated_lexicon(bad)
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="not a valid JSON"):
        load_curated_lexicon(bad)


def test_mining_keeps_cross_article_loaded_words_only() -> None:
    paragraphs = []
    for art in range(6):
        paragraphs.append(Paragraph(str(art), "1", "The vile regime acted again", 1, ["Loaded_Language"]))
        paragraphs.append(Paragraph(str(art), "2", "The committee met on Tuesday", 2, []))
        paragraphs.append(Paragraph(str(art), "3", "Ministers met on Monday", 3, []))
    # a topical word labelled often but only inside one article
    for k in range(5):
        paragraphs.append(Paragraph("99", str(10 + k), "Zoning rules were vile", 10 + k, ["Loaded_Language"]))
        paragraphs.append(Paragraph("99", str(20 + k), "Zoning rules changed", 20 + k, ["Loaded_Language"]))
    lex = mine_lexicon(paragraphs, ("Loaded_Language",), min_count=3, min_articles=3)
    assert "vile" in lex["Loaded_Language"]
    assert "zoning" not in lex["Loaded_Language"]  # one article only
    assert "committee" not in lex["Loaded_Language"] and "the" not in lex["Loaded_Language"]
