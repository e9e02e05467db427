"""Genre rule: features on hand-made texts, the decision's direction, the component, the labelled set."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.doc import Article, TechniqueSpan
from narrascope.techniques.genre import GenreFeatures, genre_decision, genre_features, strip_quotes
from narrascope.techniques.genre_eval import read_genre_labels

FIX = Path(__file__).parent / "fixtures"


def test_pronouns_inside_quotes_do_not_count() -> None:
    text = 'The minister said: "We will win and I promise it." Officials agreed.'
    assert "We" not in strip_quotes(text)
    f = genre_features(text, 1, 0)
    assert f.first_person == 0.0 and f.attribution > 0
    g = genre_features("I think we were lied to. You know it.", 1, 1)
    assert g.first_person == pytest.approx(100 * 2 / 9) and g.second_person == pytest.approx(100 * 1 / 9)
    assert g.technique_density == 1.0


def test_decision_direction() -> None:
    opinion = GenreFeatures(first_person=2.0, second_person=0.5, attribution=0.1, technique_density=0.8, words=500)
    reporting = GenreFeatures(first_person=0.0, second_person=0.0, attribution=2.0, technique_density=0.1, words=500)
    label, conf = genre_decision(opinion)
    assert label == "opinion" and 0.5 <= conf <= 1.0
    label, conf = genre_decision(reporting)
    assert label == "reporting" and 0.5 <= conf <= 1.0


def test_component_sets_genre() -> None:
    from narrascope.components.genre import GenreClassifier

    text = "Title\nI am sick of these lies. We all know you cannot trust them!\nThey lied again."
    art = Article(id="g", raw_text=text, text=text, language="en")
    art.techniques = [TechniqueSpan(start=6, end=62, text=text[6:62], technique="Loaded_Language", confidence=0.9, level="paragraph")]
    comp = GenreClassifier()
    comp(art)
    assert art.genre is not None and art.genre.label == "opinion"
    comp(art)
    assert art.genre.label == "opinion"  # rerun assigns, same result
    empty = Article(id="e", raw_text="", text="", language="en")
    comp(empty)
    assert empty.genre is None


def test_labelled_set_refers_to_real_articles(shared: Path) -> None:
    labels = read_genre_labels(FIX / "genre_labels.tsv")
    assert len(labels) == 44 and set(labels.values()) <= {"opinion", "reporting", "satire"}
    template = shared / "data" / "semeval2023-task3" / "data" / "en" / "train-labels-subtask-3.template"
    ids = {line.split("\t", 1)[0] for line in template.read_text(encoding="utf-8").splitlines()}
    assert set(labels) <= ids
