"""Submitting texts: the real pipeline (language + configured components) runs once per app."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from narrascope.api_functions import load_pipeline
from narrascope.config.settings import load_settings


@pytest.fixture(scope="module")
def pipeline():
    return load_pipeline(load_settings(env={}))


@pytest.fixture
def submit_client(make_client: Callable[..., TestClient], pipeline) -> TestClient:
    return make_client(pipeline=pipeline)


def test_submit_analyses_stores_and_is_idempotent(submit_client: TestClient, example_text: str) -> None:
    body = {"text": example_text, "source": "The Moscow Times", "published": "2024-12-19",
            "url": "https://www.themoscowtimes.com/x"}
    first = submit_client.post("/api/articles", json=body)
    assert first.status_code == 201, first.text
    out = first.json()
    article = out["article"]
    assert out["ok"] and out["created"] and out["id"] == article["id"]
    assert article["language"] == "en" and article["entities"]
    assert "Bashar al-Assad" in {e["name"] for e in article["entities"]}
    assert article["meta"]["format"] == "api" and article["meta"]["source"] == "The Moscow Times"
    stored = submit_client.get(f"/api/articles/{out['id']}").json()["article"]
    assert stored == article
    again = submit_client.post("/api/articles", json=body)
    assert again.status_code == 200 and again.json()["created"] is False and again.json()["id"] == out["id"]
    listed = submit_client.get("/api/articles", params={"source": "The Moscow Times"}).json()
    assert out["id"] in [i["id"] for i in listed["items"]]
    assert submit_client.get("/api/health").json()["articles"] == 8


def test_submit_with_separate_title(submit_client: TestClient) -> None:
    body = {"title": "Kyiv under fire", "text": "Missiles hit Kyiv overnight."}
    response = submit_client.post("/api/articles", json=body)
    assert response.status_code == 201
    assert response.json()["article"]["title"] == "Kyiv under fire"


@pytest.mark.parametrize(
    ("body", "status", "source"),
    [
        ({"text": ""}, 400, "text"),
        ({"text": "   \n\t "}, 422, "text"),
        ({"text": "Title\n\nbody\x00with NUL"}, 422, "text"),
        ({"text": 42}, 400, "text"),
        ({"text": "ok", "unknown": 1}, 400, "unknown"),
        ({"text": "ok", "title": "t" * 2001}, 400, "title"),
        ({}, 400, "text"),
        ([1, 2], 400, None),
    ],
)
def test_bad_submissions(submit_client: TestClient, body, status: int, source: str | None) -> None:
    response = submit_client.post("/api/articles", json=body)
    assert response.status_code == status, response.text
    payload = response.json()
    assert payload["ok"] is False and payload["status"] == status
    if source:
        assert source in [e["source"] for e in payload["errors"]]


def test_malformed_and_huge_bodies(make_client: Callable[..., TestClient], pipeline) -> None:
    client = make_client(pipeline=pipeline, **{"ingest.max_bytes": 1000})
    as_json = {"content-type": "application/json"}
    broken = client.post("/api/articles", content=b'{"text": "unterminated', headers=as_json)
    assert broken.status_code == 400 and broken.json()["ok"] is False
    binary = client.post("/api/articles", content=b"\xff\xfe\x00\x01" * 10, headers=as_json)
    assert binary.status_code == 400 and binary.json()["ok"] is False
    too_big = client.post("/api/articles", json={"text": "Title\n\n" + "word " * 400})
    assert too_big.status_code == 413 and too_big.json()["errors"][0]["code"] == "N004"
    way_too_big = client.post("/api/articles", content=b"x" * 70_000, headers=as_json)
    assert way_too_big.status_code == 413 and way_too_big.json()["status"] == 413
    assert client.get("/api/health").json()["articles"] == 7
