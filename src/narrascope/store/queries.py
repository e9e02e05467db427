"""Corpus queries for the server: filtered article lists and the aggregates behind the charts.

All SQL of the API and the dashboard lives here; every value reaches the database as a bound
parameter (labels, names, dates, search words), never as SQL text.  The queries read the
``articles``, ``entities``, full-text, ``annotations`` and ``rollup_*`` tables through
``query`` of :class:`~narrascope.store.sqlite.SQLiteStore` or
:class:`~narrascope.store.postgres.PostgresStore` (one statement text for both dialects).

A store without ``query`` (another backend) gets :class:`ScanCorpus`, which computes
the same answers in Python from :meth:`Store.iter_articles` — correct, but linear in the
corpus size.
"""

from __future__ import annotations

import functools

import pydantic_core

import builtins
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from narrascope.doc import Article
from narrascope.errors import Codes, StoreError
from narrascope.store.annotations import AnnotationRow, annotation_rows
from narrascope.store.base import HIGHLIGHT_END, HIGHLIGHT_START, Store
from narrascope.store.records import article_row, date_key, is_date_only

__all__ = [
    "MAIN_ROLES",
    "ArticleFilters",
    "ArticleItem",
    "ArticlePage",
    "Series",
    "RoleCell",
    "EntityCount",
    "Cluster",
    "DayCount",
    "Facets",
    "Corpus",
    "SQLCorpus",
    "RANK_BLOCK",
    "TOTAL_LIMIT",
    "ranked_fts_keys",
    "ScanCorpus",
    "corpus_for",
    "AggregateCache",
    "CachedCorpus",
]

MAIN_ROLES = ("Protagonist", "Antagonist", "Innocent")
LabelKind = Literal["narrative", "technique"]
Bucket = Literal["day", "week", "month"]
_BUCKET_LEN = {"day": 10, "month": 7}
MAX_LIMIT = 500


