"""Both store backends for the store and export tests: a SQLite file in tmp_path, or a fresh
schema on the PostgreSQL server named by NARRASCOPE_TEST_POSTGRES_URL (dropped afterwards).

Without that variable the PostgreSQL tests skip, except under CI (``CI`` set), where they fail:
CI must run them (scripts/test.sh sources scripts/services.sh, which starts a server).
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from narrascope.doc import Article
from narrascope.store import SQLiteStore, Store, open_store

POSTGRES_URL_ENV = "NARRASCOPE_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgres")


def postgres_url() -> str:
    """The test server's URL; skips (or fails under CI) when there is none."""
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(f"{POSTGRES_URL_ENV} is not set but CI is: CI must run the PostgreSQL store tests "
                    "(scripts/test.sh starts a server via scripts/services.sh; apt-get install postgresql)")
    pytest.skip(f"{POSTGRES_URL_ENV} is not set: no PostgreSQL server to test against "
                "(run `source scripts/services.sh` first, or scripts/test.sh)")


def _with_search_path(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={schema}', safe='')}"


@dataclass
class Backend:
    """One store location; calling it opens (or reopens) the store there."""

    name: str
    db_path: Path  # the SQLite file (unused by postgres)
    url: str | None = None  # postgres: the server URL (without search_path)
    schema: str | None = None

    @property
    def location(self) -> str:
        """What open_store takes for this store."""
        if self.name == "sqlite":
            return str(self.db_path)
        assert self.url and self.schema
        return _with_search_path(self.url, self.schema)

    def __call__(self, **kwargs: Any) -> Store:
        if self.name == "sqlite":
            return SQLiteStore(self.db_path, **kwargs)
        from narrascope.store.postgres import PostgresStore

        assert self.url and self.schema
        return PostgresStore(self.url, schema=self.schema, **kwargs)

    def open_store(self, **kwargs: Any) -> Store:
        return open_store(self.location, **kwargs)

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Run raw SQL (``?`` placeholders) on the store's tables, outside the store; commits."""
        if self.name == "sqlite":
            conn = sqlite3.connect(self.db_path)
            try:
                rows = conn.execute(sql, params).fetchall()
                conn.commit()
                return rows
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(self.location, autocommit=True) as conn:
            cur = conn.execute(sql.replace("?", "%s"), params or None)
            return cur.fetchall() if cur.description else []

    def set_record_fields(self, article_id: str, **fields: Any) -> None:
        """Rewrite stored record JSON fields behind the store's back (a 'newer narrascope' record)."""
        (record,) = self.rows("SELECT record FROM articles WHERE id = ?", (article_id,))[0]
        data = json.loads(record)
        data.update(fields)
        self.rows("UPDATE articles SET record = ? WHERE id = ?", (json.dumps(data), article_id))

    def cleanup(self) -> None:
        if self.name == "postgres" and self.url and self.schema:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as conn:
                conn.execute("SET lock_timeout = '20s'")  # never hang on a connection a failed test left open
                conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


def make_backend(name: str, db_path: Path) -> Backend:
    if name == "sqlite":
        return Backend("sqlite", db_path)
    try:
        import psycopg
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("psycopg is not installed but CI is set (pip install -e '.[test]')")
        pytest.skip("psycopg is not installed (pip install 'narrascope[postgres]')")
    url = postgres_url()
    schema = "test_" + secrets.token_hex(6)
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.OperationalError as exc:
        pytest.fail(f"cannot reach the PostgreSQL test server in {POSTGRES_URL_ENV}: {exc}")
    return Backend("postgres", db_path, url=url, schema=schema)


@contextmanager
def filled_backend(name: str, db_path: Path, articles: Sequence[Article]) -> Iterator[Backend]:
    """A backend (see :func:`make_backend`) holding ``articles``; its schema is dropped afterwards."""
    backend = make_backend(name, db_path)
    try:
        with backend() as store:
            store.put(list(articles))
        yield backend
    finally:
        backend.cleanup()
