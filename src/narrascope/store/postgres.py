"""The PostgreSQL store: same protocol and semantics as the SQLite store, on a server.

Selected by a ``postgresql://user@host[:port]/db`` URL (psycopg 3; ``pip install
'narrascope[postgres]'``).  Migrations come from ``migrations_pg/`` and are recorded in
``schema_migrations`` of the store's schema (the connection's ``search_path``, or the
``schema`` argument).  Every write is one transaction that first takes a
``SHARE ROW EXCLUSIVE`` lock on ``articles`` (writers queue, readers go on), and any error
rolls it back.  Full-text search uses a ``tsvector`` column with a GIN index; titles and
texts are lower-cased and Latin diacritics removed in Python before indexing, as SQLite's
``unicode61 remove_diacritics 2`` does, so no server extension is needed.
"""

from __future__ import annotations

import builtins
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from types import TracebackType
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql as pg_sql

from narrascope.doc import Article
from narrascope.errors import Codes, StoreError
from narrascope.store.annotations import annotation_rows
from narrascope.store.base import HIGHLIGHT_END, HIGHLIGHT_START, ArticleSummary, DateLike, PutResult, SearchHit
from narrascope.store.migrate import AppliedMigration, Migration, load_migrations
from narrascope.store.listing import check_page, id_chunks, list_query, summary_from_row
from narrascope.store.records import ArticleRow, article_row, decode_record

__all__ = ["PostgresStore", "block_rank_sql", "fold_search_text", "index_text", "public_url", "load_pg_migrations"]

_ID_CHUNK = 5000
_HEADLINE = (
    f'StartSel="{HIGHLIGHT_START}", StopSel="{HIGHLIGHT_END}", MaxWords=16, MinWords=6, '
    'MaxFragments=1, FragmentDelimiter=" … "'
)
_LATIN_MARKS = re.compile(r"([A-Za-z\u00c0-\u024f\u1e00-\u1eff])[\u0300-\u036f]+")
_SCHEMES = ("postgresql+psycopg://", "postgresql+psycopg2://", "postgresql://", "postgres://")
_WORD = re.compile(r"\w+")
_TSVECTOR_BUDGET = 700_000  # bytes; PostgreSQL refuses a tsvector over 1 MB
_TSVECTOR_SAFE_TEXT = 200_000  # characters of text that cannot come near the budget


def fold_search_text(text: str) -> str:
    """Lower-case, drop NULs and remove diacritics from Latin letters (``Zelenskýy`` → ``zelenskyy``)."""
    decomposed = unicodedata.normalize("NFD", text.replace("\x00", " "))
    return unicodedata.normalize("NFC", _LATIN_MARKS.sub(r"\1", decomposed)).lower()


def index_text(folded: str, budget: int = _TSVECTOR_BUDGET) -> str:
    """``folded`` cut so that its ``tsvector`` stays under PostgreSQL's 1 MB limit.

    Estimates each distinct word as its UTF-8 length + 8 bytes and each position as 2 bytes
    (at most 256 kept per word); a text with too many distinct words is indexed up to the word
    where the budget runs out (the stored record is complete either way).
    """
    if len(folded) <= _TSVECTOR_SAFE_TEXT:
        return folded
    seen: dict[str, int] = {}
    used = 0
    for match in _WORD.finditer(folded):
        word = match.group()
        n = seen.get(word)
        if n is None:
            used += len(word.encode("utf-8")) + 10
            seen[word] = 1
        elif n < 256:
            used += 2
            seen[word] = n + 1
        if used > budget:
            return folded[: match.start()]
    return folded


