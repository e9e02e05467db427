"""Near-duplicate clusters over the store: republished and lightly rewritten articles group, others do not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrascope.cli.main import cli
from narrascope.config.settings import load_settings
from narrascope.dedup import body_shingles, list_clusters, signature, update_duplicates
from narrascope.dedup.minhash import similarity
from narrascope.errors import StoreError
from narrascope.scale import run_corpus
from narrascope.store import SQLiteStore

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "cluster_corpus.jsonl"
RECORDS = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]


def _settings(db: Path):
    return load_settings(overrides=[f"store.path={db}", 'pipeline.components=["language"]'], env={})


def _write(path: Path, ids: list[str]) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for record in RECORDS:
            if record["id"] in ids:
                fh.write(json.dumps(record) + "\n")
    return path


def test_boilerplate_title_and_paraphrase_variants_are_similar_others_not() -> None:
    sig = {r["id"]: signature(body_shingles(r["text"])) for r in RECORDS}
    assert similarity(sig["orig"], sig["repub"]) > 0.8  # same body, other title and boilerplate
    assert similarity(sig["orig"], sig["rewrite"]) > 0.6  # one paragraph paraphrased
    assert similarity(sig["orig"], sig["other-same-topic"]) < 0.1
    assert body_shingles("too short to compare") == set() and signature(set()) is None


def test_run_groups_the_republications_and_names_the_earliest(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with SQLiteStore(db) as store:
        summary = run_corpus([CORPUS], store=store, settings=_settings(db))
        assert summary.duplicates is not None and summary.duplicates.clusters == 1
        [cluster] = list_clusters(store)
        assert cluster.cluster_id == "orig"  # stored first
        assert cluster.earliest_id == "rewrite"  # published 2024-03-04
        assert cluster.members == ["rewrite", "orig", "repub"]  # by publication date
        for member in cluster.members:
            assert store.get(member).duplicates == cluster
        assert store.get("other-same-topic").duplicates is None and store.get("unrelated").duplicates is None
        assert list_clusters(store, "unrelated") == [] and list_clusters(store, "repub") == [cluster]
        with pytest.raises(StoreError):
            list_clusters(store, "no-such-id")


def test_clusters_grow_incrementally_and_keep_their_id(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with SQLiteStore(db) as store:
        run_corpus([_write(tmp_path / "a.jsonl", ["orig", "unrelated"])], store=store, settings=_settings(db))
        assert list_clusters(store) == []
        second = run_corpus([_write(tmp_path / "b.jsonl", ["repub"])], store=store, settings=_settings(db))
        assert second.duplicates.indexed == 1  # only the new article is signed
        assert [(c.cluster_id, c.members) for c in list_clusters(store)] == [("orig", ["orig", "repub"])]
        third = run_corpus([_write(tmp_path / "c.jsonl", ["rewrite", "other-same-topic"])], store=store, settings=_settings(db))
        assert third.duplicates.indexed == 2
        [cluster] = list_clusters(store)
        assert cluster.cluster_id == "orig" and cluster.earliest_id == "rewrite"
        assert store.get("orig").duplicates == cluster  # older members learn about the new earliest one
        again = update_duplicates(store)
        assert (again.indexed, again.links, again.articles_updated) == (0, 0, 0)


def test_reanalysed_members_keep_their_cluster(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with SQLiteStore(db) as store:
        run_corpus([CORPUS], store=store, settings=_settings(db))
        run_corpus([CORPUS], store=store, settings=_settings(db), reanalyze=True)
        assert store.get("repub").duplicates is not None and store.get("repub").duplicates.earliest_id == "rewrite"


def test_fresh_store_lists_nothing_and_read_only_update_fails(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    SQLiteStore(db).close()
    with SQLiteStore(db, read_only=True) as store:
        assert list_clusters(store) == []
        with pytest.raises(StoreError) as info:
            update_duplicates(store)
    assert "read-only" in str(info.value)


def test_cli_duplicates_lists_clusters(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    runner = CliRunner()
    result = runner.invoke(cli, ["run", str(CORPUS), "--db", str(db), "--workers", "1", "--set", 'pipeline.components=["language"]'])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(cli, ["duplicates", "--db", str(db)])
    assert listed.exit_code == 0
    assert "cluster orig (3 articles, earliest rewrite)" in listed.output and "Valley Wire" in listed.output
    one = runner.invoke(cli, ["duplicates", "unrelated", "--db", str(db)])
    assert "unrelated has no near-duplicates" in one.output
    as_json = runner.invoke(cli, ["duplicates", "repub", "--db", str(db), "--json"])
    assert json.loads(as_json.output)[0]["members"] == ["rewrite", "orig", "repub"]
    missing = runner.invoke(cli, ["duplicates", "nope", "--db", str(db)])
    assert missing.exit_code != 0
