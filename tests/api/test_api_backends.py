"""The API's queries on both backends: PostgreSQL answers in SQL (not by a Python scan) exactly what
SQLite answers, the routes return the same JSON, and full-text ranking works in bounded blocks."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from narrascope.api import create_app
from narrascope.config.settings import load_settings
from narrascope.store import queries
from narrascope.store.queries import AggregateCache, ArticleFilters, CachedCorpus, ScanCorpus, SQLCorpus, corpus_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))
from api_corpus import annotated, corpus  # noqa: E402
from store_backends import BACKENDS, Backend, filled_backend, make_backend  # noqa: E402


@pytest.fixture(params=BACKENDS)
def filled(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    with filled_backend(request.param, tmp_path / "api.db", corpus()) as backend:
        yield backend


CALLS = [
    lambda c: c.articles(ArticleFilters(), limit=50),
    lambda c: c.articles(ArticleFilters(entity="Assad", since="2024-12-01"), limit=10),
    lambda c: c.articles(ArticleFilters(role="Antagonist", narrative="Praise of Russia"), limit=2, offset=1),
    lambda c: c.articles(ArticleFilters(source="Daily Planet", until="2024-11-30"), limit=5),
    lambda c: c.articles(ArticleFilters(cluster="c1", technique="Name_Calling-Labeling"), limit=5),
    lambda c: c.labels_over_time("narrative", bucket="week"),
    lambda c: c.labels_over_time("narrative", bucket="month"),
    lambda c: c.labels_over_time("technique", bucket="day", source="Daily Planet"),
    lambda c: c.entity_role_matrix(top=5, sources=5),
    lambda c: c.top_entities("Antagonist", limit=5),
    lambda c: c.top_entities("Protagonist", limit=5, source="The Moscow Times"),
    lambda c: c.clusters(),
    lambda c: c.counts_by_day(),
    lambda c: c.counts_by_day(since="2024-11-03"),
    lambda c: c.counts_by_day(since="2024-12-19T12:00:00"),  # a time of day: the raw rows
    lambda c: c.counts_by_day(bucket="week"),
    lambda c: c.counts_by_day(bucket="month", until="2024-11-30"),
    lambda c: c.facets(),
]


@pytest.mark.parametrize("call", CALLS)
def test_sql_and_python_scan_agree_on_both_backends(filled: Backend, call) -> None:
    with filled() as store:
        sql = corpus_for(store)
        assert isinstance(sql, SQLCorpus) and sql.dialect == ("sqlite" if filled.name == "sqlite" else "postgresql")
        assert call(sql) == call(ScanCorpus(store))


def _client(backend: Backend) -> TestClient:
    settings = load_settings(overrides=[f"store.path={backend.location}"], env={})
    return TestClient(create_app(settings, store_factory=backend, aggregate_cache=False),
                      raise_server_exceptions=False)


ROUTES = [
    "/api/articles?limit=3&offset=2",
    "/api/articles?entity=Assad&role=Antagonist",
    "/api/aggregates/narratives?bucket=week",
    "/api/aggregates/techniques?bucket=day&source=Daily%20Planet",
    "/api/aggregates/entity-roles",
    "/api/aggregates/top-entities",
    "/api/aggregates/clusters",
    "/api/aggregates/counts",
    "/api/aggregates/counts?bucket=month&since=2024-11-03",
    "/api/facets",
]


def test_routes_answer_the_same_on_postgres_and_sqlite(tmp_path: Path) -> None:
    sqlite, pg = make_backend("sqlite", tmp_path / "s.db"), make_backend("postgres", tmp_path / "unused.db")
    try:
        for backend in (sqlite, pg):
            with backend() as store:
                store.put(corpus())
        with _client(sqlite) as a, _client(pg) as b:
            for route in ROUTES:
                ra, rb = a.get(route), b.get(route)
                assert ra.status_code == rb.status_code == 200, route
                assert ra.json() == rb.json(), route
            search = b.get("/api/search", params={"q": "Assad Moscow"}).json()
            assert {i["id"] for i in search["items"]} == {"a1", "a2"} and search["total"] == 2
            assert all("[[" in i["snippet"] for i in search["items"])
            for bad in ("/api/articles?since=yesterday", "/api/articles?role=Villain", "/api/articles?limit=100000",
                        "/api/aggregates/counts?bucket=year", "/api/search?q=%00"):
                ra, rb = a.get(bad), b.get(bad)
                assert ra.status_code == rb.status_code and 400 <= ra.status_code < 500, bad
                assert ra.json()["errors"] == rb.json()["errors"], bad
    finally:
        pg.cleanup()


def _many(n: int) -> list:
    # every article contains "common"; later ones repeat it more (a better bm25 / ts_rank score)
    return [annotated(f"m{i:02d}", title=f"Item {i}", body="common " * (1 + i % 4) + f"filler {i}.",
                      published=f"2024-01-{1 + i % 28:02d}") for i in range(n)]


def test_search_ranks_in_blocks_of_the_newest_matches(filled: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    with filled() as store:
        store.put(_many(11))
        corpus_ = corpus_for(store)
        everything = corpus_.articles(ArticleFilters(q="common"), limit=50)
        assert everything.total == 11 and len(everything.items) == 11
        monkeypatch.setattr(queries, "RANK_BLOCK", 4)
        pages = [corpus_.articles(ArticleFilters(q="common"), limit=3, offset=o) for o in range(0, 12, 3)]
        ids = [item.id for page in pages for item in page.items]
        assert all(page.total == 11 for page in pages)
        assert sorted(ids) == sorted(i.id for i in everything.items)  # every match once, none repeated
        stored = [f"m{i:02d}" for i in range(11)]  # storage order
        assert set(ids[:4]) == set(stored[-4:])  # first block: the 4 newest stored matches
        assert set(ids[4:8]) == set(stored[3:7]) and set(ids[8:]) == set(stored[:3])
        best_first = corpus_.articles(ArticleFilters(q="common"), limit=4).items
        assert [i.id for i in best_first] == ids[:4]  # a page spanning no block edge: same order
        assert best_first[0].id in ("m07", "m10") and best_first[-1].id == "m08"  # 4x "common" first, 1x last
        one = corpus_.articles(ArticleFilters(q="common", source="Daily Planet", since="2024-01-05"), limit=50)
        assert one.total == len(one.items) == 7


def test_counts_json_is_what_the_response_model_gives(filled: Backend) -> None:
    """The counts route serialises rows directly; the bytes must equal the documented CountsOut model's."""
    from narrascope.api.data import counts_data, counts_json

    import json

    with filled() as store:
        store.put([annotated("h1", title="Hostile outlet", body="Text.", published="2024-11-20",
                             source='"quoted" \\ </script> Ωμέγα \u2028 \x01 😀')])
        corpus_ = corpus_for(store)
        for bucket, since, until in (("day", None, None), ("week", None, None), ("month", None, None),
                                     ("day", "2024-11-03", "2024-12-20"), ("month", "2024-12-19T12:00:00", None),
                                     ("day", "2030-01-01", None)):
            model = counts_data(corpus_, since=since, until=until, bucket=bucket)
            fast = counts_json(corpus_, since=since, until=until, bucket=bucket)
            assert json.loads(fast) == json.loads(model.model_dump_json()), (bucket, since, until)
            assert list(json.loads(fast)) == ["ok", "bucket", "items"]
            assert model.items or since == "2030-01-01"  # not only comparisons of empty lists
            # through the aggregate cache too
            cached = CachedCorpus(corpus_, AggregateCache())
            assert counts_json(cached, since=since, until=until, bucket=bucket) == fast
        with _client(filled) as client:
            assert any(c["source"].startswith('"quoted"') for c in client.get("/api/aggregates/counts").json()["items"])
            body = client.get("/api/aggregates/counts", params={"since": "2024-12-01"}).json()
            assert body["ok"] is True and sum(c["count"] for c in body["items"]) == 4
