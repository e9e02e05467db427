"""The embeddings component: one vector per sentence in ``article.vectors("sentences")``."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from narrascope.components.embeddings import VECTORS_KEY, SentenceEmbedder
from narrascope.config.settings import load_settings
from narrascope.doc import Article, Span
from narrascope.errors import ConfigError, ModelError, PipelineError
from narrascope.models.encoder import SentenceEncoder
from narrascope.pipeline import Pipeline
from narrascope.pipeline.registry import default_registry


def _article(article_id: str, text: str, language: str | None = "en") -> Article:
    """An article whose sentences are regex spans of its text (no NER component needed)."""
    spans = [
        Span(start=m.start(), end=m.end(), text=m.group())
        for m in re.finditer(r"[^\s.!?][^.!?\n]*[.!?]?[”’\"]?", text)
    ]
    return Article(id=article_id, raw_text=text, text=text, language=language, sentences=spans)


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder.load(threads=2)


@pytest.fixture(scope="module")
def embedder(encoder: SentenceEncoder) -> SentenceEmbedder:
    return SentenceEmbedder(encoder=encoder)


@pytest.fixture()
def example(example_text: str) -> Article:
    return _article("moscow-times", example_text)


def test_one_vector_per_sentence(embedder: SentenceEmbedder, encoder: SentenceEncoder, example: Article) -> None:
    assert len(example.sentences) > 20
    example.validate_spans()
    embedder(example)
    vectors = example.vectors(VECTORS_KEY)
    assert isinstance(vectors, np.ndarray) and vectors.dtype == np.float32
    assert vectors.shape == (len(example.sentences), embedder.dim)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # row i is the embedding of sentence i
    for i in (0, 5, len(example.sentences) - 1):
        np.testing.assert_allclose(vectors[i], encoder.encode([example.sentences[i].text])[0], atol=1e-5)
    assert example.components == ["embeddings"]
    assert "_vectors" not in example.model_dump_json()  # in memory only


def test_batch_equals_single(embedder: SentenceEmbedder, example_text: str) -> None:
    paragraphs = [p for p in example_text.splitlines() if p.strip()]
    texts = [example_text, paragraphs[1], "Assad fled to Moscow.", paragraphs[2] + " " + paragraphs[3]]
    batch = [_article(f"a{i}", t) for i, t in enumerate(texts)]
    singles = [_article(f"a{i}", t) for i, t in enumerate(texts)]
    list(embedder.pipe(batch, batch_size=16))
    for article in singles:
        embedder(article)
    for b, s in zip(batch, singles):
        np.testing.assert_allclose(b.vectors(VECTORS_KEY), s.vectors(VECTORS_KEY), atol=1e-5)


def test_rerun_assigns_not_appends(embedder: SentenceEmbedder, example: Article) -> None:
    embedder(example)
    first = example.vectors(VECTORS_KEY).copy()
    embedder(example)
    np.testing.assert_array_equal(example.vectors(VECTORS_KEY), first)
    assert example.components == ["embeddings"]


def test_article_without_sentences(embedder: SentenceEmbedder) -> None:
    empty = Article(id="empty", raw_text="", text="")
    with_text = _article("x", "Assad fled. Russia lost face.")
    list(embedder.pipe([empty, with_text]))
    assert empty.vectors(VECTORS_KEY).shape == (0, embedder.dim)
    assert with_text.vectors(VECTORS_KEY).shape == (2, embedder.dim)


def test_languages_setting_skips_others(encoder: SentenceEncoder) -> None:
    english_only = SentenceEmbedder(encoder=encoder, languages=["en"])
    ru = _article("ru", "Асад бежал в Москву.", language="ru")
    english_only(ru)
    assert ru.vectors(VECTORS_KEY) is None
    assert ru.notes and ru.notes[0].status == "skipped" and "'ru'" in ru.notes[0].message
    # by default every language gets vectors
    SentenceEmbedder(encoder=encoder)(ru)
    assert ru.vectors(VECTORS_KEY).shape == (1, encoder.dim)


def test_registered_and_built_from_default_settings() -> None:
    settings = load_settings(overrides=["components.embeddings.threads=1"])
    component = default_registry().create("embeddings", dict(settings.components["embeddings"]))
    assert isinstance(component, SentenceEmbedder)
    assert component.name == "embeddings" and component.batch_size == 64


def test_needs_a_sentence_component_first(embedder: SentenceEmbedder) -> None:
    with pytest.raises(PipelineError, match="requires sentences"):
        Pipeline([embedder])


@pytest.mark.parametrize(
    ("settings", "source"),
    [
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": "64"}, "batch_size"),
        ({"threads": -1}, "threads"),
        ({"languages": "en"}, "languages"),
    ],
)
def test_bad_settings(settings: dict[str, object], source: str) -> None:
    with pytest.raises(ConfigError, match=source):
        SentenceEmbedder(**settings)  # type: ignore[arg-type]


def test_bad_model_path(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        SentenceEmbedder(model_path=str(tmp_path / "missing-encoder"))
    with pytest.raises(ConfigError, match="components.embeddings"):
        default_registry().create("embeddings", {"model": "minilm"})


def test_repeated_sentences_are_embedded_once_with_the_same_vector(embedder: SentenceEmbedder, encoder: SentenceEncoder) -> None:
    """A line repeated within and across articles gets exactly the vector it gets alone."""
    line = "Subscribe to our newsletter for the latest news."
    first = _article("a", f"The Kremlin denied the report. {line}\n{line}")
    second = _article("b", f"{line} Kyiv said it would respond.")
    out = embedder.predict([first, second])
    alone = encoder.encode([line])[0]
    rows = [out[0][1], out[0][2], out[1][0]]
    assert all(np.array_equal(row, alone) for row in rows)
    assert np.array_equal(out[0][0], encoder.encode(["The Kremlin denied the report."])[0])
    assert out[0].flags.c_contiguous and out[0].dtype == np.float32


def test_encode_with_duplicates_and_empty_strings(encoder: SentenceEncoder) -> None:
    texts = ["", "Moscow.", "", "Moscow.", "Kyiv."]
    vectors = encoder.encode(texts)
    assert vectors.shape == (5, encoder.dim)
    for i, text in enumerate(texts):
        assert np.array_equal(vectors[i], encoder.encode([text])[0])
    assert encoder.encode([]).shape == (0, encoder.dim)
