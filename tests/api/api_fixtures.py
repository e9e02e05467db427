"""API test fixtures (a filled SQLite store per test, TestClients); imported by tests/api and tests/web conftests."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from narrascope.api import create_app
from narrascope.config.settings import load_settings
from narrascope.store import SQLiteStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_corpus import corpus  # noqa: E402


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "api.db"


@pytest.fixture
def filled_db(db_path: Path) -> Path:
    with SQLiteStore(db_path) as store:
        store.put(corpus())
    return db_path


@pytest.fixture
def make_client(filled_db: Path) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def make(*, path: Path | None = None, token: str | None = None, pipeline=None, **settings_overrides):
        location = path or filled_db
        settings = load_settings(overrides=[f"store.path={location}",
                                            *[f"{k}={v}" for k, v in settings_overrides.items()]], env={})
        app = create_app(settings, store_factory=lambda: SQLiteStore(location), pipeline=pipeline, token=token)
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()
