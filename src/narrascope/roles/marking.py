"""Entity-marked model inputs: one token sequence per sentence, every mention in it marked.

A sentence's WordPiece tokens get a start marker (``[unused0]``) before and an end marker
(``[unused1]``) after every mention it contains, so one encoder pass serves all of the
sentence's mentions; a mention is then read at its start marker.  Sequences are
``[CLS] tokens [SEP]`` (no padding).  A sentence longer than ``max_tokens`` is cut into
windows centred on its mentions (one sequence per window).  Training and inference use
this same function, so the inputs never differ between the two.

Only ``tokenizers`` and the standard library are used (no torch, no numpy).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["MarkedSequence", "MarkerIds", "marker_ids", "mark_sentences", "group_by_sentence"]


@dataclass(frozen=True)
class MarkerIds:
    cls: int
    sep: int
    start: int  # token put before a mention
    end: int  # token put after a mention


@dataclass
class MarkedSequence:
    """Token ids of one marked sentence (or window) and, per mention index, its start-marker position."""

    ids: list[int]
    mentions: dict[int, int]  # mention index (in the caller's list) -> position of its start marker


def marker_ids(tokenizer: Any, start: str = "[unused0]", end: str = "[unused1]") -> MarkerIds:
    """Look up the special ids in ``tokenizer`` (a ``tokenizers.Tokenizer``); ``KeyError`` if one is missing."""
    ids = {t: tokenizer.token_to_id(t) for t in ("[CLS]", "[SEP]", start, end)}
    missing = [t for t, i in ids.items() if i is None]
    if missing:
        raise KeyError(f"tokenizer has no {', '.join(missing)}")
    return MarkerIds(ids["[CLS]"], ids["[SEP]"], ids[start], ids[end])


def group_by_sentence(sentences: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]) -> dict[int, list[int]]:
    """Sentence index -> indices of the mention spans starting inside it (or in the nearest sentence before)."""
    starts = [s for s, _e in sentences]
    out: dict[int, list[int]] = {}
    for k, (s, _e) in enumerate(spans):
        out.setdefault(max(bisect.bisect_right(starts, s) - 1, 0), []).append(k)
    return out


def _token_range(offsets: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """First and one-past-last token overlapping ``[start, end)`` (an empty overlap gives the nearest token)."""
    first = last = None
    for i, (a, b) in enumerate(offsets):
        if b > start and a < end:
            if first is None:
                first = i
            last = i + 1
    if first is None or last is None:
        pos = bisect.bisect_left([a for a, _b in offsets], start)
        pos = min(pos, max(len(offsets) - 1, 0))
        return pos, pos + 1 if offsets else pos
    return first, last


def _build(
    tok_ids: Sequence[int], ranges: dict[int, tuple[int, int]], lo: int, hi: int, m: MarkerIds, prefix: Sequence[int] = ()
) -> MarkedSequence:
    """``[CLS] prefix [SEP]?`` + tokens ``lo..hi`` with markers around the given token ranges (clipped to the window)."""
    before: dict[int, list[int]] = {}
    after: dict[int, int] = {}
    for k, (a, b) in ranges.items():
        a, b = max(a, lo), min(max(b, a + 1), hi)
        before.setdefault(a, []).append(k)
        after[b] = after.get(b, 0) + 1
    ids = [m.cls, *prefix, m.sep] if prefix else [m.cls]
    positions: dict[int, int] = {}
    for i in range(lo, hi + 1):
        ids.extend([m.end] * after.get(i, 0))
        for k in before.get(i, []):
            positions[k] = len(ids)
            ids.append(m.start)
        if i < hi:
            ids.append(tok_ids[i])
    ids.append(m.sep)
    return MarkedSequence(ids, positions)


def mark_sentences(
    tokenizer: Any,
    text: str,
    sentences: Sequence[tuple[int, int]],
    spans: Sequence[tuple[int, int]],
    markers: MarkerIds,
    *,
    max_tokens: int = 128,
    context: str = "sentence",
    prefix_tokens: int = 32,
) -> list[MarkedSequence]:
    """Marked sequences covering every mention span in ``spans`` (``[start, end)`` offsets into ``text``).

    ``tokenizer`` must not add special tokens nor pad (call ``no_padding()``/``no_truncation()``).
    Every mention index appears in exactly one returned sequence.
    """
    budget = max(max_tokens - 2, 8)
    out: list[MarkedSequence] = []
    title: list[int] = []
    if context == "title" and sentences:
        s0, e0 = sentences[0]
        title = list(tokenizer.encode(text[s0:e0], add_special_tokens=False).ids)[:prefix_tokens]
    elif context != "sentence":
        raise ValueError(f"unknown context {context!r}")
    for sent, members in sorted(group_by_sentence(sentences, spans).items()):
        prefix = title if sent > 0 else []
        s, e = sentences[sent] if sentences else (0, len(text))
        e = max(e, max(spans[k][1] for k in members))
        enc = tokenizer.encode(text[s:e], add_special_tokens=False)
        tok_ids, offsets = list(enc.ids), [(a + s, b + s) for a, b in enc.offsets]
        ranges = {k: _token_range(offsets, *spans[k]) for k in members}
        n_markers = 2 * len(members)
        room = budget - (len(prefix) + 1 if prefix else 0)
        if len(tok_ids) + n_markers <= room:
            out.append(_build(tok_ids, ranges, 0, len(tok_ids), markers, prefix))
            continue
        # too long: one window per mention, centred on it
        width = max(room - 2, 4)
        for k in members:
            a, b = ranges[k]
            lo = max(0, min((a + b) // 2 - width // 2, len(tok_ids) - width))
            seq = _build(tok_ids, {k: (a, b)}, lo, min(lo + width, len(tok_ids)), markers, prefix)
            out.append(seq)
    return out
