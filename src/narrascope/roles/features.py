"""Feature vectors for entity mentions, built from sentence embeddings.

A mention's vector concatenates (each block L2-normalised, 384-d for MiniLM):

* ``sent``   the sentence that contains the mention,
* ``entity`` the mean of every sentence that mentions the same entity (its "story"),
* ``doc``    the mean of all sentences (what the article is about),
* ``name``   the mention's own text encoded alone (who it is),
* ``near``   (optional) the mean of the sentences before and after it,
* ``window`` (optional) a few words either side of the mention, encoded,
* ``span``   (optional) the encoder's final token states over the mention, read in its
  sentence (mean of the tokens it overlaps): the only block that differs between two
  entities of one sentence ("rebels seized Damascus, forcing Assad to flee"),
* ``entity_span`` (optional) the mean of the ``span`` vectors of every mention of the entity
  (context mentions included, as for ``entity``),

plus a few position scalars (:data:`SCALARS`).  The blocks used are part of the
model's config.  Sentence vectors are reused when the pipeline has them; only the
names (and windows) are encoded here, once per distinct string; the ``span`` block
takes the token states of the sentences that hold mentions from ``token_states`` when
the caller encoded them already, and otherwise runs those sentences again
(``encoder.encode_tokens``).
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from narrascope.models.encoder import TokenStates

__all__ = [
    "Encoder",
    "BLOCKS",
    "MentionInput",
    "FeatureConfig",
    "split_sentence_spans",
    "sentence_of",
    "mention_window",
    "build_features",
    "feature_dim",
    "SCALARS",
    "surface_group",
    "featurize_text",
]


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class MentionInput:
    """One mention: ``[start, end)`` in the text, and the key of its entity (mentions of one entity share it)."""

    start: int
    end: int
    group: str


@dataclass(frozen=True)
class FeatureConfig:
    blocks: tuple[str, ...] = ("sent", "near", "entity", "doc", "name")
    window_words: int = 8  # words either side for the "window" block

    @property
    def reads_token_states(self) -> bool:
        """Whether a block reads the encoder's token states (``span``, ``entity_span``)."""
        return "span" in self.blocks or "entity_span" in self.blocks

    def to_dict(self) -> dict[str, object]:
        return {"blocks": list(self.blocks), "window_words": self.window_words}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> "FeatureConfig":
        return cls(blocks=tuple(data.get("blocks", cls.blocks)), window_words=int(data.get("window_words", 8)))  # type: ignore[arg-type]


#: every feature block :func:`build_features` knows (a model's config names the ones it uses)
BLOCKS = ("sent", "near", "entity", "doc", "name", "window", "span", "entity_span")

SCALARS = ("sentence_position", "in_first_sentence", "offset_in_sentence", "starts_sentence", "log_group_mentions")

