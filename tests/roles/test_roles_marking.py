"""Entity-marked inputs (roles.marking): markers in the right places, every mention exactly once."""

from __future__ import annotations

import pytest

from narrascope.models.artifact import packaged_artifact_dir
from narrascope.roles.marking import group_by_sentence, mark_sentences, marker_ids


@pytest.fixture(scope="module")
def tokenizer():
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(packaged_artifact_dir("minilm-l6-v2-int8") / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


def _tokens(tokenizer, seq) -> list[str]:
    return [tokenizer.id_to_token(i) for i in seq.ids]


TEXT = "Hello world. Syrian rebels seized Damascus, forcing Assad to flee."
SENTENCES = [(0, 12), (13, len(TEXT))]
SPANS = [(13, 26), (34, 42), (51, 56)]  # Syrian rebels, Damascus, Assad


def test_one_sequence_marks_every_mention_of_a_sentence(tokenizer):
    (seq,) = mark_sentences(tokenizer, TEXT, SENTENCES, SPANS, marker_ids(tokenizer))
    tokens = _tokens(tokenizer, seq)
    assert tokens == ["[CLS]", "[unused0]", "syrian", "rebels", "[unused1]", "seized", "[unused0]", "damascus", "[unused1]", ",",
                      "forcing", "[unused0]", "ass", "##ad", "[unused1]", "to", "flee", ".", "[SEP]"]
    assert seq.mentions == {0: 1, 1: 6, 2: 11}
    assert all(tokens[p] == "[unused0]" for p in seq.mentions.values())


def test_long_sentences_become_one_window_per_mention(tokenizer):
    seqs = mark_sentences(tokenizer, TEXT, SENTENCES, SPANS, marker_ids(tokenizer), max_tokens=12)
    assert [sorted(s.mentions) for s in seqs] == [[0], [1], [2]]
    for seq in seqs:
        assert len(seq.ids) <= 12 and seq.ids[0] == tokenizer.token_to_id("[CLS]") and seq.ids[-1] == tokenizer.token_to_id("[SEP]")
        (pos,) = seq.mentions.values()
        assert _tokens(tokenizer, seq)[pos] == "[unused0]" and _tokens(tokenizer, seq).count("[unused0]") == 1


def test_mentions_across_sentences_duplicates_and_odd_spans(tokenizer):
    text = "Russia attacked.\nRussia lost. Kyiv"
    sentences = [(0, 16), (17, 29), (30, 34)]
    spans = [(0, 6), (0, 6), (17, 23), (30, 34), (10, 22)]  # a duplicate and a span crossing a sentence end
    seqs = mark_sentences(tokenizer, text, sentences, spans, marker_ids(tokenizer))
    covered = sorted(k for s in seqs for k in s.mentions)
    assert covered == [0, 1, 2, 3, 4]  # every mention exactly once
    first = next(s for s in seqs if 0 in s.mentions)
    assert first.mentions[0] != first.mentions[1]  # each duplicate gets its own marker
    assert group_by_sentence(sentences, spans) == {0: [0, 1, 4], 1: [2], 2: [3]}
    assert mark_sentences(tokenizer, text, sentences, [], marker_ids(tokenizer)) == []


def test_marker_tokens_must_exist(tokenizer):
    with pytest.raises(KeyError, match="no-such-token"):
        marker_ids(tokenizer, "no-such-token", "[unused1]")
