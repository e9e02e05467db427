from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from narrascope.errors import ModelError
from narrascope.roles.features import (
    FeatureConfig,
    MentionInput,
    build_features,
    feature_dim,
    featurize_text,
    mention_window,
    split_sentence_spans,
)
from narrascope.roles.model import RoleModel, decode_roles
from narrascope.roles.training import fit_heads


def test_sentence_spans_keep_crlf_offsets():
    text = "Title here\r\n\r\nFirst sentence. Second one! \u201cThird,\u201d he said.\r\nLast line"
    spans = split_sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["Title here", "First sentence.", "Second one!", "\u201cThird,\u201d he said.", "Last line"]


def test_mention_window():
    text = "one two three Russia four five six"
    assert mention_window(text, 14, 20, 2) == "two three Russia four five"


def test_features_shape_and_groups(encoder):
    text = "Russia attacked. Ukraine defended itself.\nRussia lost."
    cfg = FeatureConfig(blocks=("sent", "entity", "doc", "name", "window"))
    x = featurize_text(text, [(0, 6), (17, 24)], encoder, cfg)
    assert x.shape == (2, feature_dim(cfg, 384)) and x.dtype == np.float32
    sentences = split_sentence_spans(text)
    vecs = encoder.encode([text[s:e] for s, e in sentences])
    # the "entity" block of the first Russia averages both sentences that mention Russia
    entity_block = x[0, 384:768]
    expected = vecs[[0, 2]].mean(axis=0)
    assert np.allclose(entity_block, expected / np.linalg.norm(expected), atol=1e-5)
    with pytest.raises(ValueError, match="one vector per sentence"):
        build_features(text, sentences, vecs[:1], [], encoder, cfg)


def test_span_block_tells_two_entities_of_one_sentence_apart(encoder):
    text = "Calm title\nSyrian rebels seized Damascus, forcing Assad to flee. Assad now lives in Moscow."
    rebels, assad = (text.index("Syrian rebels"), text.index("Syrian rebels") + 13), (text.index("Assad"), text.index("Assad") + 5)
    cfg = FeatureConfig(blocks=("sent", "span"))
    x = featurize_text(text, [rebels, assad], encoder, cfg)
    assert x.shape == (2, feature_dim(cfg, 384))
    sent, span = x[:, :384], x[:, 384:768]
    assert np.array_equal(sent[0], sent[1])  # one sentence: the sentence block cannot tell them apart
    assert float(span[0] @ span[1]) < 0.9 and np.allclose(np.linalg.norm(span, axis=1), 1, atol=1e-5)
    # the span block is the mean state of the mention's tokens, read in its sentence
    sentences = split_sentence_spans(text)
    s0 = sentences[1][0]
    states = encoder.encode_tokens([text[s:e] for s, e in sentences])
    assert np.allclose(span[1], states[1].span_vector(assad[0] - s0, assad[1] - s0), atol=1e-6)
    # token states the caller already has give the same blocks
    vecs = np.stack([t.vector for t in states])
    given = build_features(text, sentences, vecs, [MentionInput(*rebels, "r"), MentionInput(*assad, "a")], encoder, cfg, token_states=states)
    assert np.allclose(given[:, :768], x[:, :768], atol=1e-6)


def test_entity_span_block_averages_the_span_of_every_mention_of_the_entity(encoder):
    text = "Assad fled to Moscow. Rebels cheered.\nNobody mourns Assad."
    first, last = (0, 5), (text.rindex("Assad"), text.rindex("Assad") + 5)
    cfg = FeatureConfig(blocks=("span", "entity_span"))
    x = featurize_text(text, [first], encoder, cfg)  # the second "Assad" counts as context
    both = featurize_text(text, [first, last], encoder, FeatureConfig(blocks=("span",)))
    mean = both[:, :384].mean(axis=0)
    assert np.allclose(x[0, 384:768], mean / np.linalg.norm(mean), atol=1e-5)
    assert not np.allclose(x[0, :384], x[0, 384:768], atol=1e-3)


def test_span_block_errors_and_fallback(encoder):
    text = "Russia attacked. Ukraine defended itself."
    sentences = split_sentence_spans(text)
    vecs = encoder.encode([text[s:e] for s, e in sentences])
    cfg = FeatureConfig(blocks=("sent", "span"))

    class VectorsOnly:
        def encode(self, texts):
            return encoder.encode(texts)

    with pytest.raises(ValueError, match="needs an encoder with encode_tokens"):
        build_features(text, sentences, vecs, [MentionInput(0, 6, "r")], VectorsOnly(), cfg)
    with pytest.raises(ValueError, match="one token-states entry per sentence"):
        build_features(text, sentences, vecs, [MentionInput(0, 6, "r")], encoder, cfg, token_states=[None])
    # an empty span covers no token: the sentence vector stands in
    x = build_features(text, sentences, vecs, [MentionInput(3, 3, "r")], encoder, cfg)
    assert np.array_equal(x[0, 384:768], x[0, :384])


