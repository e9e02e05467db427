"""Several writers on one file: migrations run once, every batch lands, WAL readers are not blocked."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

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
