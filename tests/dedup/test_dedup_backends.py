"""Duplicate clusters on both backends (tables from the numbered migrations), and SQLite stores whose
duplicate tables were created the old way (on first use, before migration 0004) upgrade cleanly."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrascope.cli.main import cli
from narrascope.config.settings import load_settings
from narrascope.dedup import list_clusters, update_duplicates
from narrascope.errors import StoreError
from narrascope.scale import run_corpus
from narrascope.store import SQLiteStore
from narrascope.store.migrate import load_migrations, split_statements

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))
from store_backends import BACKENDS, Backend, make_backend  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "cluster_corpus.jsonl"


def _settings(location: str):
    return load_settings(overrides=[f"store.path={location}", 'pipeline.components=["language"]'], env={})


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    b = make_backend(request.param, tmp_path / "s.db")
    yield b
    b.cleanup()


def test_run_clusters_on_both_backends(backend: Backend) -> None:
    with backend() as store:
        summary = run_corpus([CORPUS], store=store, settings=_settings(backend.location))
        assert summary.duplicates is not None and summary.duplicates.clusters == 1
        [cluster] = list_clusters(store)
        assert (cluster.cluster_id, cluster.earliest_id) == ("orig", "rewrite")
        assert cluster.members == ["rewrite", "orig", "repub"]
        assert all(store.get(m).duplicates == cluster for m in cluster.members)
        assert list_clusters(store, "unrelated") == [] and list_clusters(store, "orig") == [cluster]
        again = update_duplicates(store)
        assert (again.indexed, again.links, again.articles_updated) == (0, 0, 0)
        # a rewritten text loses its signature (trigger) and is signed again on the next update
        article = store.get("unrelated")
        article.text = article.text + " One more sentence about something else entirely."
        store.put([article])
        assert update_duplicates(store).indexed == 1
        # the cluster annotation rows feed the dashboard's cluster list
        assert backend.rows("SELECT count(*) FROM annotations WHERE kind = 'cluster' AND label = 'orig'")[0][0] == 3
        with pytest.raises(StoreError):
            list_clusters(store, "no-such-id")
        with pytest.raises(StoreError):
            list_clusters(store, limit=0)
    with backend(read_only=True) as store:
        with pytest.raises(StoreError) as info:
            update_duplicates(store)
        assert "read-only" in str(info.value)
        assert [c.cluster_id for c in list_clusters(store)] == ["orig"]


def test_deleted_members_leave_the_index(backend: Backend) -> None:
    with backend() as store:
        run_corpus([CORPUS], store=store, settings=_settings(backend.location))
        store.delete(["repub"])
        for table in ("dup_signatures", "dup_bands", "dup_members"):
            assert backend.rows(f"SELECT count(*) FROM {table} WHERE article_id = ?", ("repub",))[0][0] == 0
        assert list_clusters(store)[0].members == ["rewrite", "orig"]


def test_cli_duplicates_on_postgres(tmp_path: Path) -> None:
    pg = make_backend("postgres", tmp_path / "unused.db")
    try:
        runner = CliRunner()
        result = runner.invoke(cli, ["run", str(CORPUS), "--db", pg.location, "--workers", "1",
                                     "--set", 'pipeline.components=["language"]'])
        assert result.exit_code == 0, result.output
        listed = runner.invoke(cli, ["duplicates", "--db", pg.location, "--json"])
        assert listed.exit_code == 0, listed.output
        assert [c["members"] for c in json.loads(listed.output)] == [["rewrite", "orig", "repub"]]
        updated = runner.invoke(cli, ["duplicates", "--update", "repub", "--db", pg.location])
        assert updated.exit_code == 0 and "cluster orig (3 articles, earliest rewrite)" in updated.output
    finally:
        pg.cleanup()


OLD_SCHEMA = (FIXTURES / "old_dedup_schema.sql").read_text(encoding="utf-8")


def test_sqlite_store_with_old_style_duplicate_tables_upgrades(tmp_path: Path) -> None:
    """Tables created by the old dedup code (schema.sql on first use, at schema version 3) keep their rows."""
    db = tmp_path / "old.db"
    with SQLiteStore(db, migrations=load_migrations()[:3]) as old:
        run_corpus([CORPUS], store=old, settings=_settings(str(db)), duplicates=False)
        with old.write_transaction("old dedup tables") as conn:  # what dedup.ensure_schema used to do
            for statement in split_statements(OLD_SCHEMA):
                conn.execute(statement)
            conn.execute("INSERT INTO dup_members (article_id, cluster_id) VALUES ('orig', 'orig'), ('repub', 'orig')")
    with SQLiteStore(db) as store:
        assert [m.version for m in store.applied_migrations()] == [m.version for m in load_migrations()]
        assert [(c.cluster_id, c.members) for c in list_clusters(store)] == [("orig", ["orig", "repub"])]
        summary = update_duplicates(store)  # signs everything, links the rewrite into the old cluster
        assert summary.indexed == 5
        [cluster] = list_clusters(store)
        assert cluster.cluster_id == "orig" and cluster.members == ["rewrite", "orig", "repub"]
    conn = sqlite3.connect(db)
    triggers = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                            " AND name LIKE 'dup%'")]
    assert triggers == ["dup_text_changed"]


def test_store_of_another_kind_is_refused() -> None:
    class NotAStore:
        location = "somewhere"

    with pytest.raises(StoreError) as info:
        list_clusters(NotAStore())
    assert "SQLite or PostgreSQL store" in str(info.value) and info.value.source == "somewhere"
