"""The parts of listing and id lookups that every SQL backend shares.

Backends differ only in their parameter placeholder (``?`` for SQLite, ``%s`` for
PostgreSQL) and in how a text value must be cleaned before it is bound (PostgreSQL text
cannot hold NUL); :func:`list_query` takes both and builds the same statement.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice

from narrascope.errors import Codes, StoreError
from narrascope.store.base import ArticleSummary, DateLike
from narrascope.store.records import date_key, is_date_only

__all__ = ["STATUSES", "id_chunks", "check_page", "filter_key", "list_query", "summary_from_row"]

STATUSES = ("ok", "failed")

_SUMMARY_COLUMNS = "id, title, source, url, published, language, status, n_entities, updated_at"


def id_chunks(items: Iterable[str], size: int) -> Iterator[builtins.list[str]]:
    """``items`` in lists of at most ``size``; a single string is refused (it is not a list of ids)."""
    if isinstance(items, (str, bytes)):
        raise TypeError(f"expected an iterable of ids, not a single {type(items).__name__} ({items!r:.40})")
    it = iter(items)
    while chunk := builtins.list(islice(it, size)):
        yield chunk


def check_page(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise StoreError(f"limit and offset must be >= 0 (got {limit}, {offset})", code=Codes.BAD_QUERY)


def filter_key(value: DateLike, name: str) -> str:
    key = date_key(value)
    if key is None:
        raise StoreError(
            f"{name} must be an ISO 8601 date (YYYY-MM-DD) or datetime, not {value!r}",
            code=Codes.BAD_QUERY,
            source=f"list --{name}",
        )
    return key


def list_query(
    placeholder: str,
    *,
    limit: int,
    offset: int,
    language: str | None = None,
    source: str | None = None,
    since: DateLike | None = None,
    until: DateLike | None = None,
    status: str | None = None,
    text_value: Callable[[str], str] = str,
) -> tuple[str, tuple[object, ...]]:
    """The ``Store.list`` statement and its parameters: newest published first (undated last), then id."""
    check_page(limit, offset)
    where: builtins.list[str] = []
    params: builtins.list[object] = []
    if language is not None:
        where.append(f"language = {placeholder}")
        params.append(text_value(language))
    if source is not None:
        where.append(f"source = {placeholder}")
        params.append(text_value(source))
    if status is not None:
        if status not in STATUSES:
            raise StoreError(
                f"status filter must be one of {', '.join(STATUSES)}, not {status!r}",
                code=Codes.BAD_QUERY,
                source="list --status",
            )
        where.append(f"status = {placeholder}")
        params.append(status)
    if since is not None:
        where.append(f"published_key >= {placeholder}")
        params.append(filter_key(since, "since"))
    if until is not None:
        key = filter_key(until, "until")
        if is_date_only(key):  # the whole day is included
            where.append(f"substr(published_key, 1, 10) <= {placeholder}")
        else:
            where.append(f"published_key <= {placeholder}")
        params.append(key)
    sql = (
        f"SELECT {_SUMMARY_COLUMNS} FROM articles"
        + (" WHERE " + " AND ".join(where) if where else "")
        + f" ORDER BY published_key IS NULL, published_key DESC, id LIMIT {placeholder} OFFSET {placeholder}"
    )
    return sql, (*params, limit, offset)


def summary_from_row(r: Sequence[object]) -> ArticleSummary:
    """An :class:`ArticleSummary` from a row of :data:`_SUMMARY_COLUMNS`."""
    return ArticleSummary(
        id=r[0], title=r[1], source=r[2], url=r[3], published=r[4], language=r[5], status=r[6],  # type: ignore[arg-type]
        n_entities=int(r[7]), updated_at=r[8],  # type: ignore[arg-type, call-overload]
    )
