"""The SQLite store: one file, WAL mode, numbered migrations, FTS5 search.

Every write runs in a ``BEGIN IMMEDIATE`` transaction that is rolled back on any
error, so a failed call leaves the file exactly as it was.  ``read_only=True``
opens the file with SQLite's ``mode=ro`` (reads work, writes raise StoreError
S002) — the way to serve a store you must not change, and the way tests
simulate a read-only file (they run as root, which ignores file permissions).
"""

from __future__ import annotations

import builtins
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from urllib.parse import quote


from narrascope.doc import Article
from narrascope.errors import Codes, StoreError
from narrascope.store.annotations import write_annotations
from narrascope.store.base import HIGHLIGHT_END, HIGHLIGHT_START, ArticleSummary, DateLike, PutResult, SearchHit
from narrascope.store.migrate import AppliedMigration, Migration, load_migrations, split_statements
from narrascope.store.listing import check_page, id_chunks, list_query, summary_from_row
from narrascope.store.records import ArticleRow, article_row, decode_record

__all__ = ["SQLiteStore", "quote_fts_query"]

_SNIPPET_TOKENS = 16
_ID_CHUNK = 5000


def quote_fts_query(query: str) -> str:
    """Turn free text into an FTS5 query of quoted tokens (implicit AND), so that no
    character of the input is read as FTS5 syntax."""
    tokens = query.replace("\x00", " ").split()  # FTS5 reads a NUL as the end of the query
    return " ".join('"' + token.replace('"', '""') + '"' for token in tokens)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _is_busy(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith("SQLITE_BUSY") or "database is locked" in str(exc)


def _switch_to_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """``PRAGMA journal_mode = WAL``, retried until ``timeout`` seconds have passed.

    Changing the journal mode needs an exclusive lock.  When several connections open a new
    file together, SQLite can answer SQLITE_BUSY at once without calling its busy handler
    (it skips the handler where waiting could deadlock), so ``busy_timeout`` alone does not
    cover it.
    """
    deadline = time.monotonic() + timeout
    pause = 0.005
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL").fetchone()
            return
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.25)


