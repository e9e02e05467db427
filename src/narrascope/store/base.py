"""The storage contract: a :class:`Store` protocol and the small records it returns.

:class:`~narrascope.store.sqlite.SQLiteStore` implements it today; a PostgreSQL
backend (the server issue) will implement the same protocol.  Every store keeps
the full :class:`~narrascope.doc.Article` record and a few flat columns for
listing, filtering and full-text search.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, runtime_checkable

from narrascope.doc import Article

__all__ = [
    "Store",
    "PutResult",
    "ArticleSummary",
    "SearchHit",
    "HIGHLIGHT_START",
    "HIGHLIGHT_END",
    "DateLike",
]

#: Markers around the matched words in :attr:`SearchHit.snippet`.
HIGHLIGHT_START = "[["
HIGHLIGHT_END = "]]"

#: ``since``/``until`` filters: an ISO 8601 date or datetime string, a ``date`` or a ``datetime``.
DateLike = str | date | datetime


@dataclass(frozen=True)
class PutResult:
    """What one :meth:`Store.put` call did."""

    inserted: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged


@dataclass(frozen=True)
class ArticleSummary:
    """One row of :meth:`Store.list`: the flat columns, not the record."""

    id: str
    title: str
    source: str | None
    url: str | None
    published: str | None  # as given in ArticleMeta.published
    language: str | None
    status: str  # "ok", or "failed" when any component note has status "failed"
    n_entities: int
    updated_at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class SearchHit:
    """One full-text match; ``snippet`` marks the matched words with HIGHLIGHT_START/END.

    ``score`` is the negated bm25 rank: higher is better.
    """

    id: str
    title: str
    snippet: str
    score: float


@runtime_checkable
class Store(Protocol):
    """Persistent, idempotent storage of analysed articles."""

    @property
    def location(self) -> str:
        """Where the store lives (a file path or a URL without credentials)."""
        ...

    def put(self, articles: Iterable[Article]) -> PutResult:
        """Insert or update articles by id in one transaction; identical records are left untouched."""
        ...

    def get(self, article_id: str) -> Article:
        """The stored article; StoreError S004 when there is none with this id."""
        ...

    def has(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` that are stored."""
        ...

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
        """Summaries, newest published first (undated last), then by id."""
        ...

    def search(self, query: str, *, limit: int = 20, offset: int = 0, raw: bool = False) -> builtins.list[SearchHit]:
        """Full-text search over titles and clean texts, best match first."""
        ...

    def count(self) -> int:
        """The number of stored articles."""
        ...

    def iter_articles(self, *, batch_size: int = 500) -> Iterator[Article]:
        """Every stored article, read ``batch_size`` at a time (insertion order)."""
        ...

    def delete(self, ids: Iterable[str]) -> int:
        """Delete articles by id in one transaction; returns how many were deleted."""
        ...

    def close(self) -> None:
        """Release the connection; further calls raise StoreError."""
        ...

    def __enter__(self) -> "Store": ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
