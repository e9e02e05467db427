"""JSONL and CSV files of article records.

A record has ``title`` and ``text`` (or ``html``), and optionally ``id``, ``url``,
``source``, ``published`` and ``author``.  Files are streamed: ``ingest.max_bytes``
limits each record (line or CSV field), not the file.  A bad record becomes a
:class:`ReadFailure` named ``file:LINE`` and the other records are still read.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from narrascope.config.settings import IngestSettings
from narrascope.doc import Article, ArticleMeta
from narrascope.errors import Codes, InputError, NarrascopeError
from narrascope.ingest.failure import ReadFailure
from narrascope.ingest.guards import check_file, check_not_binary, guess_encoding
from narrascope.ingest.make import join_title_body, make_article, one_line

__all__ = ["article_from_record", "read_jsonl_file", "read_csv_file", "RECORD_FIELDS"]

RECORD_FIELDS = ("id", "title", "text", "html", "url", "source", "published", "author")
_HEAD_BYTES = 65_536


def _optional_str(record: Mapping[str, Any], key: str, source: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if key == "id" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise InputError(f"field {key!r} must be a string, got {type(value).__name__}", source=source)
    return value.strip() or None


def article_from_record(record: Mapping[str, Any], *, source: str, fmt: str, settings: IngestSettings) -> Article:
    """An article from one record; raises :class:`InputError` (N007 malformed, N002 no text, N006 HTML without
    article)."""
    if not isinstance(record, Mapping):
        raise InputError(f"record must be an object, got {type(record).__name__}", source=source)
    fields = {k: _optional_str(record, k, source) for k in ("id", "title", "url", "source", "published", "author")}
    meta = ArticleMeta(
        url=fields["url"],
        source=fields["source"],
        published=fields["published"],
        author=fields["author"],
        format=fmt,
        path=source,
    )
    text = record.get("text")
    html = record.get("html")
    for key, value in (("text", text), ("html", html)):
        if value is not None and not isinstance(value, str):
            raise InputError(f"field {key!r} must be a string, got {type(value).__name__}", source=source)
    if text is None and html is None:
        raise InputError("record has neither a 'text' nor an 'html' field", source=source)
    if (text is None or not text.strip()) and html and html.strip():
        from narrascope.ingest.html import article_from_html

        return article_from_html(
            html, source=source, settings=settings, meta=meta, title=fields["title"], article_id=fields["id"],
            url=fields["url"],
        )
    if not text or not text.strip():
        raise InputError("record has no text", code=Codes.EMPTY_INPUT, source=source)
    title = one_line(fields["title"]) or None
    return make_article(
        join_title_body(title, text),
        title=title,
        article_id=fields["id"],
        meta=meta,
        remove_boilerplate=settings.remove_boilerplate,
        source=source,
    )


def _open_checked(path: Path) -> bytes:
    """Whole-file checks for a record file; returns the first bytes."""
    check_file(path)
    with open(path, "rb") as fh:
        head = fh.read(_HEAD_BYTES)
    body = head[3:] if head.startswith(codecs.BOM_UTF8) else head
    if not body.strip():
        raise InputError("file is empty", code=Codes.EMPTY_INPUT, source=str(path))
    check_not_binary(head, source=str(path))
    return head


def _skip_rest_of_line(fh: io.BufferedReader) -> None:
    while chunk := fh.readline(1 << 20):
        if chunk.endswith(b"\n"):
            return


def read_jsonl_file(path: Path, settings: IngestSettings) -> Iterator[Article | ReadFailure]:
    """Articles from a JSONL file (one JSON object per line, UTF-8); bad lines become failures."""
    path = Path(path)
    _open_checked(path)
    limit = settings.max_bytes
    records = 0
    with open(path, "rb") as fh:
        lineno = 0
        while raw := fh.readline(limit + 1):
            lineno += 1
            source = f"{path}:{lineno}"
            if len(raw) > limit and not raw.endswith(b"\n"):
                _skip_rest_of_line(fh)
                yield ReadFailure(
                    source, Codes.TOO_LARGE, f"line is over the limit of {limit:,} bytes (ingest.max_bytes)"
                )
                continue
            if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[3:]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                truncated = exc.end == len(raw) and not raw.endswith(b"\n") and "unexpected end" in exc.reason
                yield ReadFailure(
                    source,
                    Codes.TRUNCATED if truncated else Codes.UNDECODABLE,
                    f"{'truncated' if truncated else 'invalid'} UTF-8 at byte {exc.start} of the line "
                    "(JSONL must be UTF-8)",
                )
                continue
            if not line.strip():
                continue
            records += 1
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield ReadFailure(source, Codes.BAD_RECORD, f"not valid JSON: {exc.msg} (column {exc.colno})")
                continue
            except RecursionError:
                yield ReadFailure(source, Codes.BAD_RECORD, "not valid JSON: nested too deeply")
                continue
            try:
                yield article_from_record(record, source=source, fmt="jsonl", settings=settings)
            except NarrascopeError as exc:
                yield ReadFailure.from_error(exc, source)
    if records == 0:
        raise InputError("file has no records", code=Codes.EMPTY_INPUT, source=str(path))


def _csv_encoding(head: bytes, path: Path, settings: IngestSettings) -> str:
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        if exc.end == len(head) and len(head) == _HEAD_BYTES:  # a character cut by the sample
            return "utf-8-sig"
    encoding = guess_encoding(head, settings.fallback_encodings)
    if encoding is None:
        raise InputError(
            "not UTF-8 and no plausible text in any fallback encoding (ingest.fallback_encodings)",
            code=Codes.UNDECODABLE,
            source=str(path),
        )
    return encoding


def _row_bytes(row: list[str], limit: int) -> int:
    """UTF-8 size of a CSV row (only encoded when its length in characters makes it matter)."""
    chars = sum(len(cell) for cell in row)
    if chars * 4 <= limit:
        return chars
    return sum(len(cell.encode("utf-8", "surrogatepass")) for cell in row)


def read_csv_file(path: Path, settings: IngestSettings) -> Iterator[Article | ReadFailure]:
    """Articles from a CSV file with a header row naming the columns (``text`` or ``html`` required).

    Raises the process-wide ``csv.field_size_limit`` to ``ingest.max_bytes`` if it is lower, so that
    long article texts fit in one field; a row over ``ingest.max_bytes`` is a failure for that row (N004)."""
    path = Path(path)
    head = _open_checked(path)
    encoding = _csv_encoding(head, path, settings)
    if csv.field_size_limit() < settings.max_bytes:
        csv.field_size_limit(settings.max_bytes)
    with open(path, encoding=encoding, errors="strict", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(f"header row cannot be read: {exc}", source=f"{path}:1") from exc
        except StopIteration:
            raise InputError("file has no header row", code=Codes.EMPTY_INPUT, source=str(path)) from None
        columns = [c.strip().lower() for c in header]
        if "text" not in columns and "html" not in columns:
            raise InputError(
                f"header has no 'text' or 'html' column (columns: {', '.join(columns) or 'none'})",
                source=f"{path}:1",
            )
        if len(set(columns)) != len(columns):
            raise InputError("header repeats a column name", source=f"{path}:1")
        records = 0
        last_line = reader.line_num
        while True:
            source = f"{path}:{last_line + 1}"
            try:
                row = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError as exc:
                yield ReadFailure(
                    source, Codes.UNDECODABLE, f"not valid {encoding}: {exc.reason}; the rest of the file was not read"
                )
                break
            except csv.Error as exc:
                code = Codes.TOO_LARGE if "field limit" in str(exc) else Codes.BAD_RECORD
                yield ReadFailure(source, code, f"malformed CSV row: {exc}")
                last_line = reader.line_num
                continue
            last_line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            records += 1
            if _row_bytes(row, settings.max_bytes) > settings.max_bytes:
                yield ReadFailure(
                    source, Codes.TOO_LARGE, f"row is over the limit of {settings.max_bytes:,} bytes (ingest.max_bytes)"
                )
                continue
            if len(row) != len(columns):
                yield ReadFailure(source, Codes.BAD_RECORD, f"row has {len(row)} fields, the header has {len(columns)}")
                continue
            record = {k: v for k, v in zip(columns, row) if k in RECORD_FIELDS}
            try:
                yield article_from_record(record, source=source, fmt="csv", settings=settings)
            except NarrascopeError as exc:
                yield ReadFailure.from_error(exc, source)
    if records == 0:
        raise InputError("file has a header but no records", code=Codes.EMPTY_INPUT, source=str(path))
