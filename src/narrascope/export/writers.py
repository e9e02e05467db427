"""Streaming exports of stored articles to JSONL (full records), CSV and Parquet (flat columns).

Files are written to a temporary file next to the target and renamed into place at the
end, so a failure never leaves a half-written export; an existing file is only replaced
with ``force=True``.  Without a path, JSONL and CSV go to standard output.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Literal

from narrascope.doc import Article
from narrascope.errors import Codes, ConfigError, StoreError
from narrascope.store.base import Store
from narrascope.store.records import article_status, entities_text

__all__ = ["export_articles", "FLAT_COLUMNS", "ExportFormat", "flat_row"]

ExportFormat = Literal["jsonl", "csv", "parquet"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet")

#: Columns of CSV and Parquet exports (Parquet adds ``record``, the full JSON).
FLAT_COLUMNS: tuple[str, ...] = (
    "id", "title", "source", "url", "published", "language", "status", "text", "entities", "n_entities",
)

_BATCH = 500
_ROW_GROUP_BYTES = 64 * 1024 * 1024


def flat_row(article: Article) -> dict[str, Any]:
    """The flat columns of one article (CSV/Parquet)."""
    return {
        "id": article.id,
        "title": article.title,
        "source": article.meta.source,
        "url": article.meta.url,
        "published": article.meta.published,
        "language": article.language,
        "status": article_status(article),
        "text": article.text,
        "entities": entities_text(article),
        "n_entities": len(article.entities),
    }


def export_articles(
    store: Store,
    out: Path | None,
    *,
    format: ExportFormat,
    force: bool = False,
    ids: Iterable[str] | None = None,
) -> int:
    """Write the stored articles (or only ``ids``, in that order) to ``out``; returns rows written.

    ``out=None`` writes JSONL/CSV to standard output (Parquet needs a path).  Raises
    StoreError S006 when ``out`` exists and ``force`` is false, S004 when an id is not stored,
    S002 when the file cannot be written.
    """
    if format not in FORMATS:
        raise ConfigError(f"export format must be one of {', '.join(FORMATS)}, not {format!r}", source="--format")
    if format == "parquet" and out is None:
        raise ConfigError("parquet export needs an output file (--out PATH)", source="--format parquet")
    articles = _articles(store, ids)
    if out is None:
        stream = sys.stdout
        if format == "jsonl":
            return _write_jsonl(articles, stream)
        return _write_csv(articles, stream)
    out = Path(out).expanduser()
    _check_target(out, force)
    return _atomic_write(out, format, articles)


def _articles(store: Store, ids: Iterable[str] | None) -> Iterator[Article]:
    if ids is None:
        return store.iter_articles(batch_size=_BATCH)
    wanted = list(dict.fromkeys(ids))
    missing = set(wanted) - store.has(wanted)
    if missing:
        shown = ", ".join(repr(i) for i in sorted(missing)[:5]) + (" ..." if len(missing) > 5 else "")
        raise StoreError(
            f"{len(missing)} id(s) not in the store: {shown}; nothing was exported",
            code=Codes.NOT_FOUND,
            source=store.location,
        )
    return (store.get(article_id) for article_id in wanted)


def _check_target(out: Path, force: bool) -> None:
    if out.is_dir():
        raise StoreError("is a directory; give a file path to export to", code=Codes.STORE_WRITE, source=str(out))
    if out.exists() and not force:
        raise StoreError(
            "exists already; pass force (--force) to overwrite it", code=Codes.OUTPUT_EXISTS, source=str(out)
        )
    if not out.parent.is_dir():
        raise StoreError(f"the folder {out.parent} does not exist", code=Codes.STORE_WRITE, source=str(out))


def _atomic_write(out: Path, format: str, articles: Iterator[Article]) -> int:
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:
        raise StoreError(f"cannot write in {out.parent}: {exc.strerror or exc}", source=str(out)) from exc
    tmp = Path(tmp_name)
    try:
        if format == "parquet":
            os.close(fd)
            n = _write_parquet(articles, tmp)
        else:
            with open(fd, "w", encoding="utf-8", newline="") as fh:
                n = _write_jsonl(articles, fh) if format == "jsonl" else _write_csv(articles, fh)
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode(out))
        os.replace(tmp, out)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise StoreError(f"writing the export failed: {exc.strerror or exc}", source=str(out)) from exc
        raise
    return n


def _file_mode(out: Path) -> int:
    """The mode of the file being replaced, else what ``open()`` would give (mkstemp makes 0600)."""
    try:
        return out.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_jsonl(articles: Iterable[Article], fh: IO[str]) -> int:
    n = 0
    for article in articles:
        fh.write(article.model_dump_json())
        fh.write("\n")
        n += 1
    return n


def _write_csv(articles: Iterable[Article], fh: IO[str]) -> int:
    writer = csv.DictWriter(fh, fieldnames=list(FLAT_COLUMNS))
    writer.writeheader()
    n = 0
    for article in articles:
        row = flat_row(article)
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
        n += 1
    return n


def _write_parquet(articles: Iterable[Article], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = [pa.field(name, pa.int32() if name == "n_entities" else pa.string()) for name in FLAT_COLUMNS]
    schema = pa.schema([*fields, pa.field("record", pa.string())])
    n = 0
    with pq.ParquetWriter(str(path), schema, compression="zstd") as writer:
        columns: dict[str, list[Any]] = {name: [] for name in schema.names}
        size = 0

        def flush() -> None:
            nonlocal size
            if columns["id"]:
                writer.write_table(pa.Table.from_pydict(columns, schema=schema))
                for values in columns.values():
                    values.clear()
                size = 0

        for article in articles:
            row = flat_row(article)
            row["record"] = article.model_dump_json()
            for name, value in row.items():
                columns[name].append(value)
            size += len(row["record"]) + len(row["text"])
            n += 1
            if len(columns["id"]) >= _BATCH or size >= _ROW_GROUP_BYTES:
                flush()
        flush()
    return n
