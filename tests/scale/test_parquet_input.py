"""Parquet input: same columns as JSONL; bad rows and bad files are named."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from narrascope.config.settings import load_settings
from narrascope.doc import Article
from narrascope.errors import Codes
from narrascope.ingest.readers import read_paths

INGEST = load_settings(env={}).ingest


def _write(path: Path, rows: list[dict], **kw) -> Path:
    pq.write_table(pa.Table.from_pylist(rows), path, **kw)
    return path


def test_parquet_rows_become_articles_and_bad_rows_failures(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "c.parquet",
        [
            {"id": "p1", "title": "First", "text": "The first article text.", "source": "A", "published": "2024-01-02"},
            {"id": "p2", "title": "Second", "text": "", "source": "B", "published": None},
            {"id": "p3", "title": "Third", "text": "The third article text.", "source": None, "published": None},
        ],
        row_group_size=2,
    )
    items = list(read_paths([path], INGEST))
    assert [i.id if isinstance(i, Article) else i.source for i in items] == ["p1", f"{path}:row 2", "p3"]
    assert items[0].meta.format == "parquet" and items[0].meta.published == "2024-01-02" and items[0].title == "First"
    assert items[1].code == Codes.EMPTY_INPUT


def test_not_parquet_truncated_empty_and_no_text_column(tmp_path: Path) -> None:
    good = _write(tmp_path / "g.parquet", [{"id": "a", "text": "Some text here."}])
    truncated = tmp_path / "t.parquet"
    truncated.write_bytes(good.read_bytes()[:-20])
    garbage = tmp_path / "x.parquet"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    empty = tmp_path / "e.parquet"
    empty.write_bytes(b"")
    no_text = _write(tmp_path / "n.parquet", [{"id": "a", "body": "x"}])
    failures = {Path(f.source).name: f for f in read_paths([truncated, garbage, empty, no_text], INGEST)}
    assert failures["t.parquet"].code == Codes.BAD_RECORD and "Parquet" in failures["t.parquet"].message
    assert failures["x.parquet"].code == Codes.BAD_RECORD
    assert failures["e.parquet"].code == Codes.EMPTY_INPUT
    assert "no 'text' or 'html' column" in failures["n.parquet"].message
