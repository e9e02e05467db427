"""RSS and Atom feeds read from a local file (feedparser): one article per entry.

An entry's text is its full content if present, else its summary, with the HTML
stripped.  Broken entries become failures named ``file#entry N`` (1-based); a file
that is not a feed raises N008.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from narrascope.config.settings import IngestSettings
from narrascope.doc import Article, ArticleMeta
from narrascope.errors import Codes, InputError, NarrascopeError
from narrascope.ingest.failure import ReadFailure
from narrascope.ingest.guards import read_input_bytes
from narrascope.ingest.html import html_fragment_to_text
from narrascope.ingest.make import join_title_body, make_article, one_line

__all__ = ["read_feed_file", "parse_feed"]

_HARMLESS_BOZO = ("CharacterEncodingOverride", "NonXMLContentType")


def parse_feed(data: bytes, *, source: str) -> Any:
    """Parse feed bytes with feedparser (never fetches anything); N008 if it is not a feed."""
    import feedparser

    parsed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=True)
    if not parsed.entries and not parsed.get("version"):
        why = parsed.get("bozo_exception")
        detail = f" ({type(why).__name__}: {why})" if why else ""
        raise InputError(f"not an RSS or Atom feed{detail}", code=Codes.BAD_FEED, source=source)
    return parsed


def _text_of(detail: Any, value: str) -> str:
    """Plain text of a feed field: HTML (as feedparser types it) is stripped, plain text kept as is."""
    kind = detail.get("type", "") if isinstance(detail, dict) else ""
    if "html" in kind or (not kind and "<" in value):
        return html_fragment_to_text(value)
    return value.strip()


def _iso(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)
    return entry.get("published") or entry.get("updated") or None


def _entry_article(entry: Any, n: int, *, path: str, feed_title: str | None, settings: IngestSettings) -> Article:
    source = f"{path}#entry {n}"
    raw_title = entry.get("title") or ""
    title = one_line(_text_of(entry.get("title_detail"), raw_title)) if raw_title else ""
    body = ""
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if value.strip():
            body = _text_of(content, value)
            break
    if not body.strip() and entry.get("summary"):
        body = _text_of(entry.get("summary_detail"), entry["summary"])
    if not body.strip():
        what = f"entry {title!r}" if title else "entry"
        raise InputError(f"{what} has no content or summary text", code=Codes.BAD_FEED, source=source)
    meta = ArticleMeta(
        url=entry.get("link") or None,
        source=feed_title,
        author=entry.get("author") or None,
        published=_iso(entry),
        format="feed",
        path=source,
    )
    return make_article(
        join_title_body(title, body),
        title=title or None,
        meta=meta,
        remove_boilerplate=settings.remove_boilerplate,
        source=source,
    )


def read_feed_file(path: Path, settings: IngestSettings) -> Iterator[Article | ReadFailure]:
    """Articles from the entries of a local RSS/Atom file; broken entries and broken XML become failures."""
    source = str(path)
    data = read_input_bytes(Path(path), max_bytes=settings.max_bytes)
    parsed = parse_feed(data, source=source)
    feed_title = one_line(parsed.feed.get("title")) or None
    for n, entry in enumerate(parsed.entries, 1):
        try:
            yield _entry_article(entry, n, path=source, feed_title=feed_title, settings=settings)
        except NarrascopeError as exc:
            yield ReadFailure.from_error(exc, f"{source}#entry {n}")
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        if type(exc).__name__ not in _HARMLESS_BOZO:
            yield ReadFailure(
                source,
                Codes.BAD_FEED,
                f"feed XML is malformed ({type(exc).__name__}: {exc}); "
                f"{len(parsed.entries)} entries were read before it",
            )
    if not parsed.entries:
        raise InputError("feed has no entries", code=Codes.EMPTY_INPUT, source=source)