_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\s+(?=[\"'“‘«(\[]?[A-Z0-9А-ЯЁ])")


def split_sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence ``[start, end)`` spans: every non-empty line, split after ``.!?`` before a capital.

    Used where no pipeline sentences exist (official files, training data).  Spans are
    stripped of surrounding whitespace, so CR characters never end up inside a span's ends.
    """
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\r\n]+", text):
        pieces = []
        pos = line.start()
        for m in _BOUNDARY.finditer(line.group()):
            pieces.append((pos, line.start() + m.start()))
            pos = line.start() + m.end()
        pieces.append((pos, line.end()))
        for s, e in pieces:
            chunk = text[s:e]
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk) - len(chunk.rstrip())
            if e - trail > s + lead:
                spans.append((s + lead, e - trail))
    return spans


def sentence_of(spans: Sequence[tuple[int, int]], start: int) -> int:
    """Index of the sentence containing offset ``start`` (or the nearest one before it)."""
    starts = [s for s, _e in spans]
    return max(bisect.bisect_right(starts, start) - 1, 0)


def mention_window(text: str, start: int, end: int, words: int) -> str:
    """``words`` words either side of ``text[start:end]`` (same line breaks flattened)."""
    left = text[max(0, start - 12 * words) : start].split()[-words:] if words else []
    right = text[end : end + 12 * words].split()[:words] if words else []
    return " ".join([*left, text[start:end], *right])


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-12 else v


def feature_dim(config: FeatureConfig, dim: int) -> int:
    return len(config.blocks) * dim + len(SCALARS)


def build_features(
    text: str,
    sentences: Sequence[tuple[int, int]],
    sentence_vectors: np.ndarray,
    mentions: Sequence[MentionInput],
    encoder: Encoder,
    config: FeatureConfig,
    *,
    context_mentions: Sequence[MentionInput] = (),
    name_cache: dict[str, np.ndarray] | None = None,
    token_states: Sequence[TokenStates | None] | None = None,
) -> np.ndarray:
    """``(len(mentions), feature_dim)`` float32 features for the mentions of one text.

    ``sentences`` are ``[start, end)`` spans with one row each in ``sentence_vectors``.
    ``context_mentions`` are further mentions of the same entities that get no row but
    count for the ``entity`` block (e.g. every occurrence of a name in the text).
    ``name_cache`` (surface string -> vector) lets callers share name encodings.
    ``token_states`` (one per sentence, or ``None``) are the sentences' token states when
    the caller has them; the ``span`` and ``entity_span`` blocks encode the missing ones they need.
    """
    n_sent = len(sentences)
    vectors = np.asarray(sentence_vectors, dtype=np.float32)
    if n_sent == 0 or vectors.shape[0] != n_sent:
        raise ValueError(f"need one vector per sentence (got {vectors.shape[0]} vectors for {n_sent} sentences)")
    dim = vectors.shape[1]
    out = np.zeros((len(mentions), feature_dim(config, dim)), dtype=np.float32)
    if not mentions:
        return out
    sent_idx = [sentence_of(sentences, m.start) for m in mentions]
    groups: dict[str, set[int]] = {}
    group_count: dict[str, int] = {}
    members: dict[str, list[tuple[int, int]]] = {}
    seen_spans: set[tuple[int, int, str]] = set()
    for m in [*mentions, *context_mentions]:
        if (m.start, m.end, m.group) in seen_spans:
            continue
        seen_spans.add((m.start, m.end, m.group))
        groups.setdefault(m.group, set()).add(sentence_of(sentences, m.start))
        group_count[m.group] = group_count.get(m.group, 0) + 1
        members.setdefault(m.group, []).append((m.start, m.end))
    doc_vec = _unit(vectors.mean(axis=0))
    group_vec = {g: _unit(vectors[sorted(idx)].mean(axis=0)) for g, idx in groups.items()}

    encoded: dict[str, np.ndarray] = {} if name_cache is None else name_cache
    wanted: list[str] = []
    if "name" in config.blocks:
        wanted += [text[m.start : m.end] for m in mentions]
    windows = [mention_window(text, m.start, m.end, config.window_words) for m in mentions] if "window" in config.blocks else []
    wanted += windows
    todo = list(dict.fromkeys(t for t in wanted if t not in encoded))
    if todo:
        for t, v in zip(todo, encoder.encode(todo)):
            encoded[t] = v

    states: dict[int, TokenStates] = {}
    group_span: dict[str, np.ndarray] = {}
    if config.reads_token_states:
        wanted_groups = {m.group for m in mentions} if "entity_span" in config.blocks else set()
        need = set(sent_idx) | {sentence_of(sentences, a) for g in wanted_groups for a, _b in members[g]}
        states = _sentence_states(text, sentences, sorted(need), encoder, token_states)

        def span_of(start: int, end: int) -> np.ndarray:
            # the sentence vector stands in when no token of the sentence covers the mention
            j = sentence_of(sentences, start)
            v = states[j].span_vector(start - sentences[j][0], end - sentences[j][0])
            return vectors[j] if v is None else v

        group_span = {g: _unit(np.mean([span_of(a, b) for a, b in members[g]], axis=0)) for g in wanted_groups}

    for row, (m, i) in enumerate(zip(mentions, sent_idx)):
        blocks: list[np.ndarray] = []
        for block in config.blocks:
            if block == "sent":
                blocks.append(vectors[i])
            elif block == "near":
                near = [vectors[j] for j in (i - 1, i + 1) if 0 <= j < n_sent]
                blocks.append(_unit(np.mean(near, axis=0)) if near else vectors[i])
            elif block == "entity":
                blocks.append(group_vec[m.group])
            elif block == "doc":
                blocks.append(doc_vec)
            elif block == "name":
                blocks.append(encoded[text[m.start : m.end]])
            elif block == "window":
                blocks.append(encoded[windows[row]])
            elif block == "span":
                blocks.append(span_of(m.start, m.end))
            elif block == "entity_span":
                blocks.append(group_span[m.group])
            else:
                raise ValueError(f"unknown feature block {block!r}")
        s, e = sentences[i]
        scalars = [
            i / max(n_sent - 1, 1),
            1.0 if i == 0 else 0.0,
            (m.start - s) / max(e - s, 1),
            1.0 if m.start - s <= 4 else 0.0,
            math.log1p(group_count[m.group]) / 3.0,
        ]
        out[row] = np.concatenate([*blocks, np.asarray(scalars, dtype=np.float32)])
    return out


def _sentence_states(
    text: str,
    sentences: Sequence[tuple[int, int]],
    wanted: Sequence[int],
    encoder: Encoder,
    given: Sequence[TokenStates | None] | None,
) -> dict[int, TokenStates]:
    """Token states of the sentences ``wanted`` (indices): from ``given`` where it has them, else encoded."""
    if given is not None and len(given) != len(sentences):
        raise ValueError(f"need one token-states entry per sentence (got {len(given)} for {len(sentences)} sentences)")
    found = {i: given[i] for i in wanted if given is not None and given[i] is not None}
    todo = [i for i in wanted if i not in found]
    if todo:
        encode_tokens = getattr(encoder, "encode_tokens", None)
        if encode_tokens is None:
            raise ValueError(f"a 'span' or 'entity_span' block needs an encoder with encode_tokens(); {type(encoder).__name__} has none")
        for i, states in zip(todo, encode_tokens([text[sentences[i][0] : sentences[i][1]] for i in todo])):
            found[i] = states
    return found  # type: ignore[return-value]


def surface_group(surface: str) -> str:
    """Group key for a mention known only by its text (official files): case-folded, spaces collapsed."""
    return " ".join(surface.casefold().split())


def featurize_text(
    text: str,
    spans: Sequence[tuple[int, int]],
    encoder: Encoder,
    config: FeatureConfig,
    *,
    name_cache: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Features for mentions given only as ``[start, end)`` spans of a raw text (official mode, training).

    Sentences come from :func:`split_sentence_spans`; mentions with the same surface form
    count as one entity, and every other occurrence of that surface in the text adds to
    the entity's context.
    """
    sentences = split_sentence_spans(text)
    if not sentences:
        sentences = [(0, len(text))]
    vectors = encoder.encode([text[s:e] for s, e in sentences])
    mentions = [MentionInput(s, e, surface_group(text[s:e])) for s, e in spans]
    context: list[MentionInput] = []
    for surface in dict.fromkeys(text[s:e] for s, e in spans):
        if not surface.strip():
            continue
        pos = text.find(surface)
        while pos >= 0:
            context.append(MentionInput(pos, pos + len(surface), surface_group(surface)))
            pos = text.find(surface, pos + 1)
    return build_features(text, sentences, vectors, mentions, encoder, config, context_mentions=context, name_cache=name_cache)