class SQLiteStore:
    """A :class:`~narrascope.store.base.Store` in one SQLite file.

    ``timeout``: seconds to wait for another writer's lock.  ``max_size_bytes``: cap on the
    file size (SQLite ``max_page_count``); writes beyond it fail with StoreError S002 like a
    full disk.  ``migrations``: the schema steps (default: the packaged ones).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        read_only: bool = False,
        timeout: float = 30.0,
        max_size_bytes: int | None = None,
        migrations: Sequence[Migration] | None = None,
    ) -> None:
        self._path = Path(path).expanduser()
        self._read_only = read_only
        self._migrations = list(migrations) if migrations is not None else load_migrations()
        self._conn: sqlite3.Connection | None = None
        self._conn = self._connect(timeout)
        try:
            self._configure(timeout, max_size_bytes)
            self._migrate()
        except BaseException:
            self._conn.close()
            self._conn = None
            raise

    #: SQL dialect of :meth:`query` and :meth:`write_transaction` (read by store.queries and dedup).
    dialect = "sqlite"

    # -- opening -----------------------------------------------------------------------
    @property
    def location(self) -> str:
        return str(self._path)

    @property
    def path(self) -> Path:
        return self._path

    @property
    def read_only(self) -> bool:
        return self._read_only

    def _connect(self, timeout: float) -> sqlite3.Connection:
        path = self._path
        if path.is_dir():
            raise StoreError("is a directory, not a SQLite database file", code=Codes.STORE_OPEN, source=str(path))
        if self._read_only:
            if not path.is_file():
                raise StoreError(
                    "store file does not exist (opened read-only)", code=Codes.STORE_OPEN, source=str(path)
                )
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the folder {path.parent}: {exc.strerror or exc}",
                    code=Codes.STORE_OPEN,
                    source=str(path),
                ) from exc
        mode = "ro" if self._read_only else "rwc"
        uri = f"file:{quote(str(path.absolute()))}?mode={mode}"
        try:
            return sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._error(exc, "opening the store", default_code=Codes.STORE_OPEN) from exc

    def _configure(self, timeout: float, max_size_bytes: int | None) -> None:
        conn = self._connection()
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # fails on a non-SQLite file
            if not self._read_only:
                _switch_to_wal(conn, timeout)
                conn.execute("PRAGMA synchronous = NORMAL")
            if max_size_bytes is not None:
                page_size = conn.execute("PRAGMA page_size").fetchone()[0]
                conn.execute(f"PRAGMA max_page_count = {max(1, int(max_size_bytes) // page_size)}").fetchone()
        except sqlite3.Error as exc:
            raise self._error(exc, "opening the store", default_code=Codes.STORE_OPEN) from exc

    def _tables(self) -> set[str]:
        rows = self._connection().execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        return {r[0] for r in rows}

    # -- migrations --------------------------------------------------------------------
    def applied_migrations(self) -> builtins.list[AppliedMigration]:
        """The migrations recorded in ``schema_migrations``, oldest first (reads only)."""
        try:
            if "schema_migrations" not in self._tables():
                return []
            rows = self._connection().execute(
                "SELECT version, name, applied_at FROM schema_migrations ORDER BY version"
            ).fetchall()
        except sqlite3.Error as exc:
            raise self._error(exc, "reading the schema version") from exc
        return [AppliedMigration(int(v), str(n), str(t)) for v, n, t in rows]

    def pending_migrations(self) -> builtins.list[Migration]:
        """Known migrations not yet applied to this file (reads only)."""
        done = {m.version for m in self.applied_migrations()}
        return [m for m in self._migrations if m.version not in done]

    def _migrate(self) -> None:
        tables = self._tables_checked()
        if "schema_migrations" not in tables and tables - {"sqlite_sequence"}:
            raise StoreError(
                "is a SQLite database but not a narrascope store "
                f"(no schema_migrations table; tables: {', '.join(sorted(tables)[:8])})",
                code=Codes.STORE_OPEN,
                source=self.location,
            )
        applied = self.applied_migrations()
        known = max((m.version for m in self._migrations), default=0)
        newest = max((m.version for m in applied), default=0)
        if newest > known:
            raise StoreError(
                f"the store has schema version {newest} but this narrascope only knows versions up to {known}; "
                "it was written by a newer narrascope — upgrade narrascope to open it",
                code=Codes.STORE_SCHEMA,
                source=self.location,
            )
        pending = self.pending_migrations()
        if not pending:
            return
        if self._read_only:
            raise StoreError(
                f"the store needs schema migration(s) {[m.version for m in pending]} but is opened read-only; "
                "open it once without read-only to upgrade it",
                code=Codes.STORE_SCHEMA,
                source=self.location,
            )
        for migration in pending:
            self._apply(migration)

    def _tables_checked(self) -> set[str]:
        try:
            return self._tables()
        except sqlite3.Error as exc:
            raise self._error(exc, "opening the store", default_code=Codes.STORE_OPEN) from exc

    def _apply(self, migration: Migration) -> None:
        statements = split_statements(migration.sql)
        with self._transaction(f"applying migration {migration.version:04d}_{migration.name}") as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            done = conn.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)).fetchone()
            if done:  # another process applied it while we waited for the lock
                return
            for statement in statements:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, _now()),
            )

    # -- plumbing ----------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError("the store is closed", code=Codes.STORE_OPEN, source=self.location)
        return self._conn

    def _error(self, exc: sqlite3.Error, action: str, *, default_code: str = Codes.STORE_WRITE) -> StoreError:
        name = getattr(exc, "sqlite_errorname", "") or ""
        text = str(exc)
        if name.startswith("SQLITE_FULL") or "database or disk is full" in text:
            return StoreError(
                f"database or disk is full while {action}; nothing was written", code=Codes.STORE_WRITE,
                source=self.location,
            )
        if name.startswith("SQLITE_READONLY") or "readonly database" in text:
            return StoreError(
                f"the store is read-only (file, folder or read-only mode) — cannot write while {action}",
                code=Codes.STORE_WRITE,
                source=self.location,
            )
        if name.startswith("SQLITE_NOTADB") or "file is not a database" in text:
            return StoreError("is not a SQLite database", code=Codes.STORE_OPEN, source=self.location)
        if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
            return StoreError(f"the database file is corrupt ({text})", code=Codes.STORE_OPEN, source=self.location)
        if _is_busy(exc):
            return StoreError(
                f"the store is locked by another writer while {action}; try again", code=Codes.STORE_WRITE,
                source=self.location,
            )
        if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
            return StoreError(
                f"cannot open the database file ({text}); check that the path and its folder are writable",
                code=Codes.STORE_OPEN,
                source=self.location,
            )
        return StoreError(f"{action} failed: {text}", code=default_code, source=self.location)

    @contextmanager
    def _transaction(self, action: str) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; any exception rolls everything back."""
        conn = self._connection()
        if self._read_only:
            raise StoreError(f"the store is opened read-only; cannot write while {action}", source=self.location)
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._error(exc, action) from exc
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            if isinstance(exc, sqlite3.Error):
                raise self._error(exc, action) from exc
            raise

    def _read(self, action: str, sql: str, params: Sequence[object] = ()) -> builtins.list[tuple]:
        try:
            return self._connection().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._error(exc, action, default_code=Codes.STORE_OPEN) from exc

    def _decode(self, article_id: str, record: str) -> Article:
        return decode_record(article_id, record, self.location)

    # -- writing -----------------------------------------------------------------------
    def put(self, articles: Iterable[Article]) -> PutResult:
        """Upsert by id in one transaction (the write lock is held while ``articles`` is consumed:
        pass a list to keep it short).  Identical records are not rewritten."""
        inserted = updated = unchanged = 0
        with self._transaction("storing articles") as conn:
            for position, article in enumerate(articles):
                row = article_row(article, position)
                found = conn.execute("SELECT record FROM articles WHERE id = ?", (row.id,)).fetchone()
                if found is not None and found[0] == row.record:
                    unchanged += 1
                    continue
                now = _now()
                if found is None:
                    self._insert(conn, row, now)
                    inserted += 1
                else:
                    self._update(conn, row, now)
                    updated += 1
                self._write_entities(conn, row)
                write_annotations(conn, article)
        return PutResult(inserted=inserted, updated=updated, unchanged=unchanged)

    @staticmethod
    def _insert(conn: sqlite3.Connection, row: ArticleRow, now: str) -> None:
        conn.execute(
            "INSERT INTO articles (id, title, source, url, published, published_key, language, status, n_entities,"
            " schema_version, record, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row.id, row.title, row.source, row.url, row.published, row.published_key, row.language, row.status,
                row.n_entities, row.schema_version, row.record, now, now,
            ),
        )

    @staticmethod
    def _update(conn: sqlite3.Connection, row: ArticleRow, now: str) -> None:
        conn.execute(
            "UPDATE articles SET title = ?, source = ?, url = ?, published = ?, published_key = ?, language = ?,"
            " status = ?, n_entities = ?, schema_version = ?, record = ?, updated_at = ? WHERE id = ?",
            (
                row.title, row.source, row.url, row.published, row.published_key, row.language, row.status,
                row.n_entities, row.schema_version, row.record, now, row.id,
            ),
        )

    @staticmethod
    def _write_entities(conn: sqlite3.Connection, row: ArticleRow) -> None:
        conn.execute("DELETE FROM entities WHERE article_id = ?", (row.id,))
        conn.executemany(
            "INSERT INTO entities (article_id, entity_id, name, type, n_mentions) VALUES (?, ?, ?, ?, ?)",
            [(row.id, e.entity_id, e.name, e.type, e.n_mentions) for e in row.entities],
        )

    def delete(self, ids: Iterable[str]) -> int:
        """Delete by id (entities and index entries go with them); returns how many were deleted."""
        deleted = 0
        with self._transaction("deleting articles") as conn:
            for chunk in id_chunks(ids, _ID_CHUNK):
                cur = conn.execute(
                    "DELETE FROM articles WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(chunk),)
                )
                deleted += cur.rowcount
        return deleted

    # -- reading -----------------------------------------------------------------------
    def get(self, article_id: str) -> Article:
        rows = self._read("reading an article", "SELECT record FROM articles WHERE id = ?", (article_id,))
        if not rows:
            raise StoreError(
                f"no article with id {article_id!r} in the store", code=Codes.NOT_FOUND, source=self.location
            )
        return self._decode(article_id, rows[0][0])

    def has(self, ids: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for chunk in id_chunks(ids, _ID_CHUNK):
            rows = self._read(
                "looking up ids",
                "SELECT id FROM articles WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(chunk),),
            )
            found.update(r[0] for r in rows)
        return found

    def count(self) -> int:
        return int(self._read("counting articles", "SELECT count(*) FROM articles")[0][0])

    def list(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        language: str | None = None,
        source: str | None = None,
        since: DateLike | None = None,
        until: DateLike | None = None,
        status: str | None = None,
    ) -> builtins.list[ArticleSummary]:
        sql, params = list_query(
            "?", limit=limit, offset=offset, language=language, source=source, since=since, until=until,
            status=status,
        )
        return [summary_from_row(r) for r in self._read("listing articles", sql, params)]

    def search(
        self, query: str, *, limit: int = 20, offset: int = 0, raw: bool = False
    ) -> builtins.list[SearchHit]:
        """Full-text search (SQLite FTS5, bm25) over titles and clean texts.

        The query is read as plain words (all must occur; each is quoted, so quotes, ``*``,
        ``NEAR``, parentheses or SQL cannot change its meaning).  ``raw=True`` passes it to
        FTS5 as written (``AND``/``OR``/``NOT``, ``"phrases"``, ``prefix*``, ``NEAR(a b)``,
        ``title:word``); a query FTS5 cannot parse raises StoreError S005.  Matches are ranked in
        blocks of :data:`narrascope.store.queries.RANK_BLOCK`, newest stored first, ties by storage
        order (as the API's search), so a word found in every article costs one block.
        """
        from narrascope.store.queries import ranked_fts_keys

        check_page(limit, offset)
        match = query if raw else quote_fts_query(query) if isinstance(query, str) else ""
        if not match.strip():
            raise StoreError("the search query is empty", code=Codes.BAD_QUERY, source="search query")
        try:
            match.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise StoreError(f"the search query is not valid text ({exc.reason}): {query!r}",
                             code=Codes.BAD_QUERY, source="search query") from exc
        sql = (
            "SELECT a.id, a.title, snippet(articles_fts, -1, ?, ?, '…', ?), bm25(articles_fts), articles_fts.rowid"
            " FROM articles_fts JOIN articles AS a ON a.pk = articles_fts.rowid"
            " WHERE articles_fts MATCH ? AND articles_fts.rowid IN (SELECT value FROM json_each(?))"
        )
        try:
            conn = self._connection()
            keys = ranked_fts_keys(lambda q, p: conn.execute(q, p).fetchall(), match, limit=limit, offset=offset)
            found = {r[-1]: r[:-1] for r in conn.execute(
                sql, (HIGHLIGHT_START, HIGHLIGHT_END, _SNIPPET_TOKENS, match, json.dumps(keys))).fetchall()}
            rows = [found[k] for k in keys if k in found]
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if raw and ("fts5" in text or "no such column" in text or "unterminated" in text or "syntax" in text):
                raise StoreError(
                    f"cannot parse the full-text query {query!r}: {text} "
                    "(see https://sqlite.org/fts5.html#full_text_query_syntax, or search without raw)",
                    code=Codes.BAD_QUERY,
                    source="search query",
                ) from exc
            raise self._error(exc, "searching", default_code=Codes.STORE_OPEN) from exc
        except sqlite3.Error as exc:
            raise self._error(exc, "searching", default_code=Codes.STORE_OPEN) from exc
        return [SearchHit(id=r[0], title=r[1], snippet=r[2] or "", score=-float(r[3])) for r in rows]

    def iter_articles(self, *, batch_size: int = 500) -> Iterator[Article]:
        """Every article in insertion order, ``batch_size`` records per query (no cursor is
        held open between batches, so the caller may write to the store meanwhile)."""
        if batch_size < 1:
            raise StoreError(f"batch_size must be at least 1, not {batch_size}", code=Codes.BAD_QUERY)
        last = 0
        while True:
            rows = self._read(
                "reading articles",
                "SELECT pk, id, record FROM articles WHERE pk > ? ORDER BY pk LIMIT ?",
                (last, batch_size),
            )
            if not rows:
                return
            for pk, article_id, record in rows:
                yield self._decode(article_id, record)
            last = rows[-1][0]

    # -- extension tables (additive: used by narrascope.dedup) ---------------------------
    @contextmanager
    def write_transaction(self, action: str) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction for code that keeps its own tables in this file;
        any error rolls it back and SQLite errors become StoreError naming ``action``."""
        with self._transaction(action) as conn:
            yield conn

    def query(self, action: str, sql: str, params: Sequence[object] = ()) -> builtins.list[tuple]:
        """Rows of one parameterised read-only statement (used by :mod:`narrascope.store.queries` and
        :mod:`narrascope.dedup`); SQLite errors become StoreError naming ``action``."""
        return self._read(action, sql, params)

    # -- lifetime ----------------------------------------------------------------------
    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    def __enter__(self) -> "SQLiteStore":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SQLiteStore({self.location!r}{', read_only=True' if self._read_only else ''})"
