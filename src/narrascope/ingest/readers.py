"""Read articles from paths: files of any supported format and directories (recursively).

Dispatch is by extension, then by content for the rest:

=====================================  ========
``.txt`` ``.text`` ``.md``, no suffix  text
``.html`` ``.htm`` ``.xhtml``          html
``.jsonl`` ``.ndjson``                 jsonl
``.csv``                               csv
``.parquet``                           parquet
``.xml`` ``.rss`` ``.atom``            feed
=====================================  ========

A text-like file whose content begins with ``<?xml``/``<rss``/``<feed``/``<rdf:RDF``
is read as a feed, one beginning with ``<!doctype html``/``<html`` as HTML; any other
suffix is sniffed the same way and otherwise read as text (binary files then fail
with N003).  Directories are walked in sorted order, skipping hidden entries.
Nothing raises: every problem is yielded as a :class:`ReadFailure`.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from narrascope.config.settings import IngestSettings
from narrascope.doc import Article
from narrascope.errors import Codes, NarrascopeError
from narrascope.ingest.failure import ReadFailure

__all__ = ["ReadFailure", "read_paths", "read_file", "detect_format", "EXTENSIONS"]

EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    "": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}
#: Suffixes that are never articles (an unambiguous N009 beats a confusing decode error).
_UNSUPPORTED = {".json": "a single JSON document (use JSONL: one record per line)"}
_FEED_HEAD = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<rss\b|<feed\b|<rdf:RDF\b)", re.IGNORECASE | re.DOTALL
)
_XML_FEED_ANYWHERE = re.compile(rb"<rss\b|<feed\b|<rdf:RDF\b", re.IGNORECASE)
_HTML_HEAD = re.compile(rb"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html\b)", re.IGNORECASE | re.DOTALL)
_SNIFF = 4096


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            head = fh.read(_SNIFF)
    except OSError:
        return b""
    if head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    return head


def detect_format(path: Path) -> str:
    """``text``, ``html``, ``jsonl``, ``csv`` or ``feed`` for ``path`` (N009 for a known unsupported suffix)."""
    suffix = path.suffix.lower()
    if suffix in _UNSUPPORTED:
        from narrascope.errors import InputError

        raise InputError(
            f"unsupported file type: {_UNSUPPORTED[suffix]}", code=Codes.UNSUPPORTED_FORMAT, source=str(path)
        )
    fmt = EXTENSIONS.get(suffix)
    if fmt in {"html", "jsonl", "csv", "feed", "parquet"} or not path.is_file():  # never open a pipe or device to sniff
        return fmt or "text"
    head = _head(path)
    if _FEED_HEAD.match(head) or (head.lstrip().startswith(b"<?xml") and _XML_FEED_ANYWHERE.search(head)):
        return "feed"
    if _HTML_HEAD.match(head):
        return "html"
    return "text"


def _readers() -> dict[str, Callable[[Path, IngestSettings], Article | Iterator[Article | ReadFailure]]]:
    from narrascope.ingest.feeds import read_feed_file
    from narrascope.ingest.html import read_html_file
    from narrascope.ingest.parquet import read_parquet_file
    from narrascope.ingest.records import read_csv_file, read_jsonl_file
    from narrascope.ingest.text import read_text_file

    return {
        "text": read_text_file,
        "html": read_html_file,
        "jsonl": read_jsonl_file,
        "csv": read_csv_file,
        "feed": read_feed_file,
        "parquet": read_parquet_file,
    }


#: Code for an unexpected error inside a format's parser.
_FORMAT_CODES = {
    "text": Codes.UNDECODABLE,
    "html": Codes.NO_ARTICLE,
    "jsonl": Codes.BAD_RECORD,
    "csv": Codes.BAD_RECORD,
    "feed": Codes.BAD_FEED,
    "parquet": Codes.BAD_RECORD,
}


def read_file(path: Path, settings: IngestSettings) -> Iterator[Article | ReadFailure]:
    """Articles and failures from one file; never raises for a bad input."""
    source = str(path)
    fmt = "text"
    try:
        fmt = detect_format(path)
        result = _readers()[fmt](path, settings)
        if isinstance(result, Article):
            yield result
        else:
            yield from result
    except NarrascopeError as exc:
        yield ReadFailure.from_error(exc, source)
    except RecursionError:
        yield ReadFailure(source, _FORMAT_CODES[fmt], f"{fmt} input is nested too deeply to parse")
    except (OSError, ValueError, LookupError, TypeError, AttributeError) as exc:  # a parser choking on odd input
        yield ReadFailure(source, _FORMAT_CODES[fmt], f"could not read {fmt}: {type(exc).__name__}: {exc}")


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _walk(directory: Path, seen: set[str]) -> Iterator[Path | ReadFailure]:
    real = os.path.realpath(directory)
    if real in seen:  # a symlink loop
        return
    seen.add(real)
    try:
        children = sorted(directory.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        yield ReadFailure(str(directory), Codes.MISSING_PATH, f"cannot list directory: {exc.strerror or exc}")
        return
    for child in children:
        if _is_hidden(child.name):
            continue
        if child.is_dir():
            yield from _walk(child, seen)
        else:
            yield child


def read_paths(paths: Iterable[str | Path], settings: IngestSettings) -> Iterator[Article | ReadFailure]:
    """Articles (with ``meta.format`` and ``meta.path`` set) and :class:`ReadFailure` s from files and
    directories, in the order given (directories: sorted, recursive, hidden entries skipped).
    One bad input never stops the others."""
    seen: set[str] = set()
    for item in paths:
        path = Path(item)
        if path.is_dir():
            for child in _walk(path, seen):
                if isinstance(child, ReadFailure):
                    yield child
                else:
                    yield from read_file(child, settings)
        elif not path.exists() and not path.is_symlink():
            yield ReadFailure(str(path), Codes.MISSING_PATH, "path does not exist")
        else:
            yield from read_file(path, settings)
