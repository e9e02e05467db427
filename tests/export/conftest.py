"""Fixtures for the export tests: a real SQLite store in tmp_path with awkward texts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from narrascope.doc import Article, ArticleMeta, ComponentNote, Entity, Mention
from narrascope.store import SQLiteStore


def article(article_id: str, title: str, body: str, *, published: str | None = "2024-12-19",
            failed: bool = False) -> Article:
    text = f"{title}\n\n{body}"
    art = Article(
        id=article_id,
        title=title,
        raw_text=text,
        text=text,
        body_start=len(title) + 2,
        language="en",
        meta=ArticleMeta(source="Example, \"Quoted\" Outlet", url=f"https://example.org/{article_id}",
                         published=published),
    )
    for i, (name, etype) in enumerate([("Moscow", "place"), ("Kremlin", "organisation")]):
        start = text.find(name)
        if start >= 0:
            art.entities.append(Entity(id=f"e{i}", name=name, type=etype, mentions=[
                Mention(start=start, end=start + len(name), text=name, label="GPE")]))
    if failed:
        art.notes = [ComponentNote(component="roles", status="failed", code="M001", message="model missing")]
    art.validate_spans()
    return art


_AWKWARD = [
    article("x1", "Moscow, \"quoted\" title", "Line one,\nline two with \"quotes\" and, commas.\r\nCRLF line;\ttab."),
    article("x2", "Кремль и Moscow", "Unicode: Асад 🇷🇺 中文 — and the Kremlin.",
            published=None, failed=True),
    article("x3", "Plain", "Nothing special here.", published="2024-12-20"),
]


@pytest.fixture
def awkward() -> list[Article]:
    """Articles whose texts have newlines, CRLF, quotes, commas, tabs and non-Latin scripts."""
    return [a.model_copy(deep=True) for a in _AWKWARD]


@pytest.fixture
def filled(tmp_path: Path, awkward: list[Article]) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "db" / "store.db")
    s.put(awkward)
    yield s
    s.close()
