"""Bad locations, read-only files, full disks, locked files and failing batches: clear
errors that name the store, and never a half-written store.  The location, file, disk and lock
tests are SQLite-specific (PostgreSQL's are in test_store_postgres.py); read-only mode and the
failing-batch tests run on both backends."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from narrascope.doc import Article
from narrascope.errors import StoreError
from narrascope.store import SQLiteStore, Store, open_store
from store_backends import Backend


def _snapshot(store: Store) -> list[Article]:
    return list(store.iter_articles())


# -- locations ---------------------------------------------------------------------------
def test_text_file_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("These are my notes, not a database.\n" * 50, encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert info.value.code == "S001"
    assert str(path) in str(info.value) and "not a SQLite database" in str(info.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_binary_garbage_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(StoreError, match="not a SQLite database") as info:
        SQLiteStore(path)
    assert info.value.code == "S001"


def test_truncated_store_is_reported(tmp_path: Path, make_article) -> None:
    path = tmp_path / "full.db"
    with SQLiteStore(path) as s:
        s.put(make_article(f"a{i}", body="word " * 3000) for i in range(30))
    data = path.read_bytes()
    cut = tmp_path / "cut.db"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(StoreError) as info:
        with SQLiteStore(cut) as s:
            list(s.iter_articles())
    assert info.value.code == "S001" and str(cut) in str(info.value)


def test_other_sqlite_database_is_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER, amount REAL)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a narrascope store") as info:
        SQLiteStore(path)
    assert "invoices" in str(info.value)
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["invoices"]
    conn.close()


def test_directory_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory") as info:
        open_store(tmp_path)
    assert info.value.code == "S001"


def test_parent_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the folder") as info:
        open_store(blocker / "sub" / "store.db")
    assert str(blocker / "sub" / "store.db") in str(info.value)


def test_creates_parent_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "c" / "store.db"
    with open_store(path) as s:
        assert s.count() == 0
    assert path.is_file()


def test_open_store_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with open_store(f"sqlite:///{tmp_path}/via-url.db") as s:  # sqlite:/// + absolute path
        assert s.location == str(tmp_path / "via-url.db")
    monkeypatch.chdir(tmp_path)
    with open_store("sqlite:///relative.db") as s:
        assert s.location == "relative.db"
    assert (tmp_path / "relative.db").is_file()
    with open_store(str(tmp_path / "plain.db")) as s:
        assert isinstance(s, SQLiteStore)


@pytest.mark.parametrize(
    ("location", "needle"),
    [
        ("postgresql://narra:s3cret@127.0.0.1:1/narrascope", "cannot connect|needs psycopg"),
        ("postgres://narra:s3cret@127.0.0.1:1/narrascope?connect_timeout=2", "cannot connect|needs psycopg"),
        ("postgresql://narra:s3cret@[::1/narrascope", "not a usable PostgreSQL URL|cannot connect|needs psycopg"),
        ("mysql://db/narrascope", "unsupported store location scheme 'mysql'"),
        ("sqlite://", "needs a path"),
        ("", "empty"),
        ("   ", "empty"),
    ],
)
def test_bad_locations(location: str, needle: str) -> None:
    with pytest.raises(StoreError, match=needle) as info:
        open_store(location)
    assert info.value.code == "S001"
    assert "s3cret" not in str(info.value)


# -- read-only ---------------------------------------------------------------------------
def test_read_only_mode_reads_and_refuses_writes(store_factory: Backend, make_article) -> None:
    """Tests run as root, which ignores chmod: read-only is simulated with SQLite's mode=ro
    (and a read-only session on PostgreSQL)."""
    with store_factory() as s:
        s.put([make_article("a1"), make_article("a2")])
        before = _snapshot(s)
    with store_factory.open_store(read_only=True) as ro:
        assert ro.count() == 2 and ro.get("a1") == before[0]
        assert [h.id for h in ro.search("Damascus")] == ["a1", "a2"]
        with pytest.raises(StoreError, match="read-only") as info:
            ro.put([make_article("a3")])
        assert info.value.code == "S002" and ro.location in str(info.value)
        with pytest.raises(StoreError, match="read-only"):
            ro.delete(["a1"])
    with store_factory() as s:
        assert _snapshot(s) == before


def test_read_only_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="does not exist") as info:
        SQLiteStore(path, read_only=True)
    assert info.value.code == "S001"
    assert not path.exists()


def test_immutable_file_cannot_be_written(db_path: Path, make_article, immutable) -> None:
    """A file root cannot write (chattr +i): SQLite opens it read-only, writes fail with S002."""
    with SQLiteStore(db_path) as s:
        s.put([make_article("a1")])
        before = _snapshot(s)
    immutable(db_path)
    with SQLiteStore(db_path) as s:
        assert s.get("a1") == before[0]
        with pytest.raises(StoreError, match="read-only") as info:
            s.put([make_article("a2")])
        assert info.value.code == "S002" and str(db_path) in str(info.value)
        assert _snapshot(s) == before


def test_immutable_folder_cannot_hold_a_new_store(tmp_path: Path, immutable) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    immutable(folder)
    with pytest.raises(StoreError) as info:
        SQLiteStore(folder / "new.db")
    assert info.value.code == "S001" and str(folder / "new.db") in str(info.value)
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores file permissions")
def test_chmod_read_only_file(db_path: Path, make_article) -> None:
    with SQLiteStore(db_path) as s:
        s.put([make_article("a1")])
    os.chmod(db_path, 0o444)
    try:
        with SQLiteStore(db_path) as s:
            with pytest.raises(StoreError, match="read-only"):
                s.put([make_article("a2")])
            assert s.count() == 1
    finally:
        os.chmod(db_path, 0o644)


# -- full disk, locks ----------------------------------------------------------------------
def test_disk_full_rolls_back_the_batch(db_path: Path, make_article) -> None:
    with SQLiteStore(db_path) as s:
        s.put([make_article("a1")])
        before = _snapshot(s)
    with SQLiteStore(db_path, max_size_bytes=512 * 1024) as s:
        big = "many words in a very long body " * 100_000  # ~3 MB: does not fit
        with pytest.raises(StoreError, match="database or disk is full") as info:
            s.put([make_article("a2"), make_article("a1", title="changed"), make_article("a3", body=big)])
        assert info.value.code == "S002" and str(db_path) in str(info.value)
        assert _snapshot(s) == before
        assert s.search("changed") == []
        assert s.put([make_article("a4")]).inserted == 1  # the store still works


def test_locked_store_reports_busy(db_path: Path, make_article) -> None:
    with SQLiteStore(db_path) as s:
        s.put([make_article("a1")])
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with SQLiteStore(db_path, timeout=0.1) as s:
            with pytest.raises(StoreError, match="locked") as info:
                s.put([make_article("a2")])
            assert info.value.code == "S002"
            assert s.count() == 1  # reads still work under WAL
    finally:
        other.execute("ROLLBACK")
        other.close()


# -- failing batches -------------------------------------------------------------------------
def test_exception_from_generator_rolls_back(store: Store, make_article) -> None:
    store.put([make_article("a1")])
    before = _snapshot(store)

    def articles() -> Iterator[Article]:
        yield make_article("a2")
        yield make_article("a1", title="rewritten")
        raise RuntimeError("reader broke mid-batch")

    with pytest.raises(RuntimeError, match="reader broke"):
        store.put(articles())
    assert _snapshot(store) == before
    assert store.search("rewritten") == []
    assert store.has(["a2"]) == set()


def test_unserialisable_article_rolls_back(store: Store, make_article) -> None:
    store.put([make_article("a1")])
    before = _snapshot(store)
    bad_text = make_article("bad", title="Broken \ud800 surrogate")  # not encodable as UTF-8
    bad_extra = make_article("bad2")
    bad_extra.extras["handle"] = object()
    for bad in (bad_text, bad_extra):
        with pytest.raises(StoreError) as info:
            store.put([make_article("a2"), make_article("a1", title="rewritten"), bad])
        assert info.value.code == "S002"
        assert f"article {bad.id}" in str(info.value)
        assert _snapshot(store) == before


@pytest.mark.parametrize("item", [{"id": "dict"}, "just a string", None])
def test_non_articles_are_refused(store: Store, make_article, item: object) -> None:
    with pytest.raises(StoreError, match="item 1 is not an Article") as info:
        store.put([make_article("a1"), item])  # type: ignore[list-item]
    assert info.value.code == "S002"
    assert store.count() == 0


def test_empty_id_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="empty id"):
        store.put([Article(id="  ", raw_text="x", text="x")])
    assert store.count() == 0


def test_record_from_newer_schema_is_reported(store: Store, store_factory: Backend, make_article) -> None:
    store.put([make_article("a1"), make_article("a2")])
    store_factory.set_record_fields("a2", schema_version="2.0", sentiment=0.4)
    assert store.get("a1").id == "a1"
    with pytest.raises(StoreError) as info:
        store.get("a2")
    message = str(info.value)
    assert info.value.code == "S003"
    assert "'a2'" in message and "sentiment" in message and "'2.0'" in message and "upgrade narrascope" in message
    with pytest.raises(StoreError, match="sentiment"):
        list(store.iter_articles())


def test_closed_store_refuses_everything(store_factory: Backend, make_article) -> None:
    s = store_factory()
    s.close()
    for call in (lambda: s.put([make_article()]), lambda: s.get("a1"), s.count, lambda: s.search("x"),
                 lambda: s.list(), lambda: s.has(["a1"]), lambda: s.delete(["a1"]),
                 lambda: list(s.iter_articles())):
        with pytest.raises(StoreError, match="closed"):
            call()
