"""The CLI end to end, with the real pipeline (spaCy) and a real SQLite file per test."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from narrascope.cli.main import main
from narrascope.doc import Article


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "store" / "narrascope.db")


def test_analyze_example_prints_a_report(capsys, example_path: Path, db: str) -> None:
    code, out, err = run(capsys, "analyze", str(example_path), "--db", db)
    assert code == 0, err
    assert "From Assad’s Backer to His Sanctuary" in out
    assert "Boilerplate removed" in out and "See Also:" in out
    assert "Bashar al-Assad" in out and "Russia" in out
    assert "Language" in out and "en" in out


def test_analyze_json_is_the_full_record(capsys, example_path: Path, db: str) -> None:
    code, out, _ = run(capsys, "analyze", str(example_path), "--json", "--no-store", "--db", db)
    assert code == 0
    article = Article.model_validate_json(out)
    article.validate_spans()
    assert "See Also:" not in article.text and "Watch:" not in article.text
    assert {"language", "entities"} <= set(article.components)
    names = {e.name for e in article.entities}
    assert "Bashar al-Assad" in names
    assert not Path(db).exists()  # --no-store wrote nothing


def test_analyze_exits_1_when_a_component_fails_and_still_reports_and_stores(
    capsys, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db: str
) -> None:
    """A component that raises on one article (tests/scale/fixtures/boom.py) fails that article only."""
    from narrascope.pipeline.registry import BUILTIN_COMPONENTS
    from narrascope.store.sqlite import SQLiteStore

    monkeypatch.syspath_prepend(str(Path(__file__).parents[1] / "scale" / "fixtures"))
    monkeypatch.setitem(BUILTIN_COMPONENTS, "boom", "boom:Boom")
    components = '--set=pipeline.components=["language", "entities", "boom"]'
    calm = tmp_path / "calm.txt"
    calm.write_text("Calm day in Kyiv\n\nOfficials in Ukraine said the night was quiet.", encoding="utf-8")
    code, out, err = run(capsys, "analyze", str(calm), "--db", db, components)
    assert (code, err) == (0, "")
    loud = tmp_path / "loud.txt"
    loud.write_text("Loud day in Kyiv\n\nThe text says BOOM in the middle, officials in Ukraine said.", encoding="utf-8")
    code, out, err = run(capsys, "analyze", str(loud), "--db", db, components)
    assert code == 1
    assert "Loud day in Kyiv" in out and "failed" in out  # the report is still printed, with the failure
    assert "component boom failed" in err and "the text contains BOOM" in err and "[N007]" in err
    with SQLiteStore(db) as store:
        assert store.count() == 2  # the calm article is kept, the loud one stored as failed
        assert len(store.list(status="failed")) == 1


def test_ingest_list_show_search_export(capsys, tmp_path: Path, example_path: Path, db: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "assad.txt").write_text(example_path.read_text(encoding="utf-8"), encoding="utf-8")
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 100)
    (corpus / "more.jsonl").write_text(
        json.dumps({"id": "j1", "title": "Kyiv under fire", "text": "Russian drones struck Kyiv overnight, officials in Ukraine said.", "source": "Example Wire", "published": "2024-12-20"})
        + "\n{not json\n"
        + json.dumps({"id": "j2", "title": "<script>alert(1)</script> Climate talks", "text": "Delegates in Baku argued about climate finance for poorer countries.", "source": "Example Wire", "published": "2024-11-20"})
        + "\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "ingest", str(corpus), str(tmp_path / "missing.txt"), "--db", db)
    assert code == 1
    assert "3 new" in out
    for needle in ("empty.txt", "binary.txt", "more.jsonl:2", "missing.txt"):
        assert needle in err

    # idempotent: nothing stored before is changed, nothing analysed twice
    code, out, _ = run(capsys, "ingest", str(corpus / "assad.txt"), str(corpus / "more.jsonl"), "--db", db)
    assert "0 new" in out and "3 already stored" in out

    code, out, _ = run(capsys, "list", "--json", "--db", db)
    rows = json.loads(out)
    assert {r["id"] for r in rows} >= {"j1", "j2"} and len(rows) == 3
    assert rows[0]["id"] == "j1"  # newest published first

    code, out, _ = run(capsys, "show", "j2", "--json", "--db", db)
    assert Article.model_validate_json(out).title.startswith("<script>")

    code, out, _ = run(capsys, "search", "Damascus", "--json", "--db", db)
    hits = json.loads(out)
    assert len(hits) == 1 and "Assad" in hits[0]["title"]
    code, out, _ = run(capsys, "search", "'; DROP TABLE articles; --", "--json", "--db", db)
    assert code == 0 and json.loads(out) == []

    code, out, _ = run(capsys, "export", "--format", "csv", "--db", db)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 3 and {"id", "title", "text", "entities"} <= set(rows[0])
    target = tmp_path / "out.parquet"
    assert run(capsys, "export", "--format", "parquet", "--out", str(target), "--db", db)[0] == 0
    assert target.stat().st_size > 0
    code, _, err = run(capsys, "export", "--format", "parquet", "--out", str(target), "--db", db)
    assert code != 0 and "exist" in err


def test_errors_are_one_line_and_name_the_input(capsys, db: str, tmp_path: Path) -> None:
    code, _, err = run(capsys, "show", "no-such-id", "--db", db)
    assert code == 1 and "no-such-id" in err and "Traceback" not in err
    code, _, err = run(capsys, "analyze", str(tmp_path / "nope.txt"), "--db", db)
    assert code == 1 and "nope.txt" in err
    code, _, err = run(capsys, "list", "--set", "pipeline.batch_size=0", "--db", db)
    assert code == 1 and "batch_size" in err


def test_schema_command_prints_json_schema(capsys) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0 and json.loads(out)["title"] == "Article"
