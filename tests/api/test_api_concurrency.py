"""8 clients submitting and reading at once against uvicorn on loopback: no errors, nothing lost or doubled."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from live_server import live_server
from narrascope.api import create_app
from narrascope.api_functions import load_pipeline
from narrascope.config.settings import load_settings
from narrascope.store import SQLiteStore

CLIENTS = 8
SECONDS = 6.0


def text_for(client: int, n: int) -> str:
    # every third text is shared by all clients: the same content must be stored once
    if n % 3 == 0:
        return f"Shared report {n}\n\nOfficials in Kyiv and Moscow commented on shared event number {n}."
    return f"Report {client}-{n}\n\nClient {client} writes about Berlin and Paris, item {n}."


@pytest.mark.slow
def test_eight_clients_submit_and_read_at_once(tmp_path: Path) -> None:
    db = tmp_path / "concurrent.db"
    SQLiteStore(db).close()
    settings = load_settings(overrides=[f"store.path={db}"], env={})
    app = create_app(settings, store_factory=lambda: SQLiteStore(db), pipeline=load_pipeline(settings))
    errors: list[str] = []
    submitted: dict[str, str] = {}  # text -> id
    lock = threading.Lock()
    reads = [0]

    def client(k: int, base: str) -> None:
        deadline = time.monotonic() + SECONDS
        n = 0
        with httpx.Client(base_url=base, timeout=60) as http:
            while time.monotonic() < deadline:
                text = text_for(k, n)
                r = http.post("/api/articles", json={"text": text, "source": f"outlet-{k % 3}",
                                                     "published": f"2024-12-{1 + n % 28:02d}"})
                if r.status_code not in (200, 201):
                    errors.append(f"submit {r.status_code}: {r.text[:200]}")
                    return
                with lock:
                    previous = submitted.setdefault(text, r.json()["id"])
                if previous != r.json()["id"]:
                    errors.append(f"same text, two ids: {previous} {r.json()['id']}")
                for url in ("/api/articles?limit=50", "/api/search?q=Berlin", "/api/aggregates/counts",
                            f"/api/articles/{r.json()['id']}", "/"):
                    got = http.get(url)
                    if got.status_code != 200:
                        errors.append(f"GET {url} {got.status_code}: {got.text[:200]}")
                        return
                    with lock:
                        reads[0] += 1
                n += 1

    with live_server(app) as base:
        threads = [threading.Thread(target=client, args=(k, base)) for k in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=SECONDS + 120)
        assert not any(t.is_alive() for t in threads)
        assert errors == []
        with httpx.Client(base_url=base) as http:
            total = http.get("/api/health").json()["articles"]
            listed: list[str] = []
            offset = 0
            while offset is not None:
                page = http.get("/api/articles", params={"limit": 500, "offset": offset}).json()
                listed += [i["id"] for i in page["items"]]
                offset = page["next_offset"]
    assert len(submitted) >= CLIENTS * 2 and reads[0] >= CLIENTS * 5
    assert total == len(submitted) == len(set(submitted.values()))
    assert sorted(listed) == sorted(submitted.values())  # nothing lost, nothing doubled
    with SQLiteStore(db) as store:
        assert store.count() == len(submitted)
        assert store.has(submitted.values()) == set(submitted.values())