def block_rank_sql(tsquery: str, filters: str = "", key: str = "a.pk") -> str:
    """SQL (``?`` placeholders) for part of one rank block of full-text matches: rows ``(key, ts_rank, n)``.

    The matches of ``articles AS a`` (``a.search @@ tsquery`` plus ``filters``, each ``" AND ..."``) are
    taken newest stored first (by ``pk``) up to a scan limit, and ``n`` is how many were taken (the
    bounded count); the block is those at positions ``[offset, offset + size)``.  Only the block's
    tsvectors are ranked, so a word found in every article costs one block, not the corpus.  Rows come
    best first, ties by ``pk``.  Parameters: the tsquery text, the filters' values, the scan limit, the
    block size, the block's offset, the tsquery text again, then LIMIT and OFFSET within the block.
    The block's rows are found again by ``ctid`` (a TID scan in the same statement and snapshot).
    """
    return (
        "WITH c AS MATERIALIZED (SELECT a.ctid AS t, a.pk FROM articles AS a WHERE a.search @@ " + tsquery + filters
        + " ORDER BY a.pk DESC LIMIT ?), b AS (SELECT t FROM c ORDER BY pk DESC LIMIT ? OFFSET ?)"
        f" SELECT r.k, r.rank, (SELECT count(*) FROM c) FROM (SELECT {key} AS k, a.pk,"
        f" ts_rank(a.search, {tsquery}, 1) AS rank FROM articles AS a WHERE a.ctid = ANY(ARRAY(SELECT t FROM b))) AS r"
        " ORDER BY r.rank DESC, r.pk LIMIT ? OFFSET ?"
    )


def load_pg_migrations() -> list[Migration]:
    """The packaged PostgreSQL migrations (``migrations_pg/NNNN_name.sql``)."""
    return load_migrations(resources.files("narrascope.store") / "migrations_pg")


