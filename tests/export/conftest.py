"""Fixtures for the export tests: real stores (SQLite in tmp_path, and a fresh schema on the
PostgreSQL test server, see tests/store/store_backends.py) filled with awkward texts."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from narrascope.doc import Article, ArticleMeta, ComponentNote, Entity, Mention
from narrascope.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))
from store_backends import BACKENDS, Backend, make_backend  # noqa: E402


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


@pytest.fixture(params=BACKENDS)
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Each backend in turn; calling it opens the test's store (``db/store.db`` for SQLite)."""
    backend = make_backend(request.param, tmp_path / "db" / "store.db")
    yield backend
    backend.cleanup()


@pytest.fixture
def filled(store_factory: Backend, awkward: list[Article]) -> Iterator[Store]:
    s = store_factory()
    s.put(awkward)
    yield s
    s.close()
