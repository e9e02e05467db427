"""Build an :class:`~narrascope.doc.Article` from raw text.

Conventions
-----------
* The raw text carries the title on its first non-empty line; readers that get the
  title and the body separately (HTML, JSONL, CSV, feeds) pass ``title + "\\n\\n" + body``
  (see :func:`join_title_body`), so offsets work the same way for every source.
* With boilerplate removal on, the clean text also loses leading and trailing
  whitespace, so it begins with the title line as written in the source; with it off,
  the clean text is the raw text, character for character (SemEval offsets stay valid).
* ``body_start`` is the offset, in the clean text, of the first character after the
  title line and the blank lines that follow it.
* The stable id, unless one is given, is the first 16 hex digits of the SHA-256 of the
  UTF-8 encoded clean text: the same content gives the same id on any machine.
"""

from __future__ import annotations

import hashlib

from narrascope.doc import Article, ArticleMeta
from narrascope.errors import Codes, InputError
from narrascope.ingest.boilerplate import identity_clean
from narrascope.ingest.boilerplate import remove_boilerplate as _remove_boilerplate

__all__ = ["make_article", "content_id", "join_title_body", "one_line"]


def content_id(text: str) -> str:
    """The stable content id: first 16 hex digits of ``sha256(text.encode("utf-8"))``."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def one_line(title: str | None) -> str:
    """A title on one line (runs of whitespace, line breaks included, become one space)."""
    return " ".join((title or "").split())


def join_title_body(title: str | None, body: str) -> str:
    """``title + "\\n\\n" + body`` (the body alone without a title); a body that already begins
    with the title line (e.g. an ``<h1>`` kept by the extractor) does not repeat it."""
    title = one_line(title)
    if not title:
        return body
    first, _, rest = body.lstrip().partition("\n")
    if one_line(first) == title:
        body = rest.lstrip("\r\n")
    return f"{title}\n\n{body}" if body.strip() else title


def _title_line(text: str) -> tuple[int, int] | None:
    """``(start, end)`` of the first non-empty line of ``text`` (end excludes the line break)."""
    pos = 0
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        if text[pos:end].strip():
            return pos, end
        pos = end + 1
    return None


def _skip_blank_lines(text: str, pos: int) -> int:
    """Offset after the line break at ``pos`` and any whitespace-only lines after it."""
    if pos < len(text) and text[pos] == "\n":
        pos += 1
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        if text[pos:end].strip():
            return pos
        pos = end + 1 if nl >= 0 else end
    return min(pos, len(text))


def make_article(
    raw_text: str,
    *,
    title: str | None = None,
    article_id: str | None = None,
    meta: ArticleMeta | None = None,
    remove_boilerplate: bool = True,
    source: str = "<text>",
) -> Article:
    """An :class:`Article` from ``raw_text`` (title on the first non-empty line unless ``title`` is
    given); raises :class:`InputError` N002 naming ``source`` if there is no text."""
    if not isinstance(raw_text, str):
        raise InputError(f"expected text (str), got {type(raw_text).__name__}", code=Codes.BAD_RECORD, source=source)
    if not raw_text.strip():
        raise InputError("no text (empty or only whitespace)", code=Codes.EMPTY_INPUT, source=source)
    clean = _remove_boilerplate(raw_text) if remove_boilerplate else identity_clean(raw_text)
    text = clean.text
    if not text.strip():
        raise InputError("no text left after removing boilerplate", code=Codes.EMPTY_INPUT, source=source)
    line = _title_line(text)
    assert line is not None  # text.strip() is non-empty
    first_line = text[line[0] : line[1]].strip()
    given = one_line(title)
    if given and one_line(first_line) != given:
        body_start = line[0]  # the text has no title line of its own
    else:
        body_start = _skip_blank_lines(text, line[1])
    return Article(
        id=article_id if article_id else content_id(text),
        title=given or first_line,
        raw_text=raw_text,
        text=text,
        body_start=body_start,
        offset_map=clean.offset_map,
        removed=clean.removed,
        meta=meta.model_copy(deep=True) if meta is not None else ArticleMeta(),
    )
