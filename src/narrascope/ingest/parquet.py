"""Parquet files of article records (the same columns as JSONL: ``title`` and ``text`` or ``html``,
optionally ``id``, ``url``, ``source``, ``published``, ``author``).

Read one row group at a time, so a large file is streamed.  A bad row becomes a
:class:`ReadFailure` named ``file:row N`` (1-based) and the other rows are still read; a file
that is not Parquet (or is truncated) fails as a whole with N007.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from narrascope.config.settings import IngestSettings
from narrascope.doc import Article
from narrascope.errors import Codes, InputError, NarrascopeError
from narrascope.ingest.failure import ReadFailure
from narrascope.ingest.guards import check_file
from narrascope.ingest.records import RECORD_FIELDS, article_from_record

__all__ = ["read_parquet_file"]


def read_parquet_file(path: Path, settings: IngestSettings) -> Iterator[Article | ReadFailure]:
    """Articles from a Parquet file; rows over ``ingest.max_bytes`` or without text become failures."""
    import pyarrow.parquet as pq

    path = Path(path)
    st = check_file(path)
    if st.st_size == 0:
        raise InputError("file is empty", code=Codes.EMPTY_INPUT, source=str(path))
    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a bad file
        raise InputError(f"not a readable Parquet file: {exc}", code=Codes.BAD_RECORD, source=str(path)) from exc
    columns = [name for name in parquet.schema_arrow.names if name.lower() in RECORD_FIELDS]
    lowered = {name.lower() for name in columns}
    if "text" not in lowered and "html" not in lowered:
        raise InputError(
            f"has no 'text' or 'html' column (columns: {', '.join(parquet.schema_arrow.names) or 'none'})",
            source=str(path),
        )
    if parquet.metadata.num_rows == 0:
        raise InputError("file has no records", code=Codes.EMPTY_INPUT, source=str(path))
    row = 0
    for group in range(parquet.num_row_groups):
        try:
            table = parquet.read_row_group(group, columns=columns)
        except Exception as exc:  # noqa: BLE001 - a corrupt row group: report it, stop this file
            yield ReadFailure(
                f"{path}:row group {group}", Codes.BAD_RECORD, f"row group cannot be read ({exc}); the rest of the file was skipped"
            )
            return
        for record in table.to_pylist():
            row += 1
            source = f"{path}:row {row}"
            record = {k.lower(): v for k, v in record.items()}
            size = sum(len(v.encode("utf-8", "surrogatepass")) for v in record.values() if isinstance(v, str))
            if size > settings.max_bytes:
                yield ReadFailure(
                    source, Codes.TOO_LARGE, f"row is over the limit of {settings.max_bytes:,} bytes (ingest.max_bytes)"
                )
                continue
            try:
                yield article_from_record(record, source=source, fmt="parquet", settings=settings)
            except NarrascopeError as exc:
                yield ReadFailure.from_error(exc, source)