@dataclass(frozen=True)
class ArticleFilters:
    """What the list/search routes and the dashboard filter on (all optional, all combined with AND)."""

    q: str | None = None  # full-text words (all must occur)
    source: str | None = None
    language: str | None = None
    since: str | None = None  # ISO date/datetime
    until: str | None = None
    entity: str | None = None  # canonical entity name
    role: str | None = None  # main role of `entity` (or of any entity)
    narrative: str | None = None
    technique: str | None = None
    cluster: str | None = None
    status: str | None = None

    def active(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


@dataclass(frozen=True)
class ArticleItem:
    id: str
    title: str
    source: str | None
    url: str | None
    published: str | None
    language: str | None
    status: str
    n_entities: int
    snippet: str | None = None  # with HIGHLIGHT_START/END around matches when searching


@dataclass(frozen=True)
class ArticlePage:
    """One page of articles.  ``total_exact`` is False when a full-text search found more matches than
    it counts (:data:`TOTAL_LIMIT`): there are then more than ``total`` matches."""

    items: builtins.list[ArticleItem]
    total: int
    limit: int
    offset: int
    total_exact: bool = True


@dataclass(frozen=True)
class Series:
    """Counts of one label per time bucket (buckets shared by every series of a chart)."""

    label: str
    counts: builtins.list[int]
    total: int


@dataclass(frozen=True)
class TimeSeries:
    buckets: builtins.list[str]
    series: builtins.list[Series]


@dataclass(frozen=True)
class RoleCell:
    entity: str
    source: str
    counts: dict[str, int]  # main role -> number of articles


@dataclass(frozen=True)
class EntityCount:
    entity: str
    count: int


@dataclass(frozen=True)
class ClusterMember:
    id: str
    title: str
    source: str | None
    published: str | None


@dataclass(frozen=True)
class Cluster:
    cluster_id: str
    size: int
    first_day: str | None
    members: builtins.list[ClusterMember] = field(default_factory=list)


@dataclass(slots=True)  # not frozen: tens of thousands are built per request, 4x faster this way
class DayCount:
    day: str  # the bucket: YYYY-MM-DD (day, or the Monday of a week) or YYYY-MM
    source: str
    count: int


@dataclass(frozen=True)
class Facets:
    """Values to offer in filter menus, most frequent first."""

    sources: builtins.list[str]
    languages: builtins.list[str]
    narratives: builtins.list[str]
    techniques: builtins.list[str]
    total: int


class Corpus(Protocol):
    """The queries the API and dashboard need; :func:`corpus_for` picks the implementation."""

    def articles(self, filters: ArticleFilters, *, limit: int = 50, offset: int = 0) -> ArticlePage: ...
    def labels_over_time(
        self, kind: LabelKind, *, bucket: Bucket = "month", top: int = 8, source: str | None = None
    ) -> TimeSeries: ...
    def entity_role_matrix(self, *, top: int = 15, sources: int = 8) -> builtins.list[RoleCell]: ...
    def top_entities(self, role: str, *, limit: int = 10, source: str | None = None) -> builtins.list[EntityCount]: ...
    def clusters(self, *, limit: int = 20, offset: int = 0) -> builtins.list[Cluster]: ...
    def counts_by_day(
        self, *, since: str | None = None, until: str | None = None, bucket: Bucket = "day"
    ) -> builtins.list[DayCount]: ...
    def facets(self, *, limit: int = 50) -> Facets: ...


def corpus_for(store: Store, *, cache: "AggregateCache | None" = None) -> Corpus:
    """SQL queries for a store that can run them (``query`` and a ``dialect`` of ``"sqlite"`` or
    ``"postgresql"``), else a Python scan; with ``cache``,
    aggregate answers are reused until the store changes."""
    query = getattr(store, "query", None)
    dialect = getattr(store, "dialect", None)
    if callable(query) and dialect in ("sqlite", "postgresql"):
        corpus = SQLCorpus(functools.partial(query, "querying the corpus"), dialect=dialect)
        return CachedCorpus(corpus, cache) if cache is not None else corpus
    return ScanCorpus(store)


class AggregateCache:
    """Aggregate answers keyed by (query, arguments), valid while the store's fingerprint is unchanged.

    Thread-safe; shared by every request of one app.  At most ``max_entries`` answers are kept.
    """

    def __init__(self, max_entries: int = 256) -> None:
        self._entries: OrderedDict[tuple, tuple[object, object]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def get(self, key: tuple, fingerprint: object) -> tuple[bool, object]:
        with self._lock:
            hit = self._entries.get(key)
            if hit is None or hit[0] != fingerprint:
                return False, None
            self._entries.move_to_end(key)
            return True, hit[1]

    def put(self, key: tuple, fingerprint: object, value: object) -> None:
        with self._lock:
            self._entries[key] = (fingerprint, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


class CachedCorpus:
    """:class:`SQLCorpus` whose aggregates come from an :class:`AggregateCache` while the store is unchanged
    (checked on every call with two indexed queries); article lists and searches always run."""

    _CACHED = ("labels_over_time", "entity_role_matrix", "top_entities", "clusters", "counts_by_day", "counts_json",
               "facets")

    def __init__(self, corpus: SQLCorpus, cache: AggregateCache) -> None:
        self._corpus = corpus
        self._cache = cache

    def articles(self, filters: ArticleFilters, *, limit: int = 50, offset: int = 0) -> ArticlePage:
        return self._corpus.articles(filters, limit=limit, offset=offset)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        method = getattr(self._corpus, name)
        if name not in self._CACHED:
            return method

        def cached(*args: object, **kwargs: object) -> object:
            key = (name, args, tuple(sorted(kwargs.items())))
            fingerprint = self._corpus.fingerprint()
            found, value = self._cache.get(key, fingerprint)
            if not found:
                value = method(*args, **kwargs)
                self._cache.put(key, fingerprint, value)
            return value

        return cached


# -- checks shared by both implementations ------------------------------------------------
def _check_page(limit: int, offset: int) -> None:
    if not 0 <= limit <= MAX_LIMIT or offset < 0:
        raise StoreError(
            f"limit must be 0..{MAX_LIMIT} and offset >= 0 (got limit={limit}, offset={offset})",
            code=Codes.BAD_QUERY,
            source="limit/offset",
        )


def _check_text(filters: ArticleFilters) -> None:
    """Every filter value must be encodable text (a lone surrogate such as ``\\ud800`` is not)."""
    for name, value in filters.active().items():
        try:
            value.encode("utf-8")
        except (UnicodeEncodeError, AttributeError) as exc:
            raise StoreError(
                f"{name} is not valid text ({exc.reason if isinstance(exc, UnicodeEncodeError) else type(value).__name__}"
                f" at position {getattr(exc, 'start', 0)}): {value!r}",
                code=Codes.BAD_QUERY,
                source=name,
            ) from exc


def _check_role(role: str | None) -> None:
    if role is not None and role not in MAIN_ROLES:
        raise StoreError(
            f"role must be one of {', '.join(MAIN_ROLES)}, not {role!r}", code=Codes.BAD_QUERY, source="role"
        )


def _date(value: str | None, name: str) -> str | None:
    if value in (None, ""):
        return None
    key = date_key(value)
    if key is None:
        raise StoreError(
            f"{name} must be an ISO 8601 date (YYYY-MM-DD) or datetime, not {value!r}",
            code=Codes.BAD_QUERY,
            source=name,
        )
    return key


def _bucket_of(day: str, bucket: Bucket) -> str:
    if bucket == "week":
        from datetime import date, timedelta

        d = date.fromisoformat(day[:10])
        return (d - timedelta(days=d.weekday())).isoformat()
    return day[: _BUCKET_LEN[bucket]]


def _bucket_sql(column: str, bucket: Bucket) -> str:
    """SQL for the bucket of a ``YYYY-MM-DD...`` column (weeks start on Monday); ``column`` is ours, never input."""
    if bucket == "week":
        return f"date(substr({column}, 1, 10), '-6 days', 'weekday 1')"
    return f"substr({column}, 1, {_BUCKET_LEN[bucket]})"


def _check_bucket(bucket: str) -> None:
    if bucket not in ("day", "week", "month"):
        raise StoreError(f"bucket must be day, week or month, not {bucket!r}", code=Codes.BAD_QUERY, source="bucket")


def _check_kind(kind: str) -> None:
    if kind not in ("narrative", "technique"):
        raise StoreError(f"kind must be narrative or technique, not {kind!r}", code=Codes.BAD_QUERY, source="kind")


def _series(cells: dict[tuple[str, str], int], top: int) -> TimeSeries:
    totals: Counter[str] = Counter()
    for (_, label), n in cells.items():
        totals[label] += n
    labels = [label for label, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    buckets = sorted({b for b, label in cells if label in set(labels)})
    return TimeSeries(
        buckets=buckets,
        series=[
            Series(label=label, counts=[cells.get((b, label), 0) for b in buckets], total=totals[label])
            for label in labels
        ],
    )


# -- SQL ------------------------------------------------------------------------------------
_ARTICLE_COLUMNS = "a.id, a.title, a.source, a.url, a.published, a.language, a.status, a.n_entities"
_SNIPPET_TOKENS = 16
#: Full-text matches are ranked in blocks of this many, newest stored first (see SQLCorpus.articles).
RANK_BLOCK = 10_000
#: A full-text search counts its matches up to this many (or up to the end of the requested page's
#: rank block, if further); beyond it ``total`` is that bound and ``total_exact`` is False.
TOTAL_LIMIT = 10_000
_PG_HEADLINE = (
    f'StartSel="{HIGHLIGHT_START}", StopSel="{HIGHLIGHT_END}", MaxWords=16, MinWords=6, '
    'MaxFragments=1, FragmentDelimiter=" … "'
)
Dialect = Literal["sqlite", "postgresql"]


class SQLCorpus:
    """The queries in SQL, run through ``run(sql, params) -> rows``; ``dialect`` is ``"sqlite"``
    (``?`` placeholders, FTS5) or ``"postgresql"`` (``%s``, tsvector).  Statements are written
    once with ``?`` and translated for PostgreSQL.

    Chart aggregates read the rollup tables (migration 0003_rollups; PostgreSQL 0002_rollups),
    which triggers keep equal to the raw rows; a filter the rollups cannot answer (an outlet for
    the label series, a ``since`` with a time of day for the counts) reads the raw rows instead.
    """

    def __init__(self, run: Callable[[str, Sequence[object]], builtins.list[tuple]], *,
                 dialect: Dialect = "sqlite") -> None:
        if dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"unknown SQL dialect {dialect!r}")
        self._raw_run = run
        self._pg = dialect == "postgresql"
        self.dialect = dialect

    def _run(self, sql: str, params: Sequence[object]) -> builtins.list[tuple]:
        if self._pg:
            sql = sql.replace("%", "%%").replace("?", "%s")
            params = [v.replace("\x00", "") if isinstance(v, str) else v for v in params]
        return self._raw_run(sql, params)

    def _in(self, column: str) -> str:
        """``column IN <the list bound to this ?>`` (bind the list with :meth:`_list`)."""
        return f"{column} = ANY(?)" if self._pg else f"{column} IN (SELECT value FROM json_each(?))"

    def _list(self, values: Sequence[object]) -> object:
        return list(values) if self._pg else _json(values)

    def fingerprint(self) -> tuple[int, str | None]:
        """Changes whenever an article is added, changed or deleted: (count, newest updated_at)."""
        count = self._run("SELECT count(*) FROM articles", ())[0][0]
        newest = self._run("SELECT max(updated_at) FROM articles", ())[0][0]
        return int(count), newest

    def _where(self, filters: ArticleFilters) -> tuple[builtins.list[str], builtins.list[object]]:
        _check_role(filters.role or None)
        where: builtins.list[str] = []
        params: builtins.list[object] = []
        for column in ("source", "language", "status"):
            value = getattr(filters, column)
            if value:
                where.append(f"a.{column} = ?")
                params.append(value)
        since = _date(filters.since, "since")
        if since:
            where.append("a.published_key >= ?")
            params.append(since)
        until = _date(filters.until, "until")
        if until:
            where.append("substr(a.published_key, 1, 10) <= ?" if is_date_only(until) else "a.published_key <= ?")
            params.append(until)
        # Filters on what an article contains become one intersection of article-id sets: the
        # planners (SQLite and PostgreSQL) intersect the index scans instead of probing every
        # candidate article once per filter.
        members: builtins.list[str] = []
        if filters.role:
            sql = "SELECT article_id FROM annotations WHERE kind = 'role' AND main_role = ?"
            params.append(filters.role)
            if filters.entity:
                sql += " AND entity = ?"
                params.append(filters.entity)
            members.append(sql)
        elif filters.entity:
            members.append("SELECT article_id FROM entities WHERE name = ?")
            params.append(filters.entity)
        for kind, value in (("narrative", filters.narrative), ("technique", filters.technique),
                            ("cluster", filters.cluster)):
            if value:
                members.append("SELECT article_id FROM annotations WHERE kind = ? AND label = ?")
                params.extend((kind, value))
        if members:
            where.append("a.id IN (" + " INTERSECT ".join(members) + ")")
        return where, params

    def articles(self, filters: ArticleFilters, *, limit: int = 50, offset: int = 0) -> ArticlePage:
        """A page of matching articles, newest published first; with ``q``, best match first.

        Ranking order with ``q``: matches are split into blocks of :data:`RANK_BLOCK` by storage
        order, newest stored first, and ranked (SQLite bm25 / PostgreSQL ``ts_rank``) within each
        block, ties by storage order.  A query with at most ``RANK_BLOCK`` matches is therefore
        ranked over all of them; a very common word ranks the newest ``RANK_BLOCK`` matches first
        (the cost of ranking is bounded by the block, not by the corpus).

        ``total`` is exact without ``q``.  With ``q`` matches are counted up to :data:`TOTAL_LIMIT`
        (or to the end of the last rank block the page touches, if further): when there are more,
        ``total`` is that bound and ``total_exact`` is False (so the cost of counting is bounded too).
        """
        _check_page(limit, offset)
        _check_text(filters)
        where, params = self._where(filters)
        q = (filters.q or "").strip()
        exact = True
        if q:
            rows, total, exact = self._search(q, where, params, limit, offset)
        else:
            cond = (" WHERE " + " AND ".join(where)) if where else ""
            total = self._run("SELECT count(*) FROM articles AS a" + cond, params)[0][0]
            rows = self._run(
                f"SELECT {_ARTICLE_COLUMNS}, NULL FROM articles AS a" + cond
                + " ORDER BY a.published_key IS NULL, a.published_key DESC, a.id LIMIT ? OFFSET ?",
                (*params, limit, offset),
            )
        items = [
            ArticleItem(id=r[0], title=r[1], source=r[2], url=r[3], published=r[4], language=r[5], status=r[6],
                        n_entities=int(r[7]), snippet=r[8])
            for r in rows
        ]
        return ArticlePage(items=items, total=int(total), limit=limit, offset=offset, total_exact=exact)

    # -- full-text search -------------------------------------------------------------------
    @staticmethod
    def _count_bound(offset: int, limit: int) -> int:
        """How far a search counts its matches for the page ``[offset, offset + limit)`` (see :meth:`articles`)."""
        blocks = -(-(offset + limit) // RANK_BLOCK)
        return max(TOTAL_LIMIT, blocks * RANK_BLOCK)

    def _count_matches(self, base: str, params: Sequence[object], bound: int) -> tuple[int, int, bool]:
        """(counted, total, exact) for the matches of ``SELECT ... {base}``, counting at most one past
        ``bound``; ``counted`` is ``bound + 1`` when there are more."""
        counted = int(self._run(f"SELECT count(*) FROM (SELECT 1 {base} LIMIT ?) AS t", (*params, bound + 1))[0][0])
        return counted, min(counted, bound), counted <= bound

    def _search(self, q: str, where: builtins.list[str], params: builtins.list[object], limit: int,
                offset: int) -> tuple[builtins.list[tuple], int, bool]:
        if self._pg:
            return self._search_pg(q, where, params, limit, offset)
        from narrascope.store.sqlite import quote_fts_query

        match = quote_fts_query(q)
        if not match:
            raise StoreError("the search query is empty", code=Codes.BAD_QUERY, source="q")
        # Rank inside FTS5 (joining articles per match is what makes searches slow); filters as
        # `+rowid IN (...)` so that SQLite does not re-run the match per candidate row.
        key = "articles_fts.rowid"
        base = ("FROM articles_fts WHERE articles_fts MATCH ?"
                + (" AND +articles_fts.rowid IN (SELECT a.pk FROM articles AS a WHERE " + " AND ".join(where) + ")"
                   if where else ""))
        counted, total, exact = self._count_matches(base, (match, *params), self._count_bound(offset, limit))
        page = self._ranked_page(key, base, (match, *params), counted, limit, offset)
        if not page:
            return [], total, exact
        found = {r[-1]: r[:-1] for r in self._run(
            f"SELECT {_ARTICLE_COLUMNS}, snippet(articles_fts, -1, ?, ?, '…', ?), articles_fts.rowid"
            " FROM articles_fts CROSS JOIN articles AS a ON a.pk = articles_fts.rowid"
            " WHERE articles_fts MATCH ? AND " + self._in("articles_fts.rowid"),
            (HIGHLIGHT_START, HIGHLIGHT_END, _SNIPPET_TOKENS, match, self._list(page)))}
        return [found[k] for k in page if k in found], total, exact

    def _search_pg(self, q: str, where: builtins.list[str], params: builtins.list[object], limit: int,
                   offset: int) -> tuple[builtins.list[tuple], int, bool]:
        """One statement per rank block that the page touches (see
        :func:`narrascope.store.postgres.block_rank_sql`: it takes the newest matches up to the count
        bound, counts them and ranks only the block's tsvectors), then rows and snippets for the page."""
        from narrascope.store.postgres import block_rank_sql, fold_search_text

        match = fold_search_text(q)
        if not match.strip():
            raise StoreError("the search query is empty", code=Codes.BAD_QUERY, source="q")
        filters = "".join(" AND " + w for w in where)
        tsquery = "plainto_tsquery('simple', ?)"
        bound = self._count_bound(offset, limit)
        statement = block_rank_sql(tsquery, filters, "a.pk")
        counted: int | None = None
        page: builtins.list[int] = []
        position, end = offset, offset + limit
        while position < end:
            block = position // RANK_BLOCK
            take = min(end, (block + 1) * RANK_BLOCK) - position
            rows = self._run(statement, (match, *params, bound + 1, RANK_BLOCK, block * RANK_BLOCK, match, take,
                                         position - block * RANK_BLOCK))
            if rows:
                counted = int(rows[0][2])
            page += [r[0] for r in rows]
            if len(rows) < take:
                break
            position += take
        if counted is None:  # the page lies past the last match
            counted, _, _ = self._count_matches(
                f"FROM articles AS a WHERE a.search @@ {tsquery}{filters}", (match, *params), bound)
        total, exact = min(counted, bound), counted <= bound
        if not page:
            return [], total, exact
        found = {r[-1]: r[:-1] for r in self._run(
            f"SELECT {_ARTICLE_COLUMNS}, ts_headline('simple', a.body, plainto_tsquery('simple', ?), ?), a.pk"
            " FROM articles AS a WHERE " + self._in("a.pk"), (match, _PG_HEADLINE, self._list(page)))}
        return [found[k] for k in page if k in found], total, exact

    def _ranked_page(self, key: str, base: str, params: tuple, total: int, limit: int,
                     offset: int) -> builtins.list[int]:
        """FTS5 keys of the page ``[offset, offset + limit)`` in block-ranked order (see :meth:`articles`):
        bm25 is computed for one block of matches at a time, bounded by rowid."""

        def newest(position: int) -> int | None:  # the key of the match at this position, newest stored first
            rows = self._run(f"SELECT {key} {base} ORDER BY {key} DESC LIMIT 1 OFFSET ?", (*params, position))
            return rows[0][0] if rows else None  # None: fewer matches than counted (a concurrent delete)

        keys: builtins.list[int] = []
        position, end = offset, min(offset + limit, total)
        while position < end:
            block = position // RANK_BLOCK
            bounds, bound_params = "", []
            if total > RANK_BLOCK:
                upper = newest(block * RANK_BLOCK) if block > 0 else None
                if block > 0 and upper is None:
                    break
                lower = newest((block + 1) * RANK_BLOCK - 1) if (block + 1) * RANK_BLOCK < total else None
                for cond, value in ((f" AND {key} <= ?", upper), (f" AND {key} >= ?", lower)):
                    if value is not None:
                        bounds += cond
                        bound_params.append(value)
            take = min(end, (block + 1) * RANK_BLOCK) - position
            keys += [r[0] for r in self._run(
                f"SELECT {key} {base}{bounds} ORDER BY rank, {key} LIMIT ? OFFSET ?",
                (*params, *bound_params, take, position - block * RANK_BLOCK))]
            position += take
        return keys

    # -- aggregates ---------------------------------------------------------------------------
    def labels_over_time(
        self, kind: LabelKind, *, bucket: Bucket = "month", top: int = 8, source: str | None = None
    ) -> TimeSeries:
        _check_kind(kind)
        _check_bucket(bucket)
        if source:  # the rollup has no outlet: raw rows, grouped by the stored day
            rows = self._run(
                "SELECT published_day, label, count(*) FROM annotations WHERE kind = ? AND sub_label IS NULL"
                " AND published_day IS NOT NULL AND source = ? GROUP BY published_day, label", (kind, source))
        else:
            rows = self._run("SELECT day, label, n FROM rollup_labels WHERE kind = ? AND day != ''", (kind,))
        cells: dict[tuple[str, str], int] = defaultdict(int)
        buckets: dict[str, str] = {}
        for day, label, n in rows:
            b = buckets.get(day)
            if b is None:
                b = buckets[day] = _bucket_of(day, bucket)
            cells[(b, label)] += int(n)
        return _series(cells, top)

    def entity_role_matrix(self, *, top: int = 15, sources: int = 8) -> builtins.list[RoleCell]:
        entities = [r[0] for r in self._run(
            "SELECT entity, sum(n) AS t FROM rollup_roles GROUP BY entity ORDER BY t DESC, entity LIMIT ?", (top,))]
        outlets = self._top_outlets(sources)
        if not entities or not outlets:
            return []
        rows = self._run(
            "SELECT entity, source, main_role, n FROM rollup_roles WHERE "
            + self._in("entity") + " AND " + self._in("source"),
            (self._list(entities), self._list(outlets)),
        )
        return _cells(rows, entities, outlets)

    def _top_outlets(self, limit: int) -> builtins.list[str]:
        return [r[0] for r in self._run(
            "SELECT source, sum(n) AS t FROM rollup_articles WHERE source != '' GROUP BY source"
            " ORDER BY t DESC, source LIMIT ?", (limit,))]

    def top_entities(self, role: str, *, limit: int = 10, source: str | None = None) -> builtins.list[EntityCount]:
        _check_role(role)
        _check_page(limit, 0)
        rows = self._run(
            "SELECT entity, sum(n) AS t FROM rollup_roles WHERE main_role = ?"
            + (" AND source = ?" if source else "")
            + " GROUP BY entity ORDER BY t DESC, entity LIMIT ?",
            (role, source, limit) if source else (role, limit),
        )
        return [EntityCount(entity=r[0], count=int(r[1])) for r in rows]

    def clusters(self, *, limit: int = 20, offset: int = 0) -> builtins.list[Cluster]:
        _check_page(limit, offset)
        rows = self._run(
            "SELECT label, count(*) AS n, min(published_day) FROM annotations WHERE kind = 'cluster'"
            " GROUP BY label ORDER BY n DESC, label LIMIT ? OFFSET ?",
            (limit, offset),
        )
        if not rows:
            return []
        members: dict[str, builtins.list[ClusterMember]] = defaultdict(list)
        for label, aid, title, source, published in self._run(
            "SELECT n.label, a.id, a.title, a.source, a.published FROM annotations AS n"
            " JOIN articles AS a ON a.id = n.article_id WHERE n.kind = 'cluster'"
            " AND " + self._in("n.label") + " ORDER BY a.published_key IS NULL, a.published_key, a.id",
            (self._list([r[0] for r in rows]),),
        ):
            members[label].append(ClusterMember(id=aid, title=title, source=source, published=published))
        return [Cluster(cluster_id=r[0], size=int(r[1]), first_day=r[2], members=members[r[0]]) for r in rows]

    def counts_by_day(
        self, *, since: str | None = None, until: str | None = None, bucket: Bucket = "day"
    ) -> builtins.list[DayCount]:
        _check_bucket(bucket)
        s, u = _date(since, "since"), _date(until, "until")
        width = 7 if bucket == "month" else 10
        if s is None or is_date_only(s):  # whole days: the rollup
            where, params = ["day != ''"], []
            for cond, value in (("day >= ?", s), ("day <= ?", u[:10] if u else None)):
                if value:
                    where.append(cond)
                    params.append(value)
            if bucket == "month":
                rows = self._run(
                    "SELECT substr(day, 1, 7) AS d, source, sum(n) FROM rollup_articles"
                    " WHERE " + " AND ".join(where) + " GROUP BY d, source ORDER BY d, source", params)
            else:  # one row per (day, outlet) already, in key order
                rows = self._run(
                    "SELECT day, source, n FROM rollup_articles WHERE " + " AND ".join(where) + " ORDER BY day, source",
                    params)
        else:  # since has a time of day: the raw rows
            where, params = ["published_key IS NOT NULL", "published_key >= ?"], [s]
            if u:
                where.append("substr(published_key, 1, 10) <= ?")
                params.append(u[:10])
            rows = self._run(
                f"SELECT substr(published_key, 1, {width}) AS d, coalesce(source, '') AS src, count(*) FROM articles"
                " WHERE " + " AND ".join(where) + " GROUP BY d, src ORDER BY d, src", params)
        if bucket == "day" and (s is None or is_date_only(s)):  # rollup counts are integers already
            return [DayCount(day, src, n) for day, src, n in rows]
        if bucket != "week":
            return [DayCount(day=r[0], source=r[1], count=int(r[2])) for r in rows]
        weeks: Counter[tuple[str, str]] = Counter()
        mondays: dict[str, str] = {}
        for day, src, n in rows:
            monday = mondays.get(day)
            if monday is None:
                monday = mondays[day] = _bucket_of(day, "week")
            weeks[(monday, src)] += int(n)
        return [DayCount(day=d, source=src, count=n) for (d, src), n in sorted(weeks.items())]

    def counts_json(self, *, since: str | None = None, until: str | None = None, bucket: Bucket = "day") -> bytes:
        """``{"ok": true, "bucket": ..., "items": [...]}`` with the items of :meth:`counts_by_day`.

        Per day and outlet there are tens of thousands of items: from the rollup (days or months,
        ``since`` a whole day) the database builds the JSON array itself, so no Python object is
        made per item; other requests serialise :meth:`counts_by_day`."""
        _check_bucket(bucket)
        s, u = _date(since, "since"), _date(until, "until")
        if bucket == "week" or not (s is None or is_date_only(s)):
            return pydantic_core.to_json({"ok": True, "bucket": bucket,
                                          "items": self.counts_by_day(since=since, until=until, bucket=bucket)})
        where, params = ["day != ''"], []
        for cond, value in (("day >= ?", s), ("day <= ?", u[:10] if u else None)):
            if value:
                where.append(cond)
                params.append(value)
        rows = (f"SELECT day AS d, source, n FROM rollup_articles WHERE {' AND '.join(where)}" if bucket == "day" else
                f"SELECT substr(day, 1, 7) AS d, source, sum(n) AS n FROM rollup_articles WHERE {' AND '.join(where)}"
                " GROUP BY d, source")
        if self._pg:
            sql = ("SELECT coalesce(json_agg(json_build_object('day', d, 'source', source, 'count', n)"
                   f" ORDER BY d, source), '[]')::text FROM ({rows}) AS t")
        else:  # SQLite aggregates the rows in the order of the subquery
            sql = ("SELECT coalesce(json_group_array(json_object('day', d, 'source', source, 'count', n)), '[]')"
                   f" FROM ({rows} ORDER BY d, source)")
        items = self._run(sql, params)[0][0]
        return b'{"ok":true,"bucket":"' + bucket.encode() + b'","items":' + items.encode("utf-8") + b"}"

    def facets(self, *, limit: int = 50) -> Facets:
        def top(sql: str, params: Sequence[object] = ()) -> builtins.list[str]:
            return [r[0] for r in self._run(sql, (*params, limit))]

        return Facets(
            sources=self._top_outlets(limit),
            languages=top("SELECT language FROM rollup_languages WHERE language != '' ORDER BY n DESC, language"
                          " LIMIT ?"),
            narratives=top("SELECT label, sum(n) AS t FROM rollup_labels WHERE kind = ? GROUP BY label"
                           " ORDER BY t DESC, label LIMIT ?", ("narrative",)),
            techniques=top("SELECT label, sum(n) AS t FROM rollup_labels WHERE kind = ? GROUP BY label"
                           " ORDER BY t DESC, label LIMIT ?", ("technique",)),
            total=int(self._run("SELECT count(*) FROM articles", ())[0][0]),
        )


def ranked_fts_keys(run: Callable[[str, Sequence[object]], builtins.list[tuple]], match: str, *, limit: int,
                    offset: int) -> builtins.list[int]:
    """SQLite FTS5 rowids of the page ``[offset, offset + limit)`` of the matches of ``match`` (FTS5
    syntax), in the block-ranked order of :meth:`SQLCorpus.articles` (for ``SQLiteStore.search``)."""
    corpus = SQLCorpus(run, dialect="sqlite")
    base = "FROM articles_fts WHERE articles_fts MATCH ?"
    counted, _, _ = corpus._count_matches(base, (match,), corpus._count_bound(offset, limit))
    return corpus._ranked_page("articles_fts.rowid", base, (match,), counted, limit, offset)


def _json(values: Sequence[str]) -> str:
    import json

    return json.dumps(list(values))


def _cells(rows: Sequence[tuple], entities: Sequence[str], outlets: Sequence[str]) -> builtins.list[RoleCell]:
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for entity, source, role, n in rows:
        counts.setdefault((entity, source), {})[role] = int(n)
    return [
        RoleCell(entity=e, source=s, counts={r: counts.get((e, s), {}).get(r, 0) for r in MAIN_ROLES})
        for e in entities
        for s in outlets
    ]


# -- Python scan (any Store) ---------------------------------------------------------------
class ScanCorpus:
    """The same queries computed from :meth:`Store.iter_articles` (any backend; linear time).

    One difference: ``q`` matches each word case-insensitively anywhere in the title or text
    (no tokenizer, no ranking) and results stay newest first.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def _articles(self) -> builtins.list[Article]:
        return list(self._store.iter_articles())

    def _rows(self) -> Iterator[AnnotationRow]:
        for article in self._store.iter_articles():
            yield from annotation_rows(article)

    def articles(self, filters: ArticleFilters, *, limit: int = 50, offset: int = 0) -> ArticlePage:
        _check_page(limit, offset)
        _check_role(filters.role or None)
        since, until = _date(filters.since, "since"), _date(filters.until, "until")
        words = [w.casefold() for w in (filters.q or "").split()]
        chosen = []
        for article in self._store.iter_articles():
            row = article_row(article)
            if any(getattr(filters, c) and getattr(row, c) != getattr(filters, c)
                   for c in ("source", "language", "status")):
                continue
            key = row.published_key
            if since and (key is None or key < since):
                continue
            if until and (key is None or (key[:10] > until if is_date_only(until) else key > until)):
                continue
            ann = annotation_rows(article)
            if filters.role and not any(r.kind == "role" and r.main_role == filters.role
                                        and (not filters.entity or r.entity == filters.entity) for r in ann):
                continue
            if filters.entity and not filters.role and filters.entity not in {e.name for e in article.entities}:
                continue
            if any(value and not any(r.kind == kind and r.label == value for r in ann)
                   for kind, value in (("narrative", filters.narrative), ("technique", filters.technique),
                                       ("cluster", filters.cluster))):
                continue
            haystack = f"{article.title}\n{article.text}".casefold()
            if words and not all(w in haystack for w in words):
                continue
            chosen.append((key, article.id, row))
        chosen.sort(key=lambda t: (t[0] is None, _neg(t[0]), t[1]))
        items = [
            ArticleItem(id=r.id, title=r.title, source=r.source, url=r.url, published=r.published,
                        language=r.language, status=r.status, n_entities=r.n_entities)
            for _, _, r in chosen[offset: offset + limit]
        ]
        return ArticlePage(items=items, total=len(chosen), limit=limit, offset=offset)

    def labels_over_time(
        self, kind: LabelKind, *, bucket: Bucket = "month", top: int = 8, source: str | None = None
    ) -> TimeSeries:
        _check_kind(kind)
        _check_bucket(bucket)
        cells: dict[tuple[str, str], int] = defaultdict(int)
        for r in self._rows():
            if r.kind == kind and r.sub_label is None and r.published_day and (not source or r.source == source):
                cells[(_bucket_of(r.published_day, bucket), r.label)] += 1
        return _series(cells, top)

    def entity_role_matrix(self, *, top: int = 15, sources: int = 8) -> builtins.list[RoleCell]:
        rows = [r for r in self._rows() if r.kind == "role"]
        entities = _most(Counter(r.entity for r in rows), top)
        outlets = _most(Counter(a.meta.source for a in self._store.iter_articles() if a.meta.source), sources)
        if not entities or not outlets:
            return []
        grouped = Counter((r.entity, r.source, r.main_role) for r in rows)
        return _cells([(*k, n) for k, n in grouped.items()], entities, outlets)

    def top_entities(self, role: str, *, limit: int = 10, source: str | None = None) -> builtins.list[EntityCount]:
        _check_role(role)
        _check_page(limit, 0)
        counts = Counter(r.entity for r in self._rows()
                         if r.kind == "role" and r.main_role == role and (not source or r.source == source))
        return [EntityCount(entity=e, count=counts[e]) for e in _most(counts, limit)]

    def clusters(self, *, limit: int = 20, offset: int = 0) -> builtins.list[Cluster]:
        _check_page(limit, offset)
        members: dict[str, builtins.list[tuple]] = defaultdict(list)
        for article in self._articles():
            if article.duplicates is not None:
                key = date_key(article.meta.published)
                members[article.duplicates.cluster_id].append((key, article))
        order = sorted(members, key=lambda c: (-len(members[c]), c))[offset: offset + limit]
        out = []
        for cid in order:
            entries = sorted(members[cid], key=lambda t: (t[0] is None, t[0] or "", t[1].id))
            days = [k[:10] for k, _ in entries if k]
            out.append(Cluster(cluster_id=cid, size=len(entries), first_day=min(days) if days else None, members=[
                ClusterMember(id=a.id, title=a.title, source=a.meta.source, published=a.meta.published)
                for _, a in entries]))
        return out

    def counts_by_day(
        self, *, since: str | None = None, until: str | None = None, bucket: Bucket = "day"
    ) -> builtins.list[DayCount]:
        _check_bucket(bucket)
        s, u = _date(since, "since"), _date(until, "until")
        counts: Counter[tuple[str, str]] = Counter()
        for article in self._store.iter_articles():
            key = date_key(article.meta.published)
            if key is None or (s and key < s) or (u and key[:10] > u[:10]):
                continue
            counts[(_bucket_of(key[:10], bucket), article.meta.source or "")] += 1
        return [DayCount(day=d, source=src, count=n) for (d, src), n in sorted(counts.items())]

    def facets(self, *, limit: int = 50) -> Facets:
        sources: Counter[str] = Counter()
        languages: Counter[str] = Counter()
        narratives: Counter[str] = Counter()
        techniques: Counter[str] = Counter()
        total = 0
        for article in self._store.iter_articles():
            total += 1
            if article.meta.source:
                sources[article.meta.source] += 1
            if article.language:
                languages[article.language] += 1
            for r in annotation_rows(article):
                if r.kind == "narrative" and r.sub_label is None:
                    narratives[r.label] += 1
                elif r.kind == "technique":
                    techniques[r.label] += 1
        return Facets(sources=_most(sources, limit), languages=_most(languages, limit),
                      narratives=_most(narratives, limit), techniques=_most(techniques, limit), total=total)


def _most(counts: Counter, n: int) -> builtins.list[str]:  # type: ignore[type-arg]
    return [k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


class _Desc(str):
    """A string that sorts in reverse (for newest-first ordering)."""

    def __lt__(self, other: str) -> bool:  # type: ignore[override]
        return str.__gt__(self, other)


def _neg(key: str | None) -> _Desc:
    return _Desc(key or "")


