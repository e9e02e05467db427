"""Numbered migrations: recorded, applied once, in order, atomically; newer databases refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from narrascope.errors import StoreError
from narrascope.store import SQLiteStore
from narrascope.store.migrate import Migration, load_migrations, split_statements


def _query(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_packaged_migrations_are_numbered() -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    assert migrations[0].name == "initial"


def test_fresh_store_records_its_migrations(db_path: Path) -> None:
    with SQLiteStore(db_path) as s:
        applied = s.applied_migrations()
        assert [(m.version, m.name) for m in applied] == [(m.version, m.name) for m in load_migrations()]
        assert (applied[0].version, applied[0].name) == (1, "initial")
        assert s.pending_migrations() == []
    tables = {r[0] for r in _query(db_path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"articles", "entities", "articles_fts", "schema_migrations"} <= tables
    assert _query(db_path, "PRAGMA journal_mode")[0][0] == "wal"


def test_reopening_does_not_reapply(db_path: Path, make_article) -> None:
    with SQLiteStore(db_path) as s:
        s.put([make_article()])
        first = s.applied_migrations()
    with SQLiteStore(db_path) as s:
        assert s.applied_migrations() == first  # same applied_at: not run again
        assert s.count() == 1
    assert _query(db_path, "SELECT count(*) FROM schema_migrations")[0][0] == len(load_migrations())


def _with_extra(sql: str, name: str = "add_tags") -> list[Migration]:
    known = load_migrations()
    return [*known, Migration(len(known) + 1, name, sql)]


def test_new_migration_is_applied_on_open(db_path: Path, make_article) -> None:
    with SQLiteStore(db_path) as s:
        s.put([make_article()])
    extra = _with_extra("CREATE TABLE tags (article_id TEXT, tag TEXT); -- a comment; with a semicolon\n"
                        "INSERT INTO tags VALUES ('a1', 'x;y');")
    with SQLiteStore(db_path, migrations=extra) as s:
        assert [m.version for m in s.applied_migrations()] == list(range(1, len(extra) + 1))
        assert s.pending_migrations() == []
        assert s.get("a1").id == "a1"
    assert _query(db_path, "SELECT tag FROM tags") == [("x;y",)]


def test_failing_migration_is_rolled_back(db_path: Path, make_article) -> None:
    with SQLiteStore(db_path) as s:
        s.put([make_article()])
    bad = _with_extra("CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);", "broken")
    with pytest.raises(StoreError) as info:
        SQLiteStore(db_path, migrations=bad)
    assert f"{len(bad):04d}_broken" in str(info.value) and "no_such_table" in str(info.value)
    tables = {r[0] for r in _query(db_path, "SELECT name FROM sqlite_master")}
    assert "half_done" not in tables
    assert _query(db_path, "SELECT version FROM schema_migrations") == [(m.version,) for m in bad[:-1]]
    with SQLiteStore(db_path) as s:  # still usable with the good migrations
        assert s.count() == 1


def test_newer_database_is_refused(db_path: Path, make_article) -> None:
    with SQLiteStore(db_path) as s:
        s.put([make_article()])
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO schema_migrations VALUES (7, 'from_the_future', '2030-01-01T00:00:00+00:00')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as info:
        SQLiteStore(db_path)
    assert info.value.code == "S003"
    assert "version 7" in str(info.value) and "newer" in str(info.value) and str(db_path) in str(info.value)


def test_read_only_open_of_uninitialised_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    with pytest.raises(StoreError) as info:
        SQLiteStore(empty, read_only=True)
    assert info.value.code == "S003" and "read-only" in str(info.value)
    assert empty.read_bytes() == b""


def test_pending_migrations_in_read_only_mode_are_refused(db_path: Path) -> None:
    SQLiteStore(db_path).close()
    with pytest.raises(StoreError, match="read-only") as info:
        SQLiteStore(db_path, read_only=True, migrations=_with_extra("CREATE TABLE t (x);"))
    assert info.value.code == "S003"
    assert _query(db_path, "SELECT count(*) FROM schema_migrations")[0][0] == len(load_migrations())


def test_load_migrations_checks_names_and_numbering(tmp_path: Path) -> None:
    (tmp_path / "0001_first.sql").write_text("CREATE TABLE a (x);")
    (tmp_path / "0003_third.sql").write_text("CREATE TABLE c (x);")
    (tmp_path / "README.txt").write_text("not a migration")
    with pytest.raises(StoreError, match="without gaps"):
        load_migrations(tmp_path)
    (tmp_path / "0003_third.sql").rename(tmp_path / "0002_second.sql")
    assert [(m.version, m.name) for m in load_migrations(tmp_path)] == [(1, "first"), (2, "second")]
    (tmp_path / "3_bad name.sql").write_text("")
    with pytest.raises(StoreError, match="0001_name.sql"):
        load_migrations(tmp_path)


def test_split_statements() -> None:
    sql = """
    -- comment; with semicolon
    CREATE TABLE t (x TEXT DEFAULT 'a;b');
    /* block; comment */
    CREATE TRIGGER tr AFTER INSERT ON t BEGIN
        UPDATE t SET x = 'c;d';
        DELETE FROM t WHERE x = ';';
    END;
    INSERT INTO t VALUES ('e');
    """
    parts = split_statements(sql)
    assert len(parts) == 3
    assert parts[1].startswith("/* block; comment */\n    CREATE TRIGGER") and parts[1].endswith("END;")
    with pytest.raises(StoreError, match="incomplete"):
        split_statements("CREATE TABLE t (x); INSERT INTO t VALUES ('unterminated")
