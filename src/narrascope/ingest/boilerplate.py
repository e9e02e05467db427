"""Conservative boilerplate removal for text scrapes.

The cues are data (:data:`CUE_GROUPS`), applied as a cascade:

1. **Tail link lists** (``see-also``): a cue line such as ``See Also:``, ``Read more``,
   ``Related articles``, ``More from Reuters`` or ``Most read``, followed only by short
   headline-like lines (short, not ending like a sentence) and other boilerplate lines
   up to the end of the text.  A cue line followed by a body sentence is left alone.
2. **Whole boilerplate lines**, anywhere, but only when the *whole* line matches and is
   short: a dangling ``Watch:`` / ``Video:`` (``watch``), share / follow / subscribe /
   sign-up lines (``share``), cookie and consent banners with their button lines
   (``cookie``), ``Advertisement`` lines (``advertisement``), copyright and
   "all rights reserved" lines (``publisher-notice``), link-widget labels left in the
   text (``READ MORE SUN STORIES``, ``Read More on The Sun``: ``link-widget``), and one-line
   ``Read more: <headline>`` links (``read-more``).
3. **Whitespace**: what is left at the very start (``leading-whitespace``) and the very
   end (``trailing-whitespace``) of the text.

Nothing inside a body paragraph is ever cut.  The clean text is exactly the raw text
minus the removed spans; :class:`CleanResult.offset_map` maps one onto the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from narrascope.doc import OffsetSegment, RemovedSpan

__all__ = ["CueGroup", "CUE_GROUPS", "CleanResult", "remove_boilerplate", "clean_from_spans", "identity_clean"]


@dataclass(frozen=True)
class CueGroup:
    """A named family of boilerplate cues.

    ``where``: ``"tail-list"`` = a cue line that starts a link list running to the end of the
    text; ``"line"`` = a whole line that is boilerplate wherever it stands.
    ``patterns`` are matched (case-insensitively, ``fullmatch``) against the stripped line,
    which must be at most ``max_len`` characters long.  With ``only_next_to``, a matching
    line counts only next to a line already removed for that reason (blank lines and other
    such lines in between), e.g. "Accept all" under a cookie sentence.  ``needs``, if given,
    is a cheap filter run first: the lower-cased line must contain one of these strings.
    """

    reason: str
    where: Literal["tail-list", "line"]
    patterns: tuple[str, ...]
    max_len: int = 160
    only_next_to: str | None = None
    needs: tuple[str, ...] = ()
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        joined = "|".join(f"(?:{p})" for p in self.patterns)
        object.__setattr__(self, "compiled", re.compile(joined, re.IGNORECASE))

    def matches(self, line: str) -> bool:
        stripped = line.strip()
        if not stripped or len(stripped) > self.max_len:
            return False
        if self.needs:
            lower = stripped.lower()
            if not any(n in lower for n in self.needs):
                return False
        return self.compiled.fullmatch(stripped) is not None


_COLON = r"\s*[:：\-–—»›>]*\s*"

CUE_GROUPS: tuple[CueGroup, ...] = (
    CueGroup(
        reason="see-also",
        where="tail-list",
        max_len=80,
        patterns=(
            rf"(see also|read more|read also|also read|more to read|read next|related|related (articles|stories|"
            rf"news|content|coverage|posts|reading|links|topics)|more (stories|news|coverage) ?(on this)?|"
            rf"most (read|popular|viewed|shared)|trending( now| stories)?|recommended( for you| stories)?|"
            rf"you (may|might) also (like|be interested in)|further reading|top stories|latest news|"
            rf"read more [a-z]+ stories|explore more on (these|this) topics?|"
            rf"more on (this|these) (story|stories|topics?)|"
            rf"topics|tags|"
            # a few cues of the other SemEval languages (ru, bg, pt, hi)
            rf"читайте также|смотрите также|по теме|читайте по теме|прочетете (още|също)|вижте (още|също)|"
            rf"още по темата|leia (também|mais)|veja (também|mais)|saiba mais|यह भी पढ़ें|ये भी पढ़ें){_COLON}",
            rf"more from (the )?[\w .&'’-]{{2,50}}{_COLON}",
        ),
    ),
    CueGroup(
        reason="watch",
        where="line",
        max_len=40,
        patterns=(rf"(watch|video|watch video|watch the video|listen|audio|photos|gallery){_COLON}",),
    ),
    CueGroup(
        reason="share",
        where="line",
        max_len=200,
        patterns=(
            r"share( this( article| story| page| post)?| on (facebook|twitter|x|whatsapp|telegram|linkedin|email))"
            r"\s*[:!.]?(\s*(facebook|twitter|x|whatsapp|telegram|linkedin|email|reddit|copy link|[|,·•/]))*",
            r"(follow|join) us on .{2,120}",
            r"(follow|join) \S+( \S+)? on (telegram|twitter|x|facebook|instagram|youtube|vk|tiktok|rumble|odysee|gab"
            r"|truth social|whatsapp|linkedin|threads|bluesky)\b.{0,80}",
            r"you can share this (story|article) on social media\s*:?",
            r"(подписывайтесь|подпишитесь|абонирайте се|последвайте ни|siga-nos|subscreva|assine)"
            r"( на| в| no| a)? .{2,120}",
            r"reuse this content",
            r"(click here to )?subscribe( now)? to (our|the|\S+ (telegram|youtube|newsletter|channel)|\S+'s).{0,150}",
            r"subscribe( now| here| for free)?[.!]?",
            r"sign up (for|to) (our|the|a|\S+'s)? ?.{0,40}(newsletter|briefing|alerts?|updates|emails?|digest|"
            r"bulletin)\b.{0,120}",
            r"sign up (for|to) our .{1,120}",
            r"get (our|the) .{0,60}newsletter.{0,100}",
            r"(copy link|link copied|print this (article|page)|print|e-?mail this( article)?|tweet|share)",
        ),
    ),
    CueGroup(
        reason="cookie",
        where="line",
        max_len=600,
        needs=("cookie", "consent"),
        patterns=(
            # a consent sentence: starts like a banner and says what the site does with cookies
            r"(?=.*\b(uses?|use of|accept|set|sets|store|these|our|essential|necessary|third[- ]party|manage|allow)"
            r"\s+cookies\b|.*\bcookies?\s+(to|policy|settings|notice|preferences|on your device|and similar)\b)"
            r"(we|this|our|by|cookies?|accept|to|you)\b.{0,590}",
            r"we need your consent to (load|show|display) .{0,560}",
            r"(cookie|privacy|consent) (settings|preferences|policy|choices)",
        ),
    ),
    CueGroup(
        reason="cookie",
        where="line",
        max_len=40,
        only_next_to="cookie",
        patterns=(
            r"(accept|reject|decline|allow|manage|customi[sz]e)( all| necessary| essential)?( cookies| settings"
            r"| preferences| options| consent)?",
            r"(i agree|i accept|got it|ok|okay|agree and (close|continue))[.!]?",
        ),
    ),
    CueGroup(
        reason="advertisement",
        where="line",
        max_len=80,
        patterns=(
            r"(advertisement|advertising|\[?ad\]?|sponsored( content)?|ads by \w+)"
            r"(\s*[-–—·•|:]?\s*(scroll|continue reading|story continues).{0,40})?",
            r"(story|article) continues (below|after) (the )?(advertisement|ad)",
            r"continue reading (below|after the (advertisement|ad))",
        ),
    ),
    CueGroup(
        reason="link-widget",
        where="line",
        max_len=60,
        patterns=(r"read more [a-z]+ stories", r"read more on (the )?[\w .'’&-]{2,40}"),
    ),
    CueGroup(
        reason="publisher-notice",
        where="line",
        max_len=160,
        needs=("©", "(c)", "copyright", "rights reserved", "our standards"),
        patterns=(
            r"(©|\(c\)|copyright( ©| \(c\))?)\s*(\d{4}|©).{0,120}",
            r".{0,120}\ball rights reserved\.?",
            r"our standards\s*:\s*the thomson reuters trust principles\.?",
        ),
    ),
    CueGroup(
        reason="read-more",
        where="line",
        max_len=240,
        patterns=(
            r"(read more|read also|also read|see also|more on this|related|читайте также|смотрите также|"
            r"прочетете (още|също)|вижте (още|също)|leia (também|mais)|veja (também|mais)|यह भी पढ़ें|ये भी पढ़ें)"
            r"\s*[:：]\s*\S.*",
        ),
    ),
)

_HEADLINE_MAX = 200
_HEADLINE_MAX_WORDS = 30
_LIST_MAX_LINES = 30


@dataclass
class CleanResult:
    """The clean text, what was removed (offsets into the raw text) and the clean→raw offset map."""

    text: str
    removed: list[RemovedSpan]
    offset_map: list[OffsetSegment]


@dataclass
class _Line:
    start: int  # offset of the first character in raw
    end: int  # offset after the line terminator
    content: str  # without the terminator

    @property
    def blank(self) -> bool:
        return not self.content.strip()


def _lines(raw: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for piece in raw.split("\n"):
        end = pos + len(piece)
        has_nl = end < len(raw)
        out.append(_Line(pos, end + 1 if has_nl else end, piece.rstrip("\r")))
        pos = end + 1
    if out and out[-1].start == len(raw) and not out[-1].content:
        out.pop()  # nothing after the final newline
    return out


_SENTENCE_END = re.compile(r"[.;,:।][\"'”’»)]*$")


def _headline_like(line: str) -> bool:
    s = line.strip()
    return 0 < len(s) <= _HEADLINE_MAX and len(s.split()) <= _HEADLINE_MAX_WORDS


def _list_item_like(line: str) -> bool:
    """A headline in a link list: short, and not ending like a sentence ("... said.", '...war.”')."""
    s = line.strip()
    return _headline_like(s) and not _SENTENCE_END.search(s)


def _group(groups: tuple[CueGroup, ...], reason: str) -> CueGroup | None:
    return next((g for g in groups if g.reason == reason), None)


def _line_reasons(lines: list[_Line], groups: tuple[CueGroup, ...]) -> list[str | None]:
    """The boilerplate reason of every whole line (``None``: keep)."""
    plain = tuple(g for g in groups if g.where == "line" and g.only_next_to is None and g.reason != "read-more")
    neighbours = tuple(g for g in groups if g.where == "line" and g.only_next_to is not None)
    read_more = _group(groups, "read-more")
    reasons: list[str | None] = []
    for line in lines:
        reason = next((g.reason for g in plain if g.matches(line.content)), None)
        # "Read more: <headline>": the part after the colon must look like a headline
        if reason is None and read_more is not None and read_more.matches(line.content):
            if _headline_like(line.content.split(":", 1)[-1]):
                reason = "read-more"
        reasons.append(reason)
    changed = bool(neighbours)
    while changed:
        changed = False
        for i, line in enumerate(lines):
            if reasons[i] is not None or line.blank:
                continue
            group = next((g for g in neighbours if g.matches(line.content)), None)
            if group is None:
                continue
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(lines) and lines[j].blank:
                    j += step
                if 0 <= j < len(lines) and reasons[j] == group.only_next_to:
                    reasons[i] = group.reason
                    changed = True
                    break
    return reasons


def _tail_list(lines: list[_Line], reasons: list[str | None], groups: tuple[CueGroup, ...]) -> list[int]:
    """Indices of the lines of a link list (cue + headlines) that runs to the end of the text."""
    cues = [g for g in groups if g.where == "tail-list"]
    if not cues:
        return []

    def inline_cue(text: str) -> bool:
        head, sep, rest = text.partition(":")
        return bool(sep) and any(c.matches(head + ":") for c in cues) and _headline_like(rest)

    members: list[int] = []
    pending: list[int] = []
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if line.blank or (reasons[i] is not None and reasons[i] != "read-more"):
            continue
        if any(c.matches(line.content) for c in cues):
            members.extend(pending + [i])  # the cue opens the list of headlines below it
            pending = []
            continue
        if inline_cue(line.content):  # "Read more: <headline>" is an item of its own
            if pending:
                break  # the short lines below it are not part of any list
            members.append(i)
            continue
        if _list_item_like(line.content) and len(pending) < _LIST_MAX_LINES:
            pending.append(i)
            continue
        break
    return sorted(members)


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    spans = sorted(s for s in spans if s[1] > s[0])
    out: list[tuple[int, int, str]] = []
    for start, end, reason in spans:
        if out and start <= out[-1][1]:
            prev = out[-1]
            if reason == prev[2] or start < prev[1]:
                out[-1] = (prev[0], max(prev[1], end), prev[2])
                continue
        out.append((start, end, reason))
    return out


def clean_from_spans(raw: str, spans: list[tuple[int, int, str]], *, strip_edges: bool = True) -> CleanResult:
    """Build a :class:`CleanResult` that cuts ``spans`` (``(start, end, reason)`` in ``raw``) and,
    with ``strip_edges``, the whitespace left at the start and the end."""
    merged = _merge(spans)
    keep: list[tuple[int, int]] = []
    pos = 0
    for start, end, _ in merged:
        if start > pos:
            keep.append((pos, start))
        pos = max(pos, end)
    if pos < len(raw):
        keep.append((pos, len(raw)))
    extra: list[tuple[int, int, str]] = []
    if strip_edges:
        # trailing whitespace of the kept text, walking back over kept ranges
        while keep:
            a, b = keep[-1]
            stripped = len(raw[a:b].rstrip())
            if a + stripped < b:
                extra.append((a + stripped, b, "trailing-whitespace"))
            if stripped == 0:
                keep.pop()
                continue
            keep[-1] = (a, a + stripped)
            break
        while keep:
            a, b = keep[0]
            n = len(raw[a:b]) - len(raw[a:b].lstrip())
            if n:
                extra.append((a, a + n, "leading-whitespace"))
            if a + n >= b:
                keep.pop(0)
                continue
            keep[0] = (a + n, b)
            break
    removed_spans = _merge(merged + extra)
    removed = [RemovedSpan(start=s, end=e, text=raw[s:e], reason=r) for s, e, r in removed_spans]
    offset_map: list[OffsetSegment] = []
    parts: list[str] = []
    clean_pos = 0
    for a, b in keep:
        offset_map.append(OffsetSegment(clean_start=clean_pos, raw_start=a, length=b - a))
        parts.append(raw[a:b])
        clean_pos += b - a
    return CleanResult(text="".join(parts), removed=removed, offset_map=offset_map)


def identity_clean(raw: str) -> CleanResult:
    """No removal: the clean text is the raw text."""
    return CleanResult(text=raw, removed=[], offset_map=[OffsetSegment(clean_start=0, raw_start=0, length=len(raw))])


def remove_boilerplate(raw: str, *, groups: tuple[CueGroup, ...] = CUE_GROUPS) -> CleanResult:
    """Remove boilerplate from ``raw`` (see the module docstring for the cascade)."""
    lines = _lines(raw)
    reasons = _line_reasons(lines, groups)
    spans: list[tuple[int, int, str]] = []
    for i in _tail_list(lines, reasons, groups):
        reasons[i] = "see-also"
    for i, (line, reason) in enumerate(zip(lines, reasons)):
        if reason is None:
            continue
        end = line.end
        j = i + 1
        while j < len(lines) and lines[j].blank:
            j += 1
        # take the blank lines that follow when the block started after a blank line (or at the
        # start): "para\n\nAdvertisement\n\npara" becomes "para\n\npara"; and when the next
        # line is removed too, so that one block of boilerplate is one span
        if j > i + 1 and (i == 0 or lines[i - 1].blank or (j < len(lines) and reasons[j] is not None)):
            end = lines[j - 1].end
        spans.append((line.start, end, reason))
    return clean_from_spans(raw, spans)
