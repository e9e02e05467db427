"""Numbered SQL migrations (``migrations/NNNN_name.sql``) and a statement splitter."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from narrascope.errors import Codes, StoreError

__all__ = ["Migration", "AppliedMigration", "load_migrations", "split_statements"]

_NAME = re.compile(r"^(\d{4})_([A-Za-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


@dataclass(frozen=True)
class AppliedMigration:
    version: int
    name: str
    applied_at: str


def load_migrations(directory: Path | Traversable | None = None) -> list[Migration]:
    """The migrations in ``directory`` (default: the packaged ones), ordered by version.

    Files must be named ``NNNN_name.sql`` with versions 1, 2, 3... without gaps.
    """
    folder: Path | Traversable = (
        directory if directory is not None else resources.files("narrascope.store") / "migrations"
    )
    found: list[Migration] = []
    for entry in folder.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _NAME.match(entry.name)
        if not match:
            raise StoreError(
                "migration file name must look like 0001_name.sql", code=Codes.STORE_SCHEMA, source=str(entry)
            )
        found.append(Migration(int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    expected = list(range(1, len(found) + 1))
    if [m.version for m in found] != expected:
        raise StoreError(
            f"migration versions must be 1..{len(found)} without gaps or repeats, found {[m.version for m in found]}",
            code=Codes.STORE_SCHEMA,
            source=str(folder),
        )
    return found


def split_statements(sql: str) -> list[str]:
    """Split a SQL script into complete statements (semicolons in strings, comments and
    trigger bodies do not end a statement)."""
    statements: list[str] = []
    buffer = ""
    for piece in sql.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            statement = buffer.strip()
            if _has_code(statement):
                statements.append(statement)
            buffer = ""
    if _has_code(buffer[:-1]):
        raise StoreError(f"incomplete SQL statement at the end: {buffer[:-1].strip()[:80]!r}", code=Codes.STORE_SCHEMA)
    return statements


def _has_code(text: str) -> bool:
    stripped = re.sub(r"--[^\n]*", "", text)
    stripped = re.sub(r"/\*.*?\*/", "", stripped, flags=re.S)
    return bool(stripped.strip(" \t\r\n;"))
