"""The near-duplicate index in the store and the incremental clustering over it.

Signatures and LSH band keys live in tables of the store file (``schema.sql``, created on
first use).  A new article is compared only with the stored articles that share a band
key, and linked to those whose estimated Jaccard similarity reaches ``threshold``; linked
articles form a cluster (connected components).  ``cluster_id`` is the id of the member
stored first; ``earliest_id`` the member published first (undated last, then by insertion).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from narrascope.doc import DuplicateInfo
from narrascope.errors import Codes, StoreError
from narrascope.dedup.minhash import band_keys, body_shingles, signature, similarity
from narrascope.store.migrate import split_statements

__all__ = ["DedupSettings", "DedupSummary", "update_duplicates", "list_clusters", "ensure_schema"]

_CHUNK = 1000


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


def _sqlite(store: Any) -> Any:
    if not hasattr(store, "write_transaction") or not hasattr(store, "query"):
        raise StoreError(
            f"duplicate detection needs a SQLite store, not {type(store).__name__}",
            code=Codes.STORE_OPEN,
            source=getattr(store, "location", None),
        )
    return store


def ensure_schema(store: Any) -> None:
    """Create the duplicate tables if they are missing (one transaction)."""
    store = _sqlite(store)
    tables = {r[0] for r in store.query("checking duplicate tables", "SELECT name FROM sqlite_master")}
    if {"dup_signatures", "dup_bands", "dup_members", "dup_text_changed"} <= tables:
        return
    sql = resources.files("narrascope.dedup").joinpath("schema.sql").read_text(encoding="utf-8")
    with store.write_transaction("creating the duplicate tables") as conn:
        for statement in split_statements(sql):
            conn.execute(statement)


def _has_schema(store: Any) -> bool:
    rows = store.query("checking duplicate tables", "SELECT 1 FROM sqlite_master WHERE name = 'dup_members'")
    return bool(rows)


def _sig_from_blob(blob: bytes | None) -> np.ndarray | None:
    return None if blob is None else np.frombuffer(blob, dtype=np.uint64)


def _index_new(store: Any, cfg: DedupSettings, summary: DedupSummary) -> list[tuple[str, np.ndarray]]:
    """Sign every stored article without a signature; returns (id, signature) of the signed ones."""
    signed: list[tuple[str, np.ndarray]] = []
    last = 0
    while True:
        rows = store.query(
            "finding unsigned articles",
            "SELECT a.pk, a.id, json_extract(a.record, '$.text'), json_extract(a.record, '$.body_start')"
            " FROM articles a WHERE a.pk > ? AND NOT EXISTS"
            " (SELECT 1 FROM dup_signatures s WHERE s.article_id = a.id) ORDER BY a.pk LIMIT ?",
            (last, _CHUNK),
        )
        if not rows:
            return signed
        last = rows[-1][0]
        batch = []
        for _pk, article_id, text, body_start in rows:
            body = (text or "")[int(body_start or 0) :]
            sig = signature(body_shingles(body, size=cfg.shingle_size), num_perm=cfg.num_perm)
            batch.append((article_id, sig))
        with store.write_transaction("storing duplicate signatures") as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO dup_signatures (article_id, num_perm, signature) VALUES (?, ?, ?)",
                [(i, cfg.num_perm, None if s is None else s.tobytes()) for i, s in batch],
            )
            conn.executemany(
                "INSERT INTO dup_bands (band, key, article_id) VALUES (?, ?, ?)",
                [(b, k, i) for i, s in batch if s is not None for b, k in enumerate(band_keys(s, cfg.bands))],
            )
        summary.indexed += len(batch)
        signed.extend((i, s) for i, s in batch if s is not None)


def _links(store: Any, cfg: DedupSettings, signed: list[tuple[str, np.ndarray]]) -> list[tuple[str, str]]:
    links: list[tuple[str, str]] = []
    for start in range(0, len(signed), 200):
        chunk = signed[start : start + 200]
        for article_id, sig in chunk:
            keys = [[b, k] for b, k in enumerate(band_keys(sig, cfg.bands))]
            rows = store.query(
                "finding duplicate candidates",
                "SELECT DISTINCT d.article_id, s.signature FROM json_each(?) AS q"
                " JOIN dup_bands d ON d.band = json_extract(q.value, '$[0]') AND d.key = json_extract(q.value, '$[1]')"
                " JOIN dup_signatures s ON s.article_id = d.article_id WHERE d.article_id != ?",
                (json.dumps(keys), article_id),
            )
            for other, blob in rows:
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


def _json_ids(ids: Iterable[str]) -> str:
    return json.dumps(sorted(set(ids)))


def _cluster_rows(store: Any, cluster_ids: Iterable[str]) -> list[tuple[str, str, str | None, int]]:
    """(cluster_id, article_id, published_key, pk) of the members of ``cluster_ids``."""
    return store.query(
        "reading duplicate clusters",
        "SELECT m.cluster_id, m.article_id, a.published_key, a.pk FROM dup_members m"
        " JOIN articles a ON a.id = m.article_id"
        " WHERE m.cluster_id IN (SELECT value FROM json_each(?))"
        " ORDER BY m.cluster_id, a.published_key IS NULL, a.published_key, a.pk",
        (_json_ids(cluster_ids),),
    )


def _merge(store: Any, links: list[tuple[str, str]]) -> set[str]:
    """Merge the new links into ``dup_members``; returns the ids of the clusters that changed."""
    if not links:
        return set()
    ids = {x for pair in links for x in pair}
    current = dict(
        store.query(
            "reading duplicate clusters",
            "SELECT article_id, cluster_id FROM dup_members WHERE article_id IN (SELECT value FROM json_each(?))",
            (_json_ids(ids),),
        )
    )
    old_clusters = set(current.values())
    uf = _UnionFind()
    for cluster_id, article_id, _key, _pk in _cluster_rows(store, old_clusters):
        uf.union(cluster_id, article_id)
        ids.add(article_id)
    for a, b in links:
        uf.union(a, b)
    pks = dict(
        store.query(
            "reading article order", "SELECT id, pk FROM articles WHERE id IN (SELECT value FROM json_each(?))",
            (_json_ids(ids),),
        )
    )
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
    with store.write_transaction("storing duplicate clusters") as conn:
        conn.execute(
            "DELETE FROM dup_members WHERE cluster_id IN (SELECT value FROM json_each(?))", (_json_ids(old_clusters),)
        )
        conn.executemany("INSERT OR REPLACE INTO dup_members (article_id, cluster_id) VALUES (?, ?)", rows)
    return changed


def _infos(store: Any, cluster_ids: Iterable[str]) -> list[DuplicateInfo]:
    clusters: dict[str, list[str]] = {}
    for cluster_id, article_id, _key, _pk in _cluster_rows(store, cluster_ids):
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
    completed by the next one."""
    cfg = settings or DedupSettings()
    started = time.perf_counter()
    summary = DedupSummary()
    ensure_schema(store)
    signed = _index_new(store, cfg, summary)
    links = _links(store, cfg, signed)
    summary.links = len(links)
    changed = _merge(store, links)
    touched_ids = list(touched)
    if touched_ids:
        changed |= {
            r[0]
            for r in store.query(
                "reading duplicate clusters",
                "SELECT DISTINCT cluster_id FROM dup_members WHERE article_id IN (SELECT value FROM json_each(?))",
                (_json_ids(touched_ids),),
            )
        }
    summary.changed_clusters = len(changed)
    summary.articles_updated = _write_infos(store, _infos(store, changed))
    summary.clusters = int(store.query("counting clusters", "SELECT count(DISTINCT cluster_id) FROM dup_members")[0][0])
    summary.seconds = time.perf_counter() - started
    return summary


def list_clusters(store: Any, article_id: str | None = None, *, limit: int | None = None) -> list[DuplicateInfo]:
    """Every cluster (largest first), or only the one holding ``article_id`` (empty if it has none)."""
    store = _sqlite(store)
    if not _has_schema(store):
        return []
    if article_id is not None:
        store.get(article_id)  # S004 for an unknown id
        rows = store.query(
            "reading duplicate clusters", "SELECT cluster_id FROM dup_members WHERE article_id = ?", (article_id,)
        )
        return _infos(store, [r[0] for r in rows])
    ids = [
        r[0]
        for r in store.query(
            "reading duplicate clusters",
            "SELECT cluster_id FROM dup_members GROUP BY cluster_id ORDER BY count(*) DESC, cluster_id"
            + (" LIMIT ?" if limit is not None else ""),
            (limit,) if limit is not None else (),
        )
    ]
    order = {c: i for i, c in enumerate(ids)}
    return sorted(_infos(store, ids), key=lambda info: order[info.cluster_id])
