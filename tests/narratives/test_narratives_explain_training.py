"""Extractive explanations (grounded, within 80 words) and the head-training code (overfits tiny data)."""

from __future__ import annotations

import numpy as np
import pytest

from narrascope.doc import Article, Span
from narrascope.narratives.explain import ExplanationGenerator, ExplanationRequest, ExtractiveExplainer, count_words
from narrascope.narratives.training import TrainConfig, build_training_set, cross_validate, fit_model

TEXT = (
    "Sanctions hurt Europe\n"
    "Europe pays more for gas than ever, and factories in Germany, Italy and France are closing one after "
    "another because energy has become too expensive for them to keep running, say the owners, the unions, "
    "the regional governments and nearly every economist who has looked at the numbers this winter.\n"
    "The sanctions were meant to punish Moscow.\n"
    "Instead, they backfired on the West.\n"
    "The weather was mild."
)


def _sentences(text: str) -> list[Span]:
    out, start = [], 0
    for line in text.split("\n"):
        out.append(Span(start=start, end=start + len(line), text=line))
        start += len(line) + 1
    return out


def _request(scores: list[float]) -> ExplanationRequest:
    return ExplanationRequest(
        text=TEXT, sentences=_sentences(TEXT), scores=np.array(scores), label="URW: X: Y",
        label_name="Sanctions imposed by Western countries will backfire", definition="d",
    )


@pytest.mark.parametrize("max_words", [80, 40, 20])
def test_explanation_is_grounded_and_short(max_words: int) -> None:
    explainer = ExtractiveExplainer(max_words=max_words)
    assert isinstance(explainer, ExplanationGenerator)
    exp = explainer.explain(_request([0.5, 3.0, 1.0, 2.0, -1.0]))
    assert exp is not None and exp.method == "extractive" and exp.label == "URW: X: Y"
    assert count_words(exp.text) <= max_words
    article = Article(id="t", raw_text=TEXT, text=TEXT)
    for claim in exp.claims:
        assert claim.text in exp.text  # every claim is quoted in the explanation
        for span in claim.evidence:
            article.check_span(span)  # and points to the exact text of the article
            assert span.text == claim.text
    spans = [c.evidence[0] for c in exp.claims]
    assert spans == sorted(spans, key=lambda s: s.start)  # article order
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))  # no overlap


def test_long_sentence_is_compressed_to_a_clause() -> None:
    exp = ExtractiveExplainer(max_words=30).explain(_request([0, 5.0, 0, 0, 0]))
    assert exp is not None
    long_sentence = _sentences(TEXT)[1]
    span = exp.claims[0].evidence[0]
    assert long_sentence.start <= span.start < span.end <= long_sentence.end
    assert span.end - span.start < long_sentence.end - long_sentence.start


def test_no_sentences_no_explanation() -> None:
    req = ExplanationRequest(text="", sentences=[], scores=np.zeros(0), label="L", label_name="L", definition="")
    assert ExtractiveExplainer().explain(req) is None


def _toy_set(taxonomy, n_per: int = 8, seed: int = 0):
    """Three well-separated clusters of sentence vectors: CC narrative, URW narrative, Other."""
    rng = np.random.default_rng(seed)
    dim = 16
    centres = np.eye(dim)[:3] * 3
    labels = [
        (["CC: Criticism of climate policies"],
         ["CC: Criticism of climate policies: Climate policies have negative impact on the economy"], "CC"),
        (["URW: Discrediting Ukraine"], ["URW: Discrediting Ukraine: Ukraine is associated with nazism"], "URW"),
        (["Other"], ["Other"], "URW"),
    ]
    ids, vecs, coarse, fine, doms = [], [], [], [], []
    for k, (c, f, d) in enumerate(labels):
        for i in range(n_per):
            v = centres[k] + rng.normal(scale=0.3, size=(5, dim))
            vecs.append((v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32))
            ids.append(f"{k}-{i}")
            coarse.append(c)
            fine.append(f)
            doms.append(d)
    return build_training_set(ids, vecs, coarse, fine, doms, taxonomy), vecs


def test_heads_overfit_tiny_data(taxonomy) -> None:
    ts, vecs = _toy_set(taxonomy)
    protos = (np.zeros((len(ts.coarse_labels), 16), np.float32), np.zeros((len(ts.fine_labels), 16), np.float32))
    model = fit_model(ts, taxonomy, TrainConfig(C=10.0, inner_folds=2), prototypes=protos, threshold_folds=2)
    for v, c, f in zip(vecs, ts.gold_coarse, ts.gold_fine):
        out = model.predict_vectors(v).decoded
        assert out.coarse == c and out.fine == f


def test_cross_validation_runs_and_is_seeded(taxonomy) -> None:
    ts, _ = _toy_set(taxonomy, n_per=10)
    a = cross_validate(ts, taxonomy, TrainConfig(C=10.0, inner_folds=2), folds=2)
    b = cross_validate(ts, taxonomy, TrainConfig(C=10.0, inner_folds=2), folds=2)
    assert a.f1_coarse == b.f1_coarse and a.f1_fine == b.f1_fine
    assert a.f1_coarse > 0.9  # separable clusters: held-out documents are labelled right
    assert len(a.predictions) == len(ts.ids)
