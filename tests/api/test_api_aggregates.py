"""Aggregate routes: the numbers behind the charts, checked against the test corpus by hand."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from narrascope.store import SQLiteStore
from narrascope.store.queries import ArticleFilters, ScanCorpus, SQLCorpus, corpus_for


def test_narratives_over_time_by_month(client: TestClient) -> None:
    body = client.get("/api/aggregates/narratives").json()
    assert body["buckets"] == ["2024-11", "2024-12"]
    series = {s["label"]: s["counts"] for s in body["series"]}
    assert series == {"Praise of Russia": [0, 3], "Blaming the war on others": [1, 0]}
    assert body["series"][0]["label"] == "Praise of Russia"  # most frequent first


def test_techniques_over_time_by_day_and_week(client: TestClient) -> None:
    day = client.get("/api/aggregates/techniques", params={"bucket": "day"}).json()
    assert day["buckets"] == ["2024-11-02", "2024-12-19", "2024-12-22"]
    week = client.get("/api/aggregates/techniques", params={"bucket": "week", "top": 1}).json()
    assert week["buckets"] == ["2024-10-28"]  # the Monday of 2024-11-02; ties go to the first label
    assert [(s["label"], s["counts"]) for s in week["series"]] == [("Appeal_to_Fear-Prejudice", [1])]
    outlet = client.get("/api/aggregates/techniques", params={"source": "The Moscow Times"}).json()
    assert {s["label"] for s in outlet["series"]} == {"Name_Calling-Labeling", "Loaded_Language"}


def test_entity_role_matrix(client: TestClient) -> None:
    body = client.get("/api/aggregates/entity-roles").json()
    assert body["entities"][0] == "Assad"
    cells = {(c["entity"], c["source"]): c["counts"] for c in body["cells"]}
    assert cells[("Putin", "The Moscow Times")] == {"Protagonist": 2, "Antagonist": 0, "Innocent": 0}
    assert cells[("Putin", "Daily Planet")]["Antagonist"] == 1
    assert len(body["cells"]) == len(body["entities"]) * len(body["sources"])


def test_top_entities_per_role(client: TestClient) -> None:
    roles = client.get("/api/aggregates/top-entities").json()["roles"]
    assert roles["Antagonist"][0] == {"entity": "Assad", "count": 3}
    assert roles["Protagonist"] == [{"entity": "Putin", "count": 2}]
    assert roles["Innocent"] == [{"entity": "civilians", "count": 1}]


def test_clusters_and_counts_and_facets(client: TestClient) -> None:
    clusters = client.get("/api/aggregates/clusters").json()["items"]
    assert [(c["cluster_id"], c["size"], c["first_day"]) for c in clusters] == [("c1", 2, "2024-12-19")]
    assert [m["id"] for m in clusters[0]["members"]] == ["a1", "a2"]  # earliest first
    counts = client.get("/api/aggregates/counts", params={"since": "2024-12-01"}).json()["items"]
    assert sum(c["count"] for c in counts) == 4
    assert {"day": "2024-12-19", "source": "The Moscow Times", "count": 1} in counts
    months = client.get("/api/aggregates/counts", params={"bucket": "month"}).json()
    assert months["bucket"] == "month"
    assert {(c["day"], c["source"]): c["count"] for c in months["items"]}[("2024-12", "Daily Planet")] == 1
    weeks = client.get("/api/aggregates/counts", params={"bucket": "week"}).json()["items"]
    assert {c["day"] for c in weeks} == {"2024-10-28", "2024-11-04", "2024-12-16"}  # Mondays
    facets = client.get("/api/facets").json()
    assert facets["sources"][0] == "Daily Planet" and facets["total"] == 7
    assert facets["narratives"] == ["Praise of Russia", "Blaming the war on others"]


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.articles(ArticleFilters(entity="Assad", since="2024-12-01"), limit=10),
        lambda c: c.articles(ArticleFilters(role="Antagonist", narrative="Praise of Russia"), limit=2, offset=1),
        lambda c: c.labels_over_time("narrative", bucket="week"),
        lambda c: c.labels_over_time("technique", bucket="day", source="Daily Planet"),
        lambda c: c.entity_role_matrix(top=5, sources=5),
        lambda c: c.top_entities("Antagonist", limit=5),
        lambda c: c.clusters(),
        lambda c: c.counts_by_day(since="2024-11-03"),
        lambda c: c.counts_by_day(bucket="week"),
        lambda c: c.counts_by_day(bucket="month", until="2024-11-30"),
        lambda c: c.facets(),
    ],
)
def test_sql_and_python_scan_agree(filled_db, call) -> None:
    with SQLiteStore(filled_db) as store:
        sql = corpus_for(store)
        assert isinstance(sql, SQLCorpus)
        assert call(sql) == call(ScanCorpus(store))


def test_backfill_migration_matches_rows_written_on_put(tmp_path) -> None:
    """Records stored before the annotations table existed get the same rows from the migration's SQL."""
    import sqlite3

    from api_corpus import corpus

    from narrascope.store.migrate import load_migrations

    db = tmp_path / "old.db"
    with SQLiteStore(db, migrations=load_migrations()[:1]) as store:
        store_put_without_annotations(store, corpus())
    SQLiteStore(db).close()  # applies the annotations migration with its backfill
    fresh = tmp_path / "new.db"
    with SQLiteStore(fresh) as store:
        store.put(corpus())
    query = "SELECT * FROM annotations ORDER BY article_id, kind, label, sub_label, entity"
    assert sqlite3.connect(db).execute(query).fetchall() == sqlite3.connect(fresh).execute(query).fetchall()


def store_put_without_annotations(store: SQLiteStore, articles) -> None:
    """Write the 0001-schema rows only (as a narrascope before the annotations migration did)."""
    from narrascope.store.records import article_row

    conn = store._connection()  # noqa: SLF001 - test simulates an older writer
    for article in articles:
        row = article_row(article)
        store._insert(conn, row, "2024-01-01T00:00:00")  # noqa: SLF001
        store._write_entities(conn, row)  # noqa: SLF001


def test_cached_aggregates_follow_every_change(client: TestClient, filled_db) -> None:
    from api_corpus import annotated

    def praise() -> list[int]:
        series = client.get("/api/aggregates/narratives").json()["series"]
        return next(s["counts"] for s in series if s["label"] == "Praise of Russia")

    assert praise() == [0, 3] and praise() == [0, 3]  # second answer from the cache
    with SQLiteStore(filled_db) as store:  # another writer (connection) adds an article
        store.put([annotated("n1", title="More praise", body="Putin is great.", published="2024-11-20",
                             narratives=[("Praise of Russia", None)])])
    assert praise() == [1, 3]
    with SQLiteStore(filled_db) as store:  # an update changes the label
        store.put([annotated("n1", title="More praise", body="Putin is great.", published="2024-11-20",
                             narratives=[("Blaming the war on others", None)])])
    assert praise() == [0, 3]
    with SQLiteStore(filled_db) as store:
        store.delete(["a7"])
    assert praise() == [0, 2]
    top = client.get("/api/aggregates/top-entities").json()["roles"]["Protagonist"]
    assert top == [{"entity": "Putin", "count": 1}]


def test_annotation_rows_go_with_deleted_articles(filled_db) -> None:
    import sqlite3

    with SQLiteStore(filled_db) as store:
        store.delete(["a1", "a2"])
    conn = sqlite3.connect(filled_db)
    assert conn.execute("SELECT count(*) FROM annotations WHERE article_id IN ('a1', 'a2')").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM annotations").fetchone()[0] > 0
