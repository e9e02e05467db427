"""The near-duplicate index in the store and the incremental clustering over it.

Signatures and LSH band keys live in tables of the store (numbered migrations: SQLite
``0004_duplicates``, PostgreSQL ``0003_duplicates``), on either backend.  A new article is
compared only with the stored articles that share a band key, and linked to those whose
estimated Jaccard similarity reaches ``threshold``; linked articles form a cluster (connected
components).  ``cluster_id`` is the id of the member stored first; ``earliest_id`` the member
published first (undated last, then by insertion).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Any

import numpy as np

from narrascope.doc import DuplicateInfo
from narrascope.errors import Codes, StoreError
from narrascope.dedup.minhash import band_keys, body_shingles, signature, similarity

__all__ = ["DedupSettings", "DedupSummary", "update_duplicates", "list_clusters", "ensure_schema"]

_CHUNK = 1000
_TABLES = {"dup_signatures", "dup_bands", "dup_members"}


@dataclass(frozen=True)
class DedupSettings:
    threshold: float = 0.5  # estimated Jaccard similarity of body shingles
    num_perm: int = 128
    bands: int = 32  # 32 bands x 4 rows: P(candidate) = 0.87 at J=0.5, 0.99 at J=0.6
    shingle_size: int = 4


@dataclass
class DedupSummary:
    indexed: int = 0  # articles signed in this call
    links: int = 0  # new similar pairs found
    clusters: int = 0  # clusters in the store after the call
    changed_clusters: int = 0
    articles_updated: int = 0  # records whose Article.duplicates was rewritten
    seconds: float = 0.0


class _Db:
    """The store's ``query`` / ``write_transaction`` with statements written once (``?`` placeholders,
    SQLite spelling) and translated for PostgreSQL where the dialects differ."""

    def __init__(self, store: Any) -> None:
        dialect = getattr(store, "dialect", None)
        if not hasattr(store, "write_transaction") or not hasattr(store, "query") or dialect not in (
                "sqlite", "postgresql"):
            raise StoreError(
                f"duplicate detection needs a SQLite or PostgreSQL store, not {type(store).__name__}",
                code=Codes.STORE_OPEN,
                source=getattr(store, "location", None),
            )
        self.store = store
        self.pg = dialect == "postgresql"

    def sql(self, text: str) -> str:
        return text.replace("%", "%%").replace("?", "%s") if self.pg else text

    def query(self, action: str, text: str, params: Sequence[object] = ()) -> list[tuple]:
        return self.store.query(action, self.sql(text), params)

    def in_(self, column: str) -> str:
        """``column IN <the list bound here>`` (bind it with :meth:`ids`)."""
        return f"{column} = ANY(?)" if self.pg else f"{column} IN (SELECT value FROM json_each(?))"

    def ids(self, values: Iterable[str]) -> object:
        import json

        unique = sorted(set(values))
        return unique if self.pg else json.dumps(unique)

    def many(self, conn: Any, text: str, rows: Sequence[Sequence[object]]) -> None:
        if rows:
            with closing(conn.cursor()) as cur:
                cur.executemany(self.sql(text), rows)

    def tables(self) -> set[str]:
        if self.pg:
            rows = self.store.query("checking duplicate tables", "SELECT table_name FROM information_schema.tables"
                                    " WHERE table_schema = current_schema()")
        else:
            rows = self.store.query("checking duplicate tables", "SELECT name FROM sqlite_master WHERE type = 'table'")
        return {r[0] for r in rows}


def ensure_schema(store: Any) -> None:
    """Check that the store has the duplicate tables (its migrations create them; StoreError S003 if not)."""
    db = _Db(store)
    missing = _TABLES - db.tables()
    if missing:
        raise StoreError(
            f"the store has no duplicate tables ({', '.join(sorted(missing))}); open it once without read-only "
            "so that its schema migrations run",
            code=Codes.STORE_SCHEMA,
            source=getattr(store, "location", None),
        )


def _sig_from_blob(blob: bytes | memoryview | None) -> np.ndarray | None:
    return None if blob is None else np.frombuffer(bytes(blob), dtype=np.uint64)


def _index_new(db: _Db, cfg: DedupSettings, summary: DedupSummary) -> list[tuple[str, np.ndarray]]:
    """Sign every stored article without a signature; returns (id, signature) of the signed ones."""
    signed: list[tuple[str, np.ndarray]] = []
    # PostgreSQL keeps the clean text (NUL as space, same offsets) in `body`
    text, start = (("a.body", "(a.record::json ->> 'body_start')::bigint") if db.pg else
                   ("json_extract(a.record, '$.text')", "json_extract(a.record, '$.body_start')"))
    last = 0
    while True:
        rows = db.query(
            "finding unsigned articles",
            f"SELECT a.pk, a.id, {text}, {start} FROM articles a WHERE a.pk > ? AND NOT EXISTS"
            " (SELECT 1 FROM dup_signatures s WHERE s.article_id = a.id) ORDER BY a.pk LIMIT ?",
            (last, _CHUNK),
        )
        if not rows:
            return signed
        last = rows[-1][0]
        batch = []
        for _pk, article_id, body_text, body_start in rows:
            body = (body_text or "")[int(body_start or 0) :]
            sig = signature(body_shingles(body, size=cfg.shingle_size), num_perm=cfg.num_perm)
            batch.append((article_id, sig))
        with db.store.write_transaction("storing duplicate signatures") as conn:
            db.many(
                conn,
                "INSERT INTO dup_signatures (article_id, num_perm, signature) VALUES (?, ?, ?) ON CONFLICT (article_id)"
                " DO UPDATE SET num_perm = excluded.num_perm, signature = excluded.signature",
                [(i, cfg.num_perm, None if s is None else s.tobytes()) for i, s in batch],
            )
            db.many(
                conn,
                "INSERT INTO dup_bands (band, key, article_id) VALUES (?, ?, ?)",
                [(b, k, i) for i, s in batch if s is not None for b, k in enumerate(band_keys(s, cfg.bands))],
            )
        summary.indexed += len(batch)
        signed.extend((i, s) for i, s in batch if s is not None)


def _links(db: _Db, cfg: DedupSettings, signed: list[tuple[str, np.ndarray]]) -> list[tuple[str, str]]:
    import json

    if db.pg:
        candidates = ("SELECT DISTINCT d.article_id, s.signature FROM unnest(?::int[], ?::bigint[]) AS q(band, key)"
                      " JOIN dup_bands d ON d.band = q.band AND d.key = q.key"
                      " JOIN dup_signatures s ON s.article_id = d.article_id WHERE d.article_id != ?")
    else:
        candidates = ("SELECT DISTINCT d.article_id, s.signature FROM json_each(?) AS q"
                      " JOIN dup_bands d ON d.band = json_extract(q.value, '$[0]')"
                      " AND d.key = json_extract(q.value, '$[1]')"
                      " JOIN dup_signatures s ON s.article_id = d.article_id WHERE d.article_id != ?")
    links: list[tuple[str, str]] = []
    for article_id, sig in signed:
        keys = band_keys(sig, cfg.bands)
        params: tuple = ((list(range(len(keys))), keys, article_id) if db.pg
                         else (json.dumps([[b, k] for b, k in enumerate(keys)]), article_id))
        for other, blob in db.query("finding duplicate candidates", candidates, params):
            other_sig = _sig_from_blob(blob)
            if other_sig is not None and len(other_sig) == len(sig) and similarity(sig, other_sig) >= cfg.threshold:
                links.append((article_id, other) if article_id < other else (other, article_id))
    return sorted(set(links))


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _cluster_rows(db: _Db, cluster_ids: Iterable[str]) -> list[tuple[str, str, str | None, int]]:
    """(cluster_id, article_id, published_key, pk) of the members of ``cluster_ids``."""
    return db.query(
        "reading duplicate clusters",
        "SELECT m.cluster_id, m.article_id, a.published_key, a.pk FROM dup_members m"
        " JOIN articles a ON a.id = m.article_id WHERE " + db.in_("m.cluster_id")
        + " ORDER BY m.cluster_id, a.published_key IS NULL, a.published_key, a.pk",
        (db.ids(cluster_ids),),
    )


def _merge(db: _Db, links: list[tuple[str, str]]) -> set[str]:
    """Merge the new links into ``dup_members``; returns the ids of the clusters that changed."""
    if not links:
        return set()
    ids = {x for pair in links for x in pair}
    current = dict(
        db.query(
            "reading duplicate clusters",
            "SELECT article_id, cluster_id FROM dup_members WHERE " + db.in_("article_id"),
            (db.ids(ids),),
        )
    )
    old_clusters = set(current.values())
    uf = _UnionFind()
    for cluster_id, article_id, _key, _pk in _cluster_rows(db, old_clusters):
        uf.union(cluster_id, article_id)
        ids.add(article_id)
    for a, b in links:
        uf.union(a, b)
    pks = dict(db.query("reading article order", "SELECT id, pk FROM articles WHERE " + db.in_("id"), (db.ids(ids),)))
    groups: dict[str, list[str]] = {}
    for article_id in ids:
        if article_id in pks:
            groups.setdefault(uf.find(article_id), []).append(article_id)
    rows = []
    changed: set[str] = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        cluster_id = min(members, key=lambda m: pks[m])
        changed.add(cluster_id)
        rows.extend((m, cluster_id) for m in members)
    with db.store.write_transaction("storing duplicate clusters") as conn:
        conn.execute(db.sql("DELETE FROM dup_members WHERE " + db.in_("cluster_id")), (db.ids(old_clusters),))
        db.many(conn, "INSERT INTO dup_members (article_id, cluster_id) VALUES (?, ?) ON CONFLICT (article_id)"
                      " DO UPDATE SET cluster_id = excluded.cluster_id", rows)
    return changed


def _infos(db: _Db, cluster_ids: Iterable[str]) -> list[DuplicateInfo]:
    clusters: dict[str, list[str]] = {}
    for cluster_id, article_id, _key, _pk in _cluster_rows(db, cluster_ids):
        clusters.setdefault(cluster_id, []).append(article_id)
    return [DuplicateInfo(cluster_id=c, earliest_id=m[0], members=m) for c, m in sorted(clusters.items())]


def _write_infos(store: Any, infos: list[DuplicateInfo]) -> int:
    updated = 0
    pending = []
    for info in infos:
        for member in info.members:
            article = store.get(member)
            if article.duplicates != info:
                article.duplicates = info
                pending.append(article)
        if len(pending) >= 200:
            updated += store.put(pending).updated
            pending = []
    if pending:
        updated += store.put(pending).updated
    return updated


def update_duplicates(
    store: Any, *, touched: Iterable[str] = (), settings: DedupSettings | None = None
) -> DedupSummary:
    """Index unsigned articles, link near-duplicates, and rewrite ``Article.duplicates`` of the
    members of every changed cluster and of every cluster holding one of ``touched`` (ids whose
    records were just rewritten).  Each step is its own transaction; an interrupted call is
    completed by the next one.  Works on SQLite and PostgreSQL stores; a read-only store raises S002."""
    db = _Db(store)
    if getattr(store, "read_only", False):
        raise StoreError("the store is opened read-only; cannot update the duplicate clusters",
                         code=Codes.STORE_WRITE, source=getattr(store, "location", None))
    ensure_schema(store)
    cfg = settings or DedupSettings()
    started = time.perf_counter()
    summary = DedupSummary()
    signed = _index_new(db, cfg, summary)
    links = _links(db, cfg, signed)
    summary.links = len(links)
    changed = _merge(db, links)
    touched_ids = list(touched)
    if touched_ids:
        changed |= {
            r[0]
            for r in db.query(
                "reading duplicate clusters",
                "SELECT DISTINCT cluster_id FROM dup_members WHERE " + db.in_("article_id"),
                (db.ids(touched_ids),),
            )
        }
    summary.changed_clusters = len(changed)
    summary.articles_updated = _write_infos(store, _infos(db, changed))
    summary.clusters = int(db.query("counting clusters", "SELECT count(DISTINCT cluster_id) FROM dup_members")[0][0])
    summary.seconds = time.perf_counter() - started
    return summary


def list_clusters(store: Any, article_id: str | None = None, *, limit: int | None = None) -> list[DuplicateInfo]:
    """Every cluster (largest first), or only the one holding ``article_id`` (empty if it has none)."""
    db = _Db(store)
    if article_id is not None:
        store.get(article_id)  # S004 for an unknown id
        rows = db.query(
            "reading duplicate clusters", "SELECT cluster_id FROM dup_members WHERE article_id = ?", (article_id,)
        )
        return _infos(db, [r[0] for r in rows])
    if limit is not None and limit < 1:
        raise StoreError(f"limit must be at least 1, not {limit}", code=Codes.BAD_QUERY, source="limit")
    ids = [
        r[0]
        for r in db.query(
            "reading duplicate clusters",
            "SELECT cluster_id FROM dup_members GROUP BY cluster_id ORDER BY count(*) DESC, cluster_id"
            + (" LIMIT ?" if limit is not None else ""),
            (limit,) if limit is not None else (),
        )
    ]
    order = {c: i for i, c in enumerate(ids)}
    return sorted(_infos(db, ids), key=lambda info: order[info.cluster_id])
