"""Feature extraction: sentence splitting and TF-IDF identical to scikit-learn's."""

from __future__ import annotations

import numpy as np
import pytest

from narrascope.techniques.features import STYLE_FEATURES, TfidfVocabulary, ngrams, split_sentences, style_features, tokenize


@pytest.mark.parametrize(
    "text, expected",
    [
        ('He said: "This is bad!" Then he left.', ['He said: "This is bad!"', "Then he left."]),
        ("U.S. officials agreed. 3.5 percent rose.", ["U.S. officials agreed.", "3.5 percent rose."]),
        ("line one\n\nline two", ["line one", "line two"]),
        ("", []),
        ("   ", []),
        ("no end punctuation", ["no end punctuation"]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in split_sentences(text)] == expected


def test_tokenize_and_ngrams() -> None:
    assert tokenize("Don’t STOP 3.5 now!") == ["don't", "stop", "3.5", "now"]
    assert ngrams(["a", "b", "c"]) == ["a", "b", "c", "a b", "b c"]


def test_tfidf_matches_scikit_learn() -> None:
    text_mod = pytest.importorskip("sklearn.feature_extraction.text")
    docs = ["the brutal regime fell", "the regime fell fast fast", "a new dawn", "brutal brutal war"]
    vec = text_mod.TfidfVectorizer(analyzer=lambda t: ngrams(tokenize(t)), sublinear_tf=True, dtype=np.float32)
    ref = vec.fit_transform(docs).toarray()
    vocab = TfidfVocabulary(vec.vocabulary_, vec.idf_.astype(np.float32))
    for row, doc in enumerate(docs):
        cols, vals = vocab.transform_one(doc)
        dense = np.zeros(ref.shape[1], dtype=np.float32)
        dense[cols] = vals
        np.testing.assert_allclose(dense, ref[row], rtol=1e-5, atol=1e-6)
    assert len(vocab.transform_one("nothing known here")[0]) == 0


def test_style_features_repetition_signal() -> None:
    texts = ["Title", "Make America great again!", "We will make America great again.", "Unrelated line here."]
    emb = np.eye(4, 8, dtype=np.float32)
    f = style_features(texts, emb, [True, False, False, False])
    assert f.shape == (4, len(STYLE_FEATURES))
    rep = STYLE_FEATURES.index("repeated_bigrams")
    assert f[1, rep] > 0.5 and f[3, rep] == 0.0
    assert f[0, STYLE_FEATURES.index("is_title")] == 1.0
    assert f[1, STYLE_FEATURES.index("exclamation")] == 1.0
    assert style_features([], np.zeros((0, 8), np.float32), []).shape == (0, len(STYLE_FEATURES))
