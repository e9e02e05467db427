"""export_articles on both store backends: JSONL/CSV/Parquet read back exactly; atomic, refuses to overwrite."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from narrascope.doc import Article
from narrascope.errors import ConfigError, StoreError
from narrascope.export import FLAT_COLUMNS, export_articles
from narrascope.export import writers
from narrascope.store import Store
from store_backends import Backend


def _files(folder: Path) -> list[str]:
    """Files in ``folder`` besides the SQLite store's own ``db`` folder."""
    return sorted(p.name for p in folder.iterdir() if p.name != "db")


def test_jsonl_has_full_records(filled: Store, tmp_path: Path, awkward: list[Article]) -> None:
    out = tmp_path / "out.jsonl"
    assert export_articles(filled, out, format="jsonl") == 3
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [Article.model_validate_json(line) for line in lines] == awkward
    assert _files(tmp_path) == ["out.jsonl"]  # no temp file left


def test_csv_round_trips_newlines_quotes_and_unicode(filled: Store, tmp_path: Path,
                                                     awkward: list[Article]) -> None:
    out = tmp_path / "out.csv"
    assert export_articles(filled, out, format="csv") == 3
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(FLAT_COLUMNS)
    assert [r["text"] for r in rows] == [a.text for a in awkward]  # \n, \r\n, quotes, commas, tabs survive
    first, second = rows[0], rows[1]
    assert first["title"] == 'Moscow, "quoted" title'
    assert first["source"] == 'Example, "Quoted" Outlet'
    assert first["entities"] == "Moscow (place)"
    assert first["n_entities"] == "1"
    assert first["status"] == "ok"
    assert second["entities"] == "Moscow (place); Kremlin (organisation)"
    assert second["status"] == "failed"
    assert second["published"] == ""  # None becomes an empty cell


def test_parquet_round_trips(filled: Store, tmp_path: Path, awkward: list[Article]) -> None:
    out = tmp_path / "out.parquet"
    assert export_articles(filled, out, format="parquet") == 3
    table = pq.read_table(out)
    assert table.column_names == [*FLAT_COLUMNS, "record"]
    rows = table.to_pylist()
    assert [r["text"] for r in rows] == [a.text for a in awkward]
    assert [Article.model_validate_json(r["record"]) for r in rows] == awkward
    assert rows[1]["published"] is None and rows[1]["n_entities"] == 2 and rows[1]["status"] == "failed"
    assert rows[1]["entities"] == "Moscow (place); Kremlin (organisation)"


def test_parquet_is_written_in_row_groups(filled: Store, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writers, "_BATCH", 2)
    out = tmp_path / "groups.parquet"
    assert export_articles(filled, out, format="parquet") == 3
    meta = pq.ParquetFile(out).metadata
    assert (meta.num_row_groups, meta.num_rows) == (2, 3)


def test_stdout_for_jsonl_and_csv(filled: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert export_articles(filled, None, format="jsonl") == 3
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["x1", "x2", "x3"]
    assert export_articles(filled, None, format="csv") == 3
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out, newline="")))
    assert [r["id"] for r in rows] == ["x1", "x2", "x3"]


def test_parquet_needs_a_path(filled: Store) -> None:
    with pytest.raises(ConfigError, match="parquet export needs an output file"):
        export_articles(filled, None, format="parquet")


def test_unknown_format(filled: Store, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="export format must be one of"):
        export_articles(filled, tmp_path / "x.xml", format="xml")  # type: ignore[arg-type]
    assert not (tmp_path / "x.xml").exists()


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_refuses_to_overwrite_without_force(filled: Store, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"existing.{fmt}"
    out.write_text("precious", encoding="utf-8")
    with pytest.raises(StoreError) as info:
        export_articles(filled, out, format=fmt)  # type: ignore[arg-type]
    assert info.value.code == "S006" and str(out) in str(info.value) and "force" in str(info.value)
    assert out.read_text(encoding="utf-8") == "precious"
    assert export_articles(filled, out, format=fmt, force=True) == 3  # type: ignore[arg-type]
    assert out.read_bytes() != b"precious"


def test_file_mode_is_not_private(filled: Store, tmp_path: Path) -> None:
    new = tmp_path / "new.csv"
    export_articles(filled, new, format="csv")
    umask = os.umask(0)
    os.umask(umask)
    assert new.stat().st_mode & 0o777 == 0o666 & ~umask  # like open(), not mkstemp's 0600
    kept = tmp_path / "kept.csv"
    kept.write_text("old")
    kept.chmod(0o640)
    export_articles(filled, kept, format="csv", force=True)
    assert kept.stat().st_mode & 0o777 == 0o640


def test_selected_ids_in_given_order(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "some.jsonl"
    assert export_articles(filled, out, format="jsonl", ids=["x3", "x1", "x3"]) == 2
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["x3", "x1"]


def test_missing_ids_export_nothing(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "some.csv"
    with pytest.raises(StoreError, match="'nope'") as info:
        export_articles(filled, out, format="csv", ids=["x1", "nope"])
    assert info.value.code == "S004"
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_failure_midway_leaves_nothing_half_written(filled: Store, store_factory: Backend, tmp_path: Path,
                                                    fmt: str) -> None:
    # a record the code cannot read (written by a "newer" narrascope) stops the export halfway
    store_factory.set_record_fields("x3", future_field=1)
    out = tmp_path / f"export.{fmt}"
    with pytest.raises(StoreError, match="future_field"):
        export_articles(filled, out, format=fmt)  # type: ignore[arg-type]
    assert _files(tmp_path) == []
    out.write_text("old export", encoding="utf-8")
    with pytest.raises(StoreError, match="future_field"):
        export_articles(filled, out, format=fmt, force=True)  # type: ignore[arg-type]
    assert out.read_text(encoding="utf-8") == "old export"
    assert _files(tmp_path) == [out.name]


def test_bad_targets(filled: Store, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        export_articles(filled, tmp_path, format="csv", force=True)
    with pytest.raises(StoreError, match="does not exist"):
        export_articles(filled, tmp_path / "no" / "such" / "dir.csv", format="csv")


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_empty_store(store_factory: Backend, tmp_path: Path, fmt: str) -> None:
    with store_factory() as s:
        out = tmp_path / f"empty.{fmt}"
        assert export_articles(s, out, format=fmt) == 0  # type: ignore[arg-type]
    if fmt == "csv":
        assert out.read_text(encoding="utf-8").strip() == ",".join(FLAT_COLUMNS)
    elif fmt == "parquet":
        assert pq.read_table(out).num_rows == 0
    else:
        assert out.read_text(encoding="utf-8") == ""


def test_huge_text_exports(store_factory: Backend, tmp_path: Path) -> None:
    body = "Long reporting sentence about Moscow and the Kremlin.\n" * 100_000
    assert len(body) > 5_000_000
    art = Article(id="huge", title="Huge", raw_text=body, text=body)
    with store_factory() as s:
        s.put([art])
        assert export_articles(s, tmp_path / "h.parquet", format="parquet") == 1
        assert export_articles(s, tmp_path / "h.csv", format="csv") == 1
    assert pq.read_table(tmp_path / "h.parquet").column("text").to_pylist() == [body]
    limit = csv.field_size_limit()
    csv.field_size_limit(10_000_000)  # readers need a larger field limit for multi-MB texts
    try:
        with open(tmp_path / "h.csv", encoding="utf-8", newline="") as fh:
            assert next(csv.DictReader(fh))["text"] == body
    finally:
        csv.field_size_limit(limit)