def test_decoding_is_consistent():
    fine_main = np.array([0, 0, 1, 1, 2])
    p_fine = np.array([[0.05, 0.05, 0.40, 0.35, 0.15], [0.6, 0.1, 0.05, 0.05, 0.2]])
    p_main = np.array([[0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])
    single = decode_roles(p_fine, p_main, fine_main, w=0.5, tau=1.01)
    # row 1: main scores (0.1+0.1)/2, (0.8+0.75)/2, (0.1+0.15)/2 -> Antagonist, its top fine role 2
    # row 2: (0.2+0.7)/2=0.45 beats (0.6+0.2)/2=0.40 -> Protagonist, fine role 0
    assert [(m, f) for m, f, _c, _s in single] == [(1, [2]), (0, [0])]
    double = decode_roles(p_fine, p_main, fine_main, w=0.5, tau=0.8)
    assert double[0][1] == [2, 3]
    main_only = decode_roles(p_fine, p_main, fine_main, w=1.0, tau=1.01)
    assert main_only[1][:2] == (2, [4])


def test_shipped_artifact_predicts_on_the_example(role_model, encoder, example_text):
    meta = role_model.meta
    assert meta["name"] == "roles-minilm-linear" and "do not redistribute" in meta["training_data"]["terms"]
    assert meta["cv"]["folds"] == 5 and 0 < meta["cv"]["emr"] < 1
    start = example_text.index("Bashar al-Assad")
    x = featurize_text(example_text, [(start, start + len("Bashar al-Assad"))], encoder, role_model.features)
    (pred,) = role_model.predict_features(x)
    assert pred.main_role == "Antagonist"
    assert pred.fine_roles and all(role_model.fine_main[role_model.fine_roles.index(r)] == pred.main_role for r in pred.fine_roles)
    assert 0 < pred.confidence <= 1 and abs(sum(pred.fine_scores.values()) - 1) < 0.01
    assert role_model.predict_features(np.zeros((0, role_model.dim))) == []
    with pytest.raises(ModelError, match="expected"):
        role_model.predict_features(np.zeros((1, 5)))


def test_heads_overfit_a_few_examples(taxonomy, encoder):
    roles = ["Guardian", "Tyrant", "Victim", "Deceiver", "Peacemaker", "Corrupt"]
    texts, fine, main = [], [], []
    for role in roles:
        for ex in taxonomy.get(role).examples:
            texts.append((ex.text, ex.entity))
            fine.append(taxonomy.fine_roles.index(role))
            main.append(taxonomy.main_roles.index(taxonomy.main_of(role)))
    cfg = FeatureConfig(blocks=("sent", "name"))
    x = np.concatenate([featurize_text(t, [(t.index(e), t.index(e) + len(e))], encoder, cfg) for t, e in texts])
    y_fine = np.zeros((len(texts), len(taxonomy.fine_roles)), dtype=np.float32)
    y_fine[np.arange(len(texts)), fine] = 1
    heads = fit_heads(x, y_fine, np.array(main))
    p_fine, p_main = heads.proba(x)
    assert (p_fine.argmax(axis=1) == np.array(fine)).all()
    assert (p_main.argmax(axis=1) == np.array(main)).all()


def test_corrupt_artifacts_are_refused(role_model, tmp_path):
    target = tmp_path / "model"
    shutil.copytree(role_model.path, target)
    cfg = json.loads((target / "config.json").read_text())
    cfg["fine_roles"] = cfg["fine_roles"][:-1]
    (target / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ModelError, match="do not match"):
        RoleModel.load(target)
    (target / "weights.safetensors").write_bytes(b"not safetensors")
    with pytest.raises(ModelError):
        RoleModel.load(target)
    with pytest.raises(ModelError, match="missing"):
        RoleModel.load(tmp_path / "nothing")
    newer = tmp_path / "newer"
    shutil.copytree(role_model.path, newer)
    cfg = json.loads((newer / "config.json").read_text())
    cfg["features"]["blocks"].append("syntax")
    (newer / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ModelError, match="unknown feature block.*'syntax'") as info:
        RoleModel.load(newer)
    assert str(newer / "config.json") in str(info.value)


def test_embedding_cache_round_trip(encoder, tmp_path):
    from narrascope.roles.embed_cache import CachedEncoder

    texts = ["Assad fled to Russia.", "Russia", "Assad fled to Russia."]
    cached = CachedEncoder(encoder, tmp_path)
    first = cached.encode(texts)
    assert np.allclose(first, encoder.encode(texts), atol=1e-6) and np.array_equal(first[0], first[2])
    cached.save()
    assert cached.path.exists() and cached.path.parent == tmp_path
    reopened = CachedEncoder(encoder, tmp_path)
    assert np.array_equal(reopened.encode(texts), first)
    assert reopened.encode([]).shape == (0, 384)


def test_packaged_default_is_the_linear_model():
    """The loader's default is the shipped linear artifact (higher CV EMR than the marked ensemble)."""
    from narrascope.roles.loader import load_role_model

    model = load_role_model()
    assert isinstance(model, RoleModel) and model.meta["name"] == "roles-minilm-linear"
