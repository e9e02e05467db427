"""Head training on tiny data: it must fit what it is shown, save and load losslessly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from narrascope.techniques.semeval_io import Paragraph
from narrascope.techniques.training import HeadParams, article_folds, cross_validate, fit_model, tune_thresholds

pytest.importorskip("sklearn")
pytest.importorskip("torch")

LABELS = ["Loaded_Language", "Doubt", "Slogans"]


@pytest.fixture(scope="module")
def tiny_set(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from narrascope.models.encoder import SentenceEncoder
    from narrascope.techniques.dataset import build_paragraph_set

    loaded = ["A vile, disgusting and shameful betrayal.", "This horrific, monstrous regime is evil."]
    doubt = ["Can we really trust anything he says?", "His credibility is questionable at best."]
    plain = ["The committee met on Tuesday at noon.", "Rainfall was average for the season."]
    paragraphs = []
    for art in range(8):
        texts = [f"Headline number {art}", loaded[art % 2], doubt[art % 2], plain[art % 2]]
        labels = [[], ["Loaded_Language"], ["Doubt"], []]
        for k, (t, y) in enumerate(zip(texts, labels)):
            paragraphs.append(Paragraph(str(100 + art), str(k + 1), t, k + 1, y))
    enc = SentenceEncoder.load(threads=1)
    return build_paragraph_set(paragraphs, enc, cache_dir=tmp_path_factory.mktemp("cache"))


def test_overfits_training_data(tiny_set, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = np.arange(len(tiny_set.paragraphs))
    y = tiny_set.label_matrix(LABELS)
    model = fit_model(tiny_set, rows, y, LABELS, HeadParams(C=100.0, min_positives=2, max_features=500, min_df=1))
    scores = model.scores(tiny_set.texts, tiny_set.embeddings, tiny_set.style, tiny_set.context)
    assert np.array_equal(scores >= 0.5, y.astype(bool))
    assert model.bias[2] == -10.0  # no Slogans examples: never predicted
    model.meta = {"name": "tiny", "version": "0", "labels": LABELS}
    model.save(tmp_path / "m")
    from narrascope.techniques.model import TechniqueModel

    again = TechniqueModel.load(tmp_path / "m")
    np.testing.assert_allclose(
        again.scores(tiny_set.texts, tiny_set.embeddings, tiny_set.style, tiny_set.context), scores, atol=2e-3
    )


def test_cross_validation_runs_by_article(tiny_set) -> None:  # type: ignore[no-untyped-def]
    folds = article_folds(tiny_set.groups, 2, 0)
    for art in np.unique(tiny_set.groups):
        assert len(set(folds[tiny_set.groups == art])) == 1
    result, pred = cross_validate(
        tiny_set, LABELS, n_folds=2, params=HeadParams(C=100.0, min_positives=2, inner_folds=2, max_features=500, min_df=1)
    )
    assert pred.shape == (len(tiny_set.paragraphs), 3)
    assert result.micro_f1 > 0.8 and result.n_articles == 8


def test_thresholds_follow_the_data() -> None:
    scores = np.array([[0.9, 0.3], [0.8, 0.35], [0.2, 0.1], [0.1, 0.05]], dtype=np.float32)
    y = np.array([[1, 1], [1, 1], [0, 0], [0, 0]])
    thr = tune_thresholds(scores, y, min_positives=1)
    assert 0.2 < thr[0] <= 0.8 and 0.1 < thr[1] <= 0.3


def test_embedding_cache_round_trip(tmp_path: Path) -> None:
    from narrascope.models.encoder import SentenceEncoder
    from narrascope.techniques.embedding_cache import cached_encode

    enc = SentenceEncoder.load(threads=1)
    texts = ["The brutal regime fell.", "Officials met on Tuesday."]
    first = cached_encode(texts, enc, tmp_path)
    assert len(list(tmp_path.glob("techniques-sent-*.npz"))) == 1
    np.testing.assert_array_equal(cached_encode(texts, enc, tmp_path), first)
    np.testing.assert_allclose(first, enc.encode(texts), atol=1e-6)
    cached_encode(texts[:1], enc, tmp_path)
    assert len(list(tmp_path.glob("techniques-sent-*.npz"))) == 2  # other texts, other key
