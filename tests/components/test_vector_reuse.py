"""Sentence vectors left by the ``embeddings`` component are reused only by components whose model was
trained on the encoder that made them (``article.vectors("sentences.encoder")``); real models throughout."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from narrascope.components.embeddings import (
    ENCODER_KEY,
    VECTORS_KEY,
    check_encoder,
    keep_vectors,
    reusable_vectors,
    trained_encoder_name,
)
from narrascope.doc import Article, Span
from narrascope.errors import ConfigError
from narrascope.models.artifact import packaged_artifact_dir
from narrascope.models.encoder import DEFAULT_ENCODER, SentenceEncoder
from narrascope.pipeline.registry import default_registry

TEXT = (
    "Russia's war against Ukraine is a crime, the minister said. "
    "Western sanctions have weakened the Kremlin's economy. "
    "Climate activists blocked a motorway in Berlin on Monday. "
    "The government called the protest reckless."
)


def _article(text: str = TEXT, article_id: str = "a") -> Article:
    spans = [Span(start=m.start(), end=m.end(), text=m.group()) for m in re.finditer(r"[^\s.!?][^.!?]*[.!?]", text)]
    return Article(id=article_id, raw_text=text, text=text, language="en", sentences=spans)


def _with_foreign_vectors(article: Article, dim: int = 768) -> Article:
    """Vectors as the MPNet encoder would leave them: another width, another name."""
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(article.sentences), dim)).astype(np.float32)
    keep_vectors(article, vectors / np.linalg.norm(vectors, axis=1, keepdims=True), "mpnet-base-v2-fp32")
    return article


@pytest.fixture(scope="module")
def renamed_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packaged MiniLM under another name: a real encoder that no shipped model was trained on."""
    directory = tmp_path_factory.mktemp("enc") / "other"
    shutil.copytree(packaged_artifact_dir(DEFAULT_ENCODER), directory)
    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    meta["name"] = "other-encoder"
    (directory / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return directory


def test_trained_encoder_name_reads_both_meta_shapes() -> None:
    assert trained_encoder_name({"encoder": "mpnet-base-v2-fp32"}) == "mpnet-base-v2-fp32"
    assert trained_encoder_name({"encoder": {"name": "minilm-l6-v2-int8", "dim": 384}}) == "minilm-l6-v2-int8"
    for meta in ({}, {"encoder": None}, {"encoder": ""}, {"encoder": {"dim": 384}}, {"encoder": 7}):
        assert trained_encoder_name(meta) == DEFAULT_ENCODER
    for name in ("narratives-en-minilm", "techniques-en-linear", "roles-minilm-linear"):
        meta = json.loads((packaged_artifact_dir(name) / "meta.json").read_text(encoding="utf-8"))
        assert trained_encoder_name(meta) == DEFAULT_ENCODER


def test_reusable_vectors_checks_rows_and_encoder() -> None:
    article = _article()
    n = len(article.sentences)
    assert n == 4
    assert reusable_vectors(article, DEFAULT_ENCODER) is None  # none yet
    article.set_vectors(VECTORS_KEY, np.ones((n, 384), np.float32))  # no recorded encoder: the default's
    assert reusable_vectors(article, DEFAULT_ENCODER).shape == (n, 384)
    assert reusable_vectors(article, "mpnet-base-v2-fp32") is None
    keep_vectors(article, np.ones((n, 768), np.float32), "mpnet-base-v2-fp32")
    assert article.vectors(ENCODER_KEY) == "mpnet-base-v2-fp32"
    assert reusable_vectors(article, "mpnet-base-v2-fp32").shape == (n, 768)
    assert reusable_vectors(article, DEFAULT_ENCODER) is None
    keep_vectors(article, np.ones((n - 1, 384), np.float32), DEFAULT_ENCODER)  # stale: a sentence missing
    assert reusable_vectors(article, DEFAULT_ENCODER) is None
    keep_vectors(article, np.ones(n, np.float32), DEFAULT_ENCODER)  # not a matrix
    assert reusable_vectors(article, DEFAULT_ENCODER) is None


def test_narratives_embed_again_over_another_encoders_vectors() -> None:
    component = default_registry().create("narratives", {})
    fresh = component(_article(article_id="fresh"))
    foreign = component(_with_foreign_vectors(_article(article_id="foreign")))
    assert foreign.narratives == fresh.narratives and foreign.domain == fresh.domain
    # the vectors it made replace the foreign ones, named after their encoder, for later components
    assert foreign.vectors(VECTORS_KEY).shape == (4, 384)
    assert foreign.vectors(ENCODER_KEY) == DEFAULT_ENCODER
    np.testing.assert_allclose(foreign.vectors(VECTORS_KEY), fresh.vectors(VECTORS_KEY), atol=1e-6)


def test_techniques_embed_again_over_another_encoders_vectors() -> None:
    component = default_registry().create("techniques", {})
    fresh = component(_article(article_id="fresh"))
    foreign = component(_with_foreign_vectors(_article(article_id="foreign")))
    assert [t.model_dump() for t in foreign.techniques] == [t.model_dump() for t in fresh.techniques]


def test_roles_embed_again_over_another_encoders_vectors() -> None:
    from narrascope.doc import Entity, Mention

    def with_entity(article: Article) -> Article:
        start = article.text.index("Ukraine")
        article.entities = [Entity(id="e1", name="Ukraine", type="place", mentions=[Mention(start=start, end=start + 7, text="Ukraine", label="GPE")])]
        return article

    component = default_registry().create("roles", {})
    fresh = component(with_entity(_article(article_id="fresh")))
    foreign = component(with_entity(_with_foreign_vectors(_article(article_id="foreign"))))
    assert [r.model_dump() for r in foreign.roles] == [r.model_dump() for r in fresh.roles]
    assert len(fresh.roles) == 1


def test_an_encoder_the_model_was_not_trained_on_is_refused(renamed_encoder: Path) -> None:
    from narrascope.components.narratives import NarrativeClassifier
    from narrascope.components.techniques import TechniqueDetector

    narratives = NarrativeClassifier(encoder_path=str(renamed_encoder))
    with pytest.raises(ConfigError, match="'other-encoder', but the narrative model was trained on 'minilm-l6-v2-int8'") as info:
        narratives(_article())
    assert info.value.source == "components.narratives.encoder_path"
    with pytest.raises(ConfigError, match="'other-encoder', but the technique model was trained on 'minilm-l6-v2-int8'"):
        TechniqueDetector(encoder=SentenceEncoder.load(renamed_encoder))
    # an encoder object that records no name is trusted
    check_encoder(object(), DEFAULT_ENCODER, "test")
