"""The shipped technique model and the ``techniques`` component (real spaCy sentences, real encoder)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from narrascope.doc import Article
from narrascope.errors import Codes, ModelError
from narrascope.techniques.analyzer import paragraph_spans, technique_counts
from narrascope.techniques.model import DEFAULT_MODEL, TechniqueModel, load_technique_model


@pytest.fixture(scope="module")
def model() -> TechniqueModel:
    return load_technique_model()


@pytest.fixture(scope="module")
def pipeline():  # type: ignore[no-untyped-def]
    from narrascope.config.settings import load_settings
    from narrascope.pipeline.pipeline import Pipeline

    settings = load_settings(overrides=['pipeline.components=["language", "entities", "embeddings", "techniques"]'])
    return Pipeline.from_settings(settings)


def _make(text: str, article_id: str = "a") -> Article:
    from narrascope.ingest.make import make_article

    article = make_article(text, remove_boilerplate=True)
    article.id = article_id
    return article


def test_artifact_is_self_describing(model: TechniqueModel) -> None:
    meta = model.meta
    assert meta["name"] == DEFAULT_MODEL
    assert "research use only" in meta["training_data"]["terms"]
    assert meta["rebuild_command"].startswith("narrascope train techniques")
    assert len(model.labels) == 23 and model.thresholds.shape == (23,)
    assert sum(f.stat().st_size for f in Path(model.path).iterdir()) < 5_000_000  # type: ignore[arg-type]


def test_corrupt_artifacts(tmp_path: Path, model: TechniqueModel) -> None:
    with pytest.raises(ModelError, match="config.json is missing") as err:
        TechniqueModel.load(tmp_path)
    assert err.value.code == Codes.MODEL_LOAD
    broken = tmp_path / "broken"
    shutil.copytree(model.path, broken)  # type: ignore[arg-type]
    config = json.loads((broken / "config.json").read_text(encoding="utf-8"))
    config["vocabulary"] = config["vocabulary"][:-1]
    (broken / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelError, match="shapes"):
        TechniqueModel.load(broken)
    config["kind"] = "something/else"
    (broken / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelError, match="not a technique model"):
        TechniqueModel.load(broken)


def test_example_article(pipeline, example_text: str) -> None:  # type: ignore[no-untyped-def]
    article = pipeline(_make(example_text, "example"))
    assert "techniques" in article.components, article.notes
    article.validate_spans()
    levels = {t.level for t in article.techniques}
    assert levels == {"paragraph", "sentence", "span"}
    counts = technique_counts(article.techniques)
    assert counts.get("Loaded_Language", 0) >= 3
    words = {t.text.lower() for t in article.techniques if t.level == "span"}
    assert "brutal" in words
    assert all(0.0 <= t.confidence <= 1.0 for t in article.techniques)
    # every sentence/span detection lies inside a paragraph detection of the same technique
    paragraphs = [t for t in article.techniques if t.level == "paragraph"]
    for t in article.techniques:
        assert any(p.technique == t.technique and p.start <= t.start and t.end <= p.end for p in paragraphs)


def test_batch_equals_single_and_rerun_is_stable(pipeline, example_text: str) -> None:  # type: ignore[no-untyped-def]
    texts = [example_text, "Short headline\nThe traitors and their vile lies must be stopped now!", "Title only"]
    single = [pipeline(_make(t, str(i))).techniques for i, t in enumerate(texts)]
    batch = [a.techniques for a in pipeline.pipe([_make(t, str(i)) for i, t in enumerate(texts)], batch_size=3)]
    assert [[s.model_dump() for s in x] for x in single] == [[s.model_dump() for s in x] for x in batch]
    component = pipeline.components[-1]
    article = pipeline(_make(texts[1]))
    before = [s.model_dump() for s in article.techniques]
    component(article)
    assert [s.model_dump() for s in article.techniques] == before


def test_encodes_itself_without_vectors(pipeline, example_text: str) -> None:  # type: ignore[no-untyped-def]
    with_vectors = pipeline(_make(example_text))
    bare = _make(example_text)
    bare.language = "en"
    bare.sentences = list(with_vectors.sentences)
    component = pipeline.components[-1]
    component(bare)
    got = [(t.start, t.end, t.technique, t.level) for t in bare.techniques]
    assert got == [(t.start, t.end, t.technique, t.level) for t in with_vectors.techniques]


def test_other_language_is_skipped(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = "Titre\nLe gouvernement a annoncé hier une nouvelle réforme."
    article = Article(id="fr", raw_text=text, text=text, language="fr")
    article.sentences = [article.span(0, 5), article.span(6, len(text))]
    pipeline.components[-1](article)
    assert article.techniques == []
    assert [(n.component, n.status) for n in article.notes] == [("techniques", "skipped")]


def test_empty_and_tiny_inputs(pipeline) -> None:  # type: ignore[no-untyped-def]
    component = pipeline.components[-1]
    empty = Article(id="e", raw_text="", text="", language="en")
    component(empty)
    assert empty.techniques == []
    odd = Article(id="o", raw_text="!!!\n\n???", text="!!!\n\n???", language="en")
    odd.sentences = [odd.span(0, 3), odd.span(5, 8)]
    component(odd)
    odd.validate_spans()


def test_paragraph_spans() -> None:
    text = "Title\r\n\n  Body one. \nBody two"
    assert [text[a:b] for a, b in paragraph_spans(text)] == ["Title", "Body one.", "Body two"]
    assert paragraph_spans("") == [] and paragraph_spans("\n \n") == []


def test_model_rejects_wrong_shapes(model: TechniqueModel) -> None:
    with pytest.raises(ValueError, match="embeddings shape"):
        model.scores(["a"], np.zeros((1, 3), np.float32), np.zeros((1, 11), np.float32))
