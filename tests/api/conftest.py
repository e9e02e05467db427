"""Fixtures for the API tests: a real SQLite store per test filled with annotated articles, and a TestClient."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_fixtures import client, db_path, filled_db, make_client  # noqa: E402,F401

__all__ = ["client", "db_path", "filled_db", "make_client"]
