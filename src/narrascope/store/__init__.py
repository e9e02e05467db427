"""Storage of analysed articles: :func:`open_store` picks the backend from the location."""

from __future__ import annotations

import re
from pathlib import Path

from narrascope.errors import Codes, StoreError
from narrascope.store.base import HIGHLIGHT_END, HIGHLIGHT_START, ArticleSummary, PutResult, SearchHit, Store
from narrascope.store.sqlite import SQLiteStore

__all__ = [
    "open_store",
    "Store",
    "SQLiteStore",
    "PutResult",
    "ArticleSummary",
    "SearchHit",
    "HIGHLIGHT_START",
    "HIGHLIGHT_END",
]

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def open_store(location: str | Path, *, read_only: bool = False) -> Store:
    """Open (creating if needed) the store at ``location``.

    A file path (``~`` expanded) or ``sqlite:///relative/path`` / ``sqlite:////absolute/path``
    opens a :class:`SQLiteStore`.  A ``postgresql://user[:password]@host[:port]/db`` URL
    opens a :class:`~narrascope.store.postgres.PostgresStore` (needs the ``postgres`` extra).
    ``read_only=True`` opens the file in SQLite's read-only mode (a read-only session on PostgreSQL).
    """
    if isinstance(location, Path):
        return SQLiteStore(location, read_only=read_only)
    if not isinstance(location, str) or not location.strip():
        raise StoreError("the store location is empty", code=Codes.STORE_OPEN, source="store.path")
    text = location.strip()
    match = _SCHEME.match(text)
    if match is None:
        return SQLiteStore(Path(text), read_only=read_only)
    scheme = match.group(1).lower()
    shown = _redact(text)
    if scheme == "sqlite":
        rest = text[len("sqlite://") :]
        if not rest.startswith("/") or len(rest) < 2:
            raise StoreError(
                "a SQLite URL needs a path: sqlite:///relative/path.db or sqlite:////absolute/path.db",
                code=Codes.STORE_OPEN,
                source=shown,
            )
        return SQLiteStore(Path(rest[1:]), read_only=read_only)
    if scheme in ("postgresql", "postgres") or scheme.startswith("postgresql+"):
        try:
            from narrascope.store.postgres import PostgresStore
        except ImportError as exc:
            raise StoreError(
                f"the PostgreSQL backend needs psycopg 3 ({exc}); install it with: pip install 'narrascope[postgres]'",
                code=Codes.STORE_OPEN,
                source=shown,
            ) from exc
        return PostgresStore(text, read_only=read_only)
    raise StoreError(
        f"unsupported store location scheme {scheme!r}; use a file path, sqlite:///path or postgresql://...",
        code=Codes.STORE_OPEN,
        source=shown,
    )


def _redact(url: str) -> str:
    """Hide a password in ``scheme://user:password@host`` before it goes into an error."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]+):[^@/]*@", r"\1:***@", url)
