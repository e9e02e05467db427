"""The shipped model artifact and the ``narratives`` pipeline component (real encoder, real spaCy)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from narrascope.doc import Article
from narrascope.errors import Codes, ModelError
from narrascope.narratives.analyzer import NarrativeAnalyzer, embed_sentences
from narrascope.narratives.explain import count_words
from narrascope.narratives.model import DEFAULT_MODEL, NarrativeModel


@pytest.fixture(scope="module")
def component():
    from narrascope.pipeline.registry import default_registry

    return default_registry().create("narratives", {})


def _article(text: str, splitter, article_id: str = "a") -> Article:
    article = Article(id=article_id, raw_text=text, text=text, title=text.split("\n", 1)[0])
    article.language = "en"
    article.sentences = splitter([text])[0]
    return article


def test_artifact_is_self_describing(narrative_model: NarrativeModel, taxonomy) -> None:
    meta = narrative_model.meta
    assert meta["name"] == DEFAULT_MODEL
    assert "research use only" in meta["training_data"]["terms"]
    assert meta["cv"]["folds"] == 5 and 0 < meta["cv"]["samples_f1_fine"] <= meta["cv"]["samples_f1_coarse"] + 0.2
    assert meta["command"].startswith("narrascope train narratives")
    assert narrative_model.coarse_labels == [c for c in taxonomy.coarse_labels if c != "Other"]
    size = sum(f.stat().st_size for f in Path(narrative_model.path).iterdir())
    assert size < 5_000_000


def test_corrupt_artifacts(tmp_path: Path, narrative_model: NarrativeModel) -> None:
    with pytest.raises(ModelError, match="config.json is missing") as err:
        NarrativeModel.load(tmp_path)
    assert err.value.code == Codes.MODEL_LOAD
    broken = tmp_path / "broken"
    shutil.copytree(narrative_model.path, broken)
    (broken / "weights.safetensors").write_bytes(b"not safetensors")
    with pytest.raises(ModelError, match="corrupt weights"):
        NarrativeModel.load(broken)
    shutil.copy(Path(narrative_model.path) / "weights.safetensors", broken / "weights.safetensors")
    config = json.loads((broken / "config.json").read_text(encoding="utf-8"))
    config["coarse_labels"] = config["coarse_labels"][:-1]
    (broken / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelError, match="W_coarse has shape"):
        NarrativeModel.load(broken)


def test_example_article(component, splitter, example_body: str) -> None:
    """The Moscow Times piece is anti-Kremlin: the model must put it in the URW domain and must not
    attach a pro-Kremlin narrative with high confidence; see EVALUATION.md for what it decides."""
    article = component(_article(example_body, splitter, "example"))
    article.validate_spans()
    assert article.domain == "URW"
    assert article.narratives
    for label in article.narratives:
        assert 0.0 <= label.confidence <= 1.0
        if label.narrative == "Other":
            assert len(article.narratives) == 1
            why = article.explanation  # the decision, explained without claims about the article
            assert why is not None and why.method == "decision" and why.claims == [] and "threshold" in why.text
        else:
            assert label.domain == "URW" and label.evidence
    if article.explanation is not None:
        assert count_words(article.explanation.text) <= 80
        assert all(c.evidence for c in article.explanation.claims)
    assert article.components == ["narratives"]


def test_labels_explanation_and_spans(component, splitter, tiny_dir: Path) -> None:
    text = (tiny_dir / "raw-documents" / "EN_UA_900005.txt").read_text(encoding="utf-8")
    long_text = text + "\n" + "\n".join(
        "The West armed Kyiv to provoke Moscow, and NATO expansion forced Russia to defend itself." for _ in range(3)
    )
    article = component(_article(long_text, splitter))
    article.validate_spans()
    for label in article.narratives:
        if label.subnarrative:
            assert label.subnarrative.startswith(label.narrative + ": ")
    if article.explanation:
        assert count_words(article.explanation.text) <= 80
        for claim in article.explanation.claims:
            assert claim.evidence and claim.evidence[0].text == claim.text


def test_batch_equals_single(component, splitter, tiny_dir: Path, example_body: str) -> None:
    texts = [example_body] + [p.read_text(encoding="utf-8") for p in sorted((tiny_dir / "raw-documents").iterdir())[:5]]
    batch = list(component.pipe([_article(t, splitter, f"b{i}") for i, t in enumerate(texts)], batch_size=4))
    single = [component(_article(t, splitter, f"b{i}")) for i, t in enumerate(texts)]
    for a, b in zip(batch, single):
        assert a.model_dump() == b.model_dump()


def test_rerun_assigns_whole_fields(component, splitter, example_body: str) -> None:
    article = component(_article(example_body, splitter))
    first = article.model_dump()
    assert component(article).model_dump() == first


def test_reuses_sentence_vectors(splitter, encoder, tiny_dir: Path) -> None:
    from narrascope.components.narratives import NarrativeClassifier

    comp = NarrativeClassifier()
    text = (tiny_dir / "raw-documents" / "EN_CC_900001.txt").read_text(encoding="utf-8")
    article = _article(text, splitter)
    article.set_vectors("sentences", encoder.encode([s.text for s in article.sentences]))
    comp(article)
    assert comp._encoder is None  # nothing embedded twice
    fresh = _article(text, splitter)
    comp(fresh)  # no vectors: embedded here, and left for later components
    assert fresh.vectors("sentences").shape == (len(fresh.sentences), 384)
    assert fresh.narratives == article.narratives


def test_empty_article_is_skipped_with_a_note(component) -> None:
    article = Article(id="empty", raw_text="", text="")
    article.language = "en"
    component(article)
    component(article)
    assert article.narratives == [] and article.domain is None and article.explanation is None
    notes = [n for n in article.notes if n.component == "narratives"]
    assert len(notes) == 1 and notes[0].status == "skipped" and notes[0].code == Codes.EMPTY_INPUT


def test_other_language_is_skipped(component, splitter) -> None:
    article = _article("Le climat change.\nLes politiques climatiques coûtent cher.", splitter)
    article.language = "fr"
    component(article)
    assert article.narratives == [] and any(n.status == "skipped" for n in article.notes)


def test_very_long_article_uses_all_of_the_text(narrative_model, encoder, splitter, tiny_dir: Path) -> None:
    """~14k words (far beyond the 256-token window): every sentence is embedded, and evidence
    can come from the end of the text."""
    filler = (tiny_dir / "raw-documents" / "EN_CC_900009.txt").read_text(encoding="utf-8")
    tail = (tiny_dir / "raw-documents" / "EN_UA_900007.txt").read_text(encoding="utf-8")
    text = "\n".join([filler] * 400 + [tail])
    assert len(text.split()) > 12_000
    sentences = splitter([text])[0]
    assert sentences[-1].end > len(text) - 80  # segmented to the end
    vectors = embed_sentences(encoder, [s.text for s in sentences])
    scores = narrative_model.sentence_scores(vectors, "URW: Blaming the war on others rather than the invader")
    assert int(np.argmax(scores)) >= len(sentences) - 5  # the supporting sentence is in the last lines
    result = NarrativeAnalyzer(narrative_model).analyze(text, sentences, vectors)
    assert result.domain is not None


def test_one_giant_sentence_is_embedded_whole(encoder) -> None:
    words = ("climate " * 300 + "war " * 300).split()
    v = embed_sentences(encoder, [" ".join(words)])
    cut = encoder.encode([" ".join(words)])
    assert v.shape == (1, 384) and abs(float(np.linalg.norm(v[0])) - 1.0) < 1e-5
    assert float(v[0] @ cut[0]) < 0.999  # not the truncated first window


def test_custom_explanation_generator(splitter, tiny_dir: Path) -> None:
    """Another backend (e.g. an LLM) plugs in through the ExplanationGenerator interface."""
    from narrascope.components.narratives import NarrativeClassifier
    from narrascope.doc import Claim, Explanation
    from narrascope.errors import ConfigError

    class FirstSentence:
        name = "first-sentence"

        def explain(self, request):
            s = request.sentences[0]
            claims = [Claim(text=s.text, evidence=[s])]
            return Explanation(label=request.label, text=f"It opens: {s.text}", claims=claims, method=self.name)

    comp = NarrativeClassifier(explainer=FirstSentence())
    text = (tiny_dir / "raw-documents" / "EN_UA_900006.txt").read_text(encoding="utf-8")
    article = comp(_article(text, splitter))
    assert article.narratives[0].narrative != "Other"  # a clear "the West is to blame" text
    assert article.explanation is not None and article.explanation.method == "first-sentence"
    article.validate_spans()
    with pytest.raises(ConfigError, match="unknown explainer 'llm'"):
        NarrativeClassifier(explainer="llm")
    with pytest.raises(ConfigError, match="explanation_words"):
        NarrativeClassifier(explanation_words=200)


def test_off_topic_article_is_domain_other(component, splitter) -> None:
    text = ("United beat City 3-1 in the derby\n"
            "Marcus scored twice in the second half as United came from behind to win at Old Trafford.\n"
            "The manager praised his players for their spirit after a difficult first half.\n"
            "City remain top of the table despite the defeat.")
    article = component(_article(text, splitter))
    assert article.domain == "Other"
    assert [(n.narrative, n.subnarrative) for n in article.narratives] == [("Other", None)]
    assert article.explanation.method == "decision" and "far from every domain" in article.explanation.text
