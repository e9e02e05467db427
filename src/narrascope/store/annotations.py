"""Flat annotation rows (table ``annotations``, migration 0002_annotations) derived from an Article.

The rows must match what the migration's backfill SQL produces for records stored
before it, so that old and new articles aggregate alike.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from narrascope.doc import Article
from narrascope.store.records import date_key

__all__ = ["AnnotationRow", "annotation_rows", "write_annotations"]


class AnnotationRow(NamedTuple):
    article_id: str
    kind: str  # role | narrative | technique | cluster
    label: str
    sub_label: str | None
    entity: str | None
    main_role: str | None
    published_day: str | None
    source: str | None


def annotation_rows(article: Article) -> list[AnnotationRow]:
    """One row per entity role, narrative (+ one per sub-narrative), technique and duplicate cluster."""
    key = date_key(article.meta.published)
    day = key[:10] if key else None
    source = article.meta.source

    def row(
        kind: str, label: str, sub: str | None = None, entity: str | None = None, role: str | None = None
    ) -> AnnotationRow:
        return AnnotationRow(article.id, kind, label, sub, entity, role, day, source)

    rows: list[AnnotationRow] = []
    seen: set[str] = set()
    for label in article.narratives:
        if label.narrative not in seen:
            seen.add(label.narrative)
            rows.append(row("narrative", label.narrative))
    for label in article.narratives:
        if label.subnarrative is not None:
            rows.append(row("narrative", label.narrative, label.subnarrative))
    for technique in dict.fromkeys(t.technique for t in article.techniques):
        rows.append(row("technique", technique))
    names = {e.id: e.name for e in article.entities}
    for roles in article.entity_roles:
        if roles.entity_id in names:
            rows.append(row("role", roles.main_role, None, names[roles.entity_id], roles.main_role))
    if article.duplicates is not None:
        rows.append(row("cluster", article.duplicates.cluster_id))
    return rows


def write_annotations(conn: sqlite3.Connection, article: Article) -> None:
    """Replace the article's annotation rows (inside the caller's transaction)."""
    conn.execute("DELETE FROM annotations WHERE article_id = ?", (article.id,))
    conn.executemany(
        "INSERT INTO annotations (article_id, kind, label, sub_label, entity, main_role, published_day, source)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        annotation_rows(article),
    )
