"""Several writers on one file: migrations run once, every batch lands, WAL readers are not blocked."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from narrascope.errors import StoreError
from narrascope.store import SQLiteStore
from narrascope.store.migrate import load_migrations


def test_concurrent_openers_and_writers(db_path: Path, make_article) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def worker(n: int) -> None:
        try:
            start.wait()
            with SQLiteStore(db_path, timeout=30) as s:  # all four create/migrate the same new file
                for b in range(5):
                    s.put([make_article(f"w{n}-{b}-{i}") for i in range(4)])
                    s.list(limit=5)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    with SQLiteStore(db_path) as s:
        assert s.count() == 4 * 5 * 4
        assert [m.version for m in s.applied_migrations()] == [m.version for m in load_migrations()]
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 80
    assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(load_migrations())
    conn.close()


def test_openers_racing_on_new_files_all_switch_to_wal(tmp_path: Path) -> None:
    # Switching a new file to WAL can be refused with SQLITE_BUSY without SQLite's busy
    # handler; before the store retried it, about one race in a hundred lost an opener.
    errors: list[BaseException] = []
    for trial in range(60):
        path = tmp_path / f"race{trial}" / "narrascope.db"
        start = threading.Barrier(8)

        def opener() -> None:
            try:
                start.wait()
                with SQLiteStore(path, timeout=30) as s:
                    s.list(limit=1)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=opener) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()
    assert errors == []


def test_a_lock_held_past_the_timeout_is_a_clear_error_then_the_store_opens(tmp_path: Path) -> None:
    path = tmp_path / "held.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")  # a new file in rollback mode: nobody else may even read it
    try:
        with pytest.raises(StoreError) as info:
            SQLiteStore(path, timeout=0.2)
        assert str(path) in str(info.value) and "locked by another writer" in str(info.value)
        threading.Timer(0.3, holder.rollback).start()
        with SQLiteStore(path, timeout=10) as s:  # waits for the holder, then creates the schema
            assert s.count() == 0
    finally:
        holder.close()
