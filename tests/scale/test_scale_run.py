"""The corpus run: stage contract, executors agree, resume, incremental reruns, failures, store errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from narrascope.errors import Codes, ConfigError, StoreError
from narrascope.scale import PipelineStage, run_corpus
from narrascope.scale.executors import make_executor
from narrascope.store import SQLiteStore

from scale_helpers import settings_for, write_jsonl

FIXTURES = Path(__file__).parent / "fixtures"


def _records(db: Path) -> dict[str, dict]:
    with SQLiteStore(db) as store:
        return {a.id: a.model_dump(mode="json") for a in store.iter_articles()}


def test_stage_round_trips_article_json(tmp_path: Path, make_jsonl) -> None:
    from narrascope.ingest.readers import read_paths

    settings = settings_for(tmp_path / "s.db", ["language", "entities"])
    articles = [a for a in read_paths([make_jsonl("c.jsonl", 0, 3)], settings.ingest)]
    stage = PipelineStage.from_settings(settings)
    stage.setup()
    out = stage.process_batch([a.model_dump(mode="json") for a in articles])
    stage.teardown()
    assert [r["id"] for r in out] == [a.id for a in articles]
    assert all(r["components"] == ["language", "entities"] for r in out)
    assert all(r["language"] == "en" and r["entities"] for r in out)


def test_local_and_multiprocess_runs_store_the_same_records(tmp_path: Path, make_jsonl) -> None:
    corpus = make_jsonl("c.jsonl", 0, 24)
    results = {}
    for engine, workers in (("local", 1), ("multiprocess", 2)):
        db = tmp_path / f"{engine}.db"
        settings = settings_for(db, ["language", "entities"])
        with SQLiteStore(db) as store:
            summary = run_corpus([corpus], store=store, settings=settings, engine=engine, workers=workers)
        assert (summary.analysed, summary.inserted, summary.skipped) == (24, 24, 0)
        results[engine] = _records(db)
    assert results["local"] == results["multiprocess"]
    assert list(results["local"]) == list(results["multiprocess"])  # same insertion order


def test_rerun_skips_stored_and_grown_corpus_analyses_only_new(tmp_path: Path, raw_docs) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl", raw_docs[:10])
    db = tmp_path / "s.db"
    settings = settings_for(db, ["language"])
    with SQLiteStore(db) as store:
        first = run_corpus([folder], store=store, settings=settings)
        again = run_corpus([folder], store=store, settings=settings)
        write_jsonl(folder / "b.jsonl", raw_docs[10:15])
        grown = run_corpus([folder], store=store, settings=settings)
        assert store.count() == 15
    assert (first.analysed, again.analysed, again.skipped) == (10, 0, 10)
    assert (grown.analysed, grown.skipped, grown.inserted) == (5, 10, 5)


def test_bad_inputs_and_failing_articles_never_stop_the_run(tmp_path: Path, raw_docs) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl", raw_docs[:4])
    (folder / "b_binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 100)
    (folder / "c_broken.jsonl").write_text('{"id": "ok1", "text": "A fine article about the weather today."}\n{"id": "x", "te\n')
    (folder / "d_broken.parquet").write_bytes(b"PAR1 this is not parquet")
    (folder / "e_boom.jsonl").write_text(json.dumps({"id": "boom1", "text": "This one says BOOM in the middle."}) + "\n")
    write_jsonl(folder / "f.jsonl", raw_docs[4:6])
    db = tmp_path / "s.db"
    settings = settings_for(db, ["language", "boom"])
    stage = PipelineStage.from_settings(settings)
    stage.components["boom"] = "boom:Boom"
    sys.path.insert(0, str(FIXTURES))
    try:
        with SQLiteStore(db) as store:
            summary = run_corpus([folder], store=store, settings=settings, stage=stage)
            assert store.count() == 8  # 4 + ok1 + boom1 + 2
            failed = store.list(status="failed")
    finally:
        sys.path.remove(str(FIXTURES))
    sources = {Path(f.source.split(":")[0]).name: f.code for f in summary.failed_inputs}
    assert sources == {"b_binary.txt": Codes.BINARY_INPUT, "c_broken.jsonl": Codes.BAD_RECORD, "d_broken.parquet": Codes.BAD_RECORD}
    assert [f.id for f in failed] == ["boom1"]
    assert [(f.id, f.component, f.code) for f in summary.failed_articles] == [("boom1", "boom", Codes.BAD_RECORD)]
    assert "BOOM" in summary.failed_articles[0].message


def test_read_only_store_is_refused_before_any_work(tmp_path: Path, make_jsonl) -> None:
    db = tmp_path / "s.db"
    SQLiteStore(db).close()
    settings = settings_for(db, ["language"])
    with SQLiteStore(db, read_only=True) as store, pytest.raises(StoreError) as info:
        run_corpus([make_jsonl("c.jsonl", 0, 3)], store=store, settings=settings)
    assert "read-only" in str(info.value) and str(db) in str(info.value)


def test_full_store_fails_clearly_keeps_whole_batches_and_resumes(tmp_path: Path, make_jsonl) -> None:
    corpus = make_jsonl("c.jsonl", 0, 40)
    db = tmp_path / "s.db"
    settings = settings_for(db, ["language"], batch_size=5)
    SQLiteStore(db).close()
    with SQLiteStore(db, max_size_bytes=600_000) as store:
        with pytest.raises(StoreError) as info:
            run_corpus([corpus], store=store, settings=settings, duplicates=False)
        kept = store.count()
    assert info.value.code == Codes.STORE_WRITE and "full" in str(info.value)
    assert 0 < kept < 40 and kept % 5 == 0  # only whole batches
    with SQLiteStore(db) as store:
        summary = run_corpus([corpus], store=store, settings=settings)
        assert store.count() == 40
    assert (summary.analysed, summary.skipped) == (40 - kept, kept)


def test_unknown_engine_and_bad_worker_count(tmp_path: Path) -> None:
    stage = PipelineStage.from_settings(settings_for(tmp_path / "s.db", ["language"]))
    with pytest.raises(ConfigError) as info:
        make_executor("spark", stage)
    assert "spark" in str(info.value)
    with pytest.raises(ConfigError):
        make_executor("multiprocess", stage, workers=0)


def test_multiprocess_gives_each_worker_a_share_of_the_cores(tmp_path: Path) -> None:
    stage = PipelineStage.from_settings(settings_for(tmp_path / "s.db", ["language"]), workers=2)
    assert stage.threads is not None and stage.threads >= 1


def test_parquet_output_holds_every_stored_article_and_resumed_runs_add_parts(tmp_path: Path, make_jsonl) -> None:
    import pyarrow.parquet as pq

    from narrascope.doc import Article

    out = tmp_path / "parts"
    db = tmp_path / "s.db"
    settings = settings_for(db, ["language"], batch_size=4)
    with SQLiteStore(db) as store:
        run_corpus([make_jsonl("a.jsonl", 0, 10)], store=store, settings=settings, parquet_dir=out)
        run_corpus([make_jsonl("b.jsonl", 0, 14)], store=store, settings=settings, parquet_dir=out)
        stored = {a.id: a for a in store.iter_articles()}
    parts = sorted(p.name for p in out.iterdir())
    # 10 articles in batches of 4 -> 3 parts; then the 4 new ones arrive in 2 read batches -> 2 parts
    assert parts == [f"part-{i:06d}.parquet" for i in range(5)]
    table = pq.read_table(out)
    assert sorted(table.column("id").to_pylist()) == sorted(stored)
    for record in table.column("record").to_pylist():
        article = Article.model_validate_json(record)
        assert article.language == stored[article.id].language and article.text == stored[article.id].text
    assert set(table.column("status").to_pylist()) == {"ok"}


def test_parquet_output_folder_that_is_a_file_is_a_clear_error(tmp_path: Path, make_jsonl) -> None:
    blocker = tmp_path / "parts"
    blocker.write_text("a file, not a folder")
    db = tmp_path / "s.db"
    with SQLiteStore(db) as store:
        with pytest.raises(StoreError) as info:
            run_corpus([make_jsonl("a.jsonl", 0, 2)], store=store, settings=settings_for(db, ["language"]), parquet_dir=blocker)
        assert store.count() == 0
    assert str(blocker) in str(info.value)