def public_url(url: str) -> str:
    """``url`` without its password (in the user part or a ``password=`` parameter)."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            user, host = netloc.rsplit("@", 1)
            if ":" in user:
                user = user.split(":", 1)[0] + ":***"
            netloc = f"{user}@{host}"
        query = urlencode(
            [(k, "***" if k.lower() == "password" else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)],
            safe="*",
        )
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:
        return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]+):[^@/]*@", r"\1:***@", url)


def _secrets(url: str) -> list[str]:
    """Passwords in ``url`` (also when it is malformed), to blank out of error messages."""
    found: list[str] = re.findall(r"^[A-Za-z][A-Za-z0-9+.-]*://[^:/@]*:([^@]*)@", url)
    found += re.findall(r"password=([^&\s]+)", url, flags=re.I)
    try:
        parts = urlsplit(url)
        if parts.password:
            found += [parts.password, unquote(parts.password)]
        found += [v for k, v in parse_qsl(parts.query) if k.lower() == "password" and v]
    except ValueError:
        pass
    return sorted({s for s in found if s}, key=len, reverse=True)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _flat(value: str | None) -> str | None:
    """PostgreSQL text cannot hold NUL: flat columns drop it (the record JSON keeps it escaped)."""
    return value.replace("\x00", "") if isinstance(value, str) else value




class PostgresStore:
    """A :class:`~narrascope.store.base.Store` in a PostgreSQL database.

    ``url``: a libpq URL (``postgresql://user:password@host:port/db?sslmode=...``).
    ``schema``: keep the tables in this schema (created when missing) instead of the
    connection's default ``search_path``.  ``timeout``: seconds to wait for another writer's
    lock.  ``read_only``: reads only (writes raise S002; the session is read-only too).
    """

    def __init__(
        self,
        url: str,
        *,
        schema: str | None = None,
        read_only: bool = False,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        migrations: Sequence[Migration] | None = None,
    ) -> None:
        text = url.strip()
        for scheme in _SCHEMES[:2]:
            if text.lower().startswith(scheme):
                text = "postgresql://" + text[len(scheme):]
        self._url = text
        self._shown = public_url(text)
        self._secret = _secrets(text)
        self._schema = schema
        self._read_only = read_only
        self._timeout = timeout
        self._connect_timeout = connect_timeout
        self._migrations = list(migrations) if migrations is not None else load_pg_migrations()
        self._conn: psycopg.Connection | None = None
        self._conn = self._open_connection(autocommit=True, create_schema=not read_only)
        try:
            self._migrate()
            if read_only:
                self._conn.execute("SET default_transaction_read_only = on")
        except BaseException:
            self._conn.close()
            self._conn = None
            raise

    #: SQL dialect of :meth:`query` and :meth:`write_transaction` (read by store.queries and dedup).
    dialect = "postgresql"

    # -- opening -----------------------------------------------------------------------
    @property
    def location(self) -> str:
        return self._shown

    @property
    def schema(self) -> str | None:
        return self._schema

    @property
    def read_only(self) -> bool:
        return self._read_only

    def _scrub(self, text: str) -> str:
        for secret in self._secret:
            text = text.replace(secret, "***")
        return text

    def _open_connection(self, *, autocommit: bool, create_schema: bool = False) -> psycopg.Connection:
        try:
            conn = psycopg.connect(self._url, autocommit=True, connect_timeout=max(1, int(self._connect_timeout)))
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot connect to the PostgreSQL server: {self._scrub(str(exc)).strip()}",
                code=Codes.STORE_OPEN,
                source=self._shown,
            ) from exc
        except (ValueError, TypeError) as exc:  # a URL libpq cannot parse
            raise StoreError(
                f"not a usable PostgreSQL URL ({self._scrub(str(exc))}); expected postgresql://user@host:port/db",
                code=Codes.STORE_OPEN,
                source=self._shown,
            ) from exc
        try:
            conn.execute(pg_sql.SQL("SET lock_timeout = {}").format(pg_sql.Literal(f"{int(self._timeout * 1000)}ms")))
            # psycopg prepares a statement run 5 times; PostgreSQL's generic plan for it cannot see how
            # common a search word or filter value is (a word in every article got a 10x slower plan)
            conn.execute("SET plan_cache_mode = force_custom_plan")
            if self._schema is not None:
                if create_schema:
                    conn.execute(pg_sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(pg_sql.Identifier(self._schema)))
                conn.execute(pg_sql.SQL("SET search_path TO {}").format(pg_sql.Identifier(self._schema)))
            current = conn.execute("SELECT current_schema()").fetchone()
            if current is None or current[0] is None:
                where = f"schema {self._schema!r}" if self._schema else "the search_path"
                raise StoreError(
                    f"{where} names no existing schema in this database", code=Codes.STORE_OPEN, source=self._shown
                )
            conn.autocommit = autocommit
        except psycopg.Error as exc:
            conn.close()
            raise self._error(exc, "opening the store", default_code=Codes.STORE_OPEN) from exc
        except BaseException:
            conn.close()
            raise
        return conn

    def _tables(self) -> set[str]:
        rows = self._connection().execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchall()
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
        except psycopg.Error as exc:
            raise self._error(exc, "reading the schema version", default_code=Codes.STORE_OPEN) from exc
        return [AppliedMigration(int(v), str(n), str(t)) for v, n, t in rows]

    def pending_migrations(self) -> builtins.list[Migration]:
        """Known migrations not yet applied to this database (reads only)."""
        done = {m.version for m in self.applied_migrations()}
        return [m for m in self._migrations if m.version not in done]

    def _migrate(self) -> None:
        try:
            tables = self._tables()
        except psycopg.Error as exc:
            raise self._error(exc, "opening the store", default_code=Codes.STORE_OPEN) from exc
        if "schema_migrations" not in tables and tables:
            raise StoreError(
                "is a PostgreSQL schema but not a narrascope store "
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

    def _apply(self, migration: Migration) -> None:
        with self._transaction(f"applying migration {migration.version:04d}_{migration.name}") as conn:
            # one migrator per schema at a time (concurrent openers wait here)
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.narrascope.migrate'))")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            done = conn.execute("SELECT 1 FROM schema_migrations WHERE version = %s", (migration.version,)).fetchone()
            if done:
                return
            conn.execute(migration.sql.encode("utf-8"))  # no parameters: the whole script in one go
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%s, %s, %s)",
                (migration.version, migration.name, _now()),
            )

    # -- plumbing ----------------------------------------------------------------------
    def _connection(self) -> psycopg.Connection:
        if self._conn is None:
            raise StoreError("the store is closed", code=Codes.STORE_OPEN, source=self.location)
        return self._conn

    def _error(self, exc: psycopg.Error, action: str, *, default_code: str = Codes.STORE_WRITE) -> StoreError:
        text = self._scrub(str(exc).strip())
        if isinstance(exc, pg_errors.DiskFull):
            return StoreError(
                f"database or disk is full while {action}; nothing was written ({text})",
                code=Codes.STORE_WRITE, source=self.location,
            )
        if isinstance(exc, pg_errors.ReadOnlySqlTransaction):
            return StoreError(
                f"the store is read-only (read-only session or server) — cannot write while {action}",
                code=Codes.STORE_WRITE, source=self.location,
            )
        if isinstance(exc, pg_errors.InsufficientPrivilege):
            return StoreError(
                f"permission denied while {action}: {text}", code=default_code, source=self.location
            )
        if isinstance(exc, (pg_errors.LockNotAvailable, pg_errors.DeadlockDetected)):
            return StoreError(
                f"the store is locked by another writer while {action}; try again", code=Codes.STORE_WRITE,
                source=self.location,
            )
        if isinstance(exc, pg_errors.ProgramLimitExceeded):
            return StoreError(f"{action} failed: a value is too large for PostgreSQL ({text})",
                              code=Codes.STORE_WRITE, source=self.location)
        if isinstance(exc, psycopg.OperationalError) and self._conn is not None and self._conn.closed:
            return StoreError(f"lost the connection to the server while {action}: {text}",
                              code=Codes.STORE_OPEN, source=self.location)
        return StoreError(f"{action} failed: {text}", code=default_code, source=self.location)

    @contextmanager
    def _transaction(self, action: str) -> Iterator[psycopg.Connection]:
        """One transaction; any exception rolls everything back."""
        conn = self._connection()
        if self._read_only:
            raise StoreError(f"the store is opened read-only; cannot write while {action}", source=self.location)
        try:
            with conn.transaction():
                yield conn
        except psycopg.Error as exc:
            raise self._error(exc, action) from exc

    def _read(self, action: str, query: str, params: Sequence[object] = ()) -> builtins.list[tuple]:
        try:
            return self._connection().execute(query, params).fetchall()
        except psycopg.Error as exc:
            raise self._error(exc, action, default_code=Codes.STORE_OPEN) from exc

    def _decode(self, article_id: str, record: str) -> Article:
        return decode_record(article_id, record, self.location)

    # -- writing -----------------------------------------------------------------------
    def put(self, articles: Iterable[Article]) -> PutResult:
        """Upsert by id in one transaction (other writers wait while ``articles`` is consumed:
        pass a list to keep it short).  Identical records are not rewritten."""
        inserted = updated = unchanged = 0
        with self._transaction("storing articles") as conn:
            conn.execute("LOCK TABLE articles IN SHARE ROW EXCLUSIVE MODE")
            for position, article in enumerate(articles):
                row = article_row(article, position)
                if "\x00" in row.id:
                    raise StoreError(f"item {position} has a NUL character in its id", code=Codes.STORE_WRITE,
                                     source=f"article {row.id!r}")
                found = conn.execute("SELECT record FROM articles WHERE id = %s", (row.id,)).fetchone()
                if found is not None and found[0] == row.record:
                    unchanged += 1
                    continue
                now = _now()
                if found is None:
                    self._insert(conn, row, article, now)
                    inserted += 1
                else:
                    self._update(conn, row, article, now)
                    updated += 1
                self._write_children(conn, row, article)
        return PutResult(inserted=inserted, updated=updated, unchanged=unchanged)

    @staticmethod
    def _search_params(article: Article) -> tuple[str, str, str]:
        return (
            article.text.replace("\x00", " "),
            index_text(fold_search_text(article.title)),
            index_text(fold_search_text(article.text)),
        )

    def _insert(self, conn: psycopg.Connection, row: ArticleRow, article: Article, now: str) -> None:
        conn.execute(
            "INSERT INTO articles (id, title, source, url, published, published_key, language, status, n_entities,"
            " schema_version, record, body, search, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s,"
            " %s, %s, %s, %s, to_tsvector('simple', %s) || to_tsvector('simple', %s), %s, %s)",
            (
                row.id, _flat(row.title), _flat(row.source), _flat(row.url), _flat(row.published), row.published_key,
                _flat(row.language), row.status, row.n_entities, row.schema_version, row.record,
                *self._search_params(article), now, now,
            ),
        )

    def _update(self, conn: psycopg.Connection, row: ArticleRow, article: Article, now: str) -> None:
        conn.execute(
            "UPDATE articles SET title = %s, source = %s, url = %s, published = %s, published_key = %s,"
            " language = %s, status = %s, n_entities = %s, schema_version = %s, record = %s, body = %s,"
            " search = to_tsvector('simple', %s) || to_tsvector('simple', %s), updated_at = %s WHERE id = %s",
            (
                _flat(row.title), _flat(row.source), _flat(row.url), _flat(row.published), row.published_key,
                _flat(row.language), row.status, row.n_entities, row.schema_version, row.record,
                *self._search_params(article), now, row.id,
            ),
        )

    @staticmethod
    def _write_children(conn: psycopg.Connection, row: ArticleRow, article: Article) -> None:
        with conn.cursor() as cur:
            cur.execute("DELETE FROM entities WHERE article_id = %s", (row.id,))
            entities = [(row.id, _flat(e.entity_id), _flat(e.name), _flat(e.type), e.n_mentions) for e in row.entities]
            if entities:
                cur.executemany(
                    "INSERT INTO entities (article_id, entity_id, name, type, n_mentions) VALUES (%s, %s, %s, %s, %s)",
                    entities,
                )
            cur.execute("DELETE FROM annotations WHERE article_id = %s", (row.id,))
            annotations = [tuple(_flat(v) for v in r) for r in annotation_rows(article)]
            if annotations:
                cur.executemany(
                    "INSERT INTO annotations (article_id, kind, label, sub_label, entity, main_role, published_day,"
                    " source) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    annotations,
                )

    def delete(self, ids: Iterable[str]) -> int:
        """Delete by id (entities and annotations go with them); returns how many were deleted."""
        deleted = 0
        with self._transaction("deleting articles") as conn:
            conn.execute("LOCK TABLE articles IN SHARE ROW EXCLUSIVE MODE")
            for chunk in id_chunks(ids, _ID_CHUNK):
                cur = conn.execute("DELETE FROM articles WHERE id = ANY(%s)", ([i for i in chunk if "\x00" not in i],))
                deleted += cur.rowcount
        return deleted

    # -- reading -----------------------------------------------------------------------
    def get(self, article_id: str) -> Article:
        rows = [] if "\x00" in article_id else self._read(
            "reading an article", "SELECT record FROM articles WHERE id = %s", (article_id,)
        )
        if not rows:
            raise StoreError(
                f"no article with id {article_id!r} in the store", code=Codes.NOT_FOUND, source=self.location
            )
        return self._decode(article_id, rows[0][0])

    def has(self, ids: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for chunk in id_chunks(ids, _ID_CHUNK):
            rows = self._read(
                "looking up ids", "SELECT id FROM articles WHERE id = ANY(%s)", ([i for i in chunk if "\x00" not in i],)
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
            "%s", limit=limit, offset=offset, language=language, source=source, since=since, until=until,
            status=status, text_value=_flat,
        )
        return [summary_from_row(r) for r in self._read("listing articles", sql, params)]

    def search(
        self, query: str, *, limit: int = 20, offset: int = 0, raw: bool = False
    ) -> builtins.list[SearchHit]:
        """Full-text search (tsvector, ``ts_rank``) over titles and clean texts.

        The query is read as plain words (``plainto_tsquery``: all must occur; quotes,
        ``*``, operators or SQL are just text).  ``raw=True`` reads it as PostgreSQL
        ``to_tsquery`` syntax (``&``, ``|``, ``!``, ``<->``, ``prefix:*``); a query it cannot
        parse raises StoreError S005.  Snippets come from ``ts_headline``.  Matches are ranked
        in blocks of :data:`narrascope.store.queries.RANK_BLOCK`, newest stored first, ties by
        storage order (as the API's search): a word found in every article ranks the newest
        block's matches first, at the cost of one block.
        """
        from narrascope.store.queries import RANK_BLOCK

        check_page(limit, offset)
        text = query.replace("\x00", " ") if isinstance(query, str) else ""
        if not text.strip():
            raise StoreError("the search query is empty", code=Codes.BAD_QUERY, source="search query")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise StoreError(f"the search query is not valid text ({exc.reason} at position {exc.start}): {query!r}",
                             code=Codes.BAD_QUERY, source="search query") from exc
        parse = "to_tsquery" if raw else "plainto_tsquery"
        statement = block_rank_sql(f"{parse}('simple', ?)").replace("?", "%s")  # no other ? in it
        tsquery = f"{parse}('simple', %s)"
        folded = fold_search_text(text)
        try:
            ranked: builtins.list[tuple[int, float]] = []
            position, end = offset, offset + limit
            conn = self._connection()
            while position < end:
                block = position // RANK_BLOCK
                take = min(end, (block + 1) * RANK_BLOCK) - position
                rows = conn.execute(statement, (folded, (block + 1) * RANK_BLOCK, RANK_BLOCK, block * RANK_BLOCK,
                                                folded, take, position - block * RANK_BLOCK)).fetchall()
                ranked += [(int(r[0]), float(r[1])) for r in rows]
                if len(rows) < take:
                    break
                position += take
            found = {r[0]: r[1:] for r in conn.execute(
                f"SELECT a.pk, a.id, a.title, ts_headline('simple', a.body, {tsquery}, %s) FROM articles AS a"
                " WHERE a.pk = ANY(%s)", (folded, _HEADLINE, [k for k, _ in ranked])).fetchall()} if ranked else {}
        except (pg_errors.SyntaxError, pg_errors.DataException) as exc:
            if raw:
                raise StoreError(
                    f"cannot parse the full-text query {query!r}: {str(exc).strip()} (PostgreSQL to_tsquery syntax: "
                    "& | ! <-> and prefix:*; or search without raw)",
                    code=Codes.BAD_QUERY,
                    source="search query",
                ) from exc
            raise self._error(exc, "searching", default_code=Codes.STORE_OPEN) from exc
        except psycopg.Error as exc:
            raise self._error(exc, "searching", default_code=Codes.STORE_OPEN) from exc
        return [SearchHit(id=found[k][0], title=found[k][1], snippet=found[k][2] or "", score=rank)
                for k, rank in ranked if k in found]

    def iter_articles(self, *, batch_size: int = 500) -> Iterator[Article]:
        """Every article in insertion order, through a server-side cursor fetching ``batch_size``
        rows at a time on a connection of its own (one consistent snapshot; the caller may
        write to the store meanwhile)."""
        if batch_size < 1:
            raise StoreError(f"batch_size must be at least 1, not {batch_size}", code=Codes.BAD_QUERY)
        self._connection()
        conn = self._open_connection(autocommit=False)
        try:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            with conn.cursor(name="narrascope_iter_articles") as cur:
                cur.itersize = batch_size
                cur.execute("SELECT id, record FROM articles ORDER BY pk")
                for article_id, record in cur:
                    yield self._decode(article_id, record)
        except psycopg.Error as exc:
            raise self._error(exc, "reading articles", default_code=Codes.STORE_OPEN) from exc
        finally:
            conn.close()

    # -- extension tables and corpus queries (used by narrascope.dedup and store.queries) ----
    @contextmanager
    def write_transaction(self, action: str) -> Iterator[psycopg.Connection]:
        """One transaction for code that keeps its own tables in this schema (``%s`` placeholders);
        it takes the writers' lock on ``articles`` first, so it serialises with put/delete as
        SQLite's ``BEGIN IMMEDIATE`` does.  Any error rolls it back and becomes StoreError naming ``action``."""
        with self._transaction(action) as conn:
            conn.execute("LOCK TABLE articles IN SHARE ROW EXCLUSIVE MODE")
            yield conn

    def query(self, action: str, sql: str, params: Sequence[object] = ()) -> builtins.list[tuple]:
        """Rows of one parameterised read-only statement (``%s`` placeholders); errors become StoreError
        naming ``action``."""
        return self._read(action, sql, params)

    # -- lifetime ----------------------------------------------------------------------
    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    def __enter__(self) -> "PostgresStore":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PostgresStore({self.location!r}{', read_only=True' if self._read_only else ''})"
