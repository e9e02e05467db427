"""read_paths: dispatch, directories, a mix of good and bad files, missing paths."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from narrascope.config.settings import IngestSettings
from narrascope.doc import Article
from narrascope.errors import Codes
from narrascope.ingest import ReadFailure, read_paths
from narrascope.ingest.readers import detect_format

GOOD_TEXT = "Ceasefire talks stall\n\nOfficials met on Thursday to discuss the ceasefire proposal.\n"


def _mixed_dir(root: Path, fixtures: Path) -> None:
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a-good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (root / "b-empty.txt").write_bytes(b"")
    (root / "c-binary.txt").write_bytes(b"%PDF-1.4\n" + bytes(range(256)))
    (root / "d-cp1251.txt").write_bytes("Заголовок\n\nМосква заявила о переговорах.\n".encode("cp1251"))
    (root / "e-truncated.txt").write_bytes("Title\n\nBody with a cut ё".encode()[:-1])
    with open(root / "f-huge.txt", "wb") as fh:
        fh.truncate(50_000_000)
    shutil.copy(fixtures / "no-article.html", root / "g-no-article.html")
    shutil.copy(fixtures / "article.html", root / "sub" / "page.htm")
    shutil.copy(fixtures / "records.jsonl", root / "sub" / "deeper" / "records.jsonl")
    shutil.copy(fixtures / "feed.rss", root / "sub" / "feed.rss")
    (root / "sub" / "notes.json").write_text('{"a": 1}')
    (root / ".hidden" / "secret.txt").write_text(GOOD_TEXT)
    (root / ".dotfile.txt").write_text(GOOD_TEXT)


def test_directory_mixing_good_and_bad_files(tmp_path: Path, fixtures: Path, settings: IngestSettings) -> None:
    root = tmp_path / "in"
    _mixed_dir(root, fixtures)
    out = list(read_paths([root, tmp_path / "missing.txt"], settings))
    arts = [x for x in out if isinstance(x, Article)]
    fails = {x.source: x for x in out if isinstance(x, ReadFailure)}
    sources = [a.meta.path for a in arts]
    assert sources == [
        str(root / "a-good.txt"),
        str(root / "d-cp1251.txt"),
        str(root / "sub" / "deeper" / "records.jsonl") + ":1",
        str(root / "sub" / "deeper" / "records.jsonl") + ":2",
        str(root / "sub" / "deeper" / "records.jsonl") + ":4",
        str(root / "sub" / "deeper" / "records.jsonl") + ":9",
        str(root / "sub" / "feed.rss") + "#entry 1",
        str(root / "sub" / "feed.rss") + "#entry 4",
        str(root / "sub" / "page.htm"),
    ]
    assert [a.meta.format for a in arts] == ["text", "text", "jsonl", "jsonl", "jsonl", "jsonl", "feed", "feed", "html"]
    assert arts[1].title == "Заголовок"
    expected = {
        str(root / "b-empty.txt"): Codes.EMPTY_INPUT,
        str(root / "c-binary.txt"): Codes.BINARY_INPUT,
        str(root / "e-truncated.txt"): Codes.TRUNCATED,
        str(root / "f-huge.txt"): Codes.TOO_LARGE,
        str(root / "g-no-article.html"): Codes.NO_ARTICLE,
        str(root / "sub" / "notes.json"): Codes.UNSUPPORTED_FORMAT,
        str(tmp_path / "missing.txt"): Codes.MISSING_PATH,
    }
    for source, code in expected.items():
        assert fails[source].code == code, (source, fails[source])
        assert fails[source].message
    assert sum(1 for s in fails if "records.jsonl:" in s) == 4
    assert sum(1 for s in fails if "feed.rss#entry" in s) == 2
    assert not any("hidden" in s or "dotfile" in s for s in [*sources, *fails])


def test_missing_path_is_a_failure_not_an_exception(tmp_path: Path, settings: IngestSettings) -> None:
    out = list(read_paths([str(tmp_path / "nope"), tmp_path / "nope2.html"], settings))
    assert [(f.code, f.source) for f in out] == [  # type: ignore[union-attr]
        (Codes.MISSING_PATH, str(tmp_path / "nope")),
        (Codes.MISSING_PATH, str(tmp_path / "nope2.html")),
    ]


def test_sniffing_without_extension(tmp_path: Path, fixtures: Path, settings: IngestSettings) -> None:
    shutil.copy(fixtures / "feed.atom", tmp_path / "atomfeed")
    shutil.copy(fixtures / "article.html", tmp_path / "page")
    (tmp_path / "plain").write_text(GOOD_TEXT)
    (tmp_path / "story.md").write_text(GOOD_TEXT)
    assert detect_format(tmp_path / "atomfeed") == "feed"
    assert detect_format(tmp_path / "page") == "html"
    assert detect_format(tmp_path / "plain") == "text"
    formats = [a.meta.format for a in read_paths([tmp_path], settings) if isinstance(a, Article)]
    assert formats == ["feed", "html", "text", "text"]


def test_symlink_loop_terminates(tmp_path: Path, settings: IngestSettings) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text(GOOD_TEXT)
    os.symlink(tmp_path / "d", tmp_path / "d" / "loop")
    out = list(read_paths([tmp_path / "d"], settings))
    assert [a.meta.path for a in out if isinstance(a, Article)] == [str(tmp_path / "d" / "a.txt")]


def test_same_content_same_id_across_formats(tmp_path: Path, settings: IngestSettings) -> None:
    (tmp_path / "a.txt").write_text("Title\n\nSame body.\n")
    (tmp_path / "b.jsonl").write_text(
        '{"title": "Title", "text": "Same body."}\n{"id": "keep-me", "title": "T", "text": "B"}\n'
    )
    arts = [a for a in read_paths([tmp_path], settings) if isinstance(a, Article)]
    assert arts[0].id == arts[1].id and arts[2].id == "keep-me"


def test_named_pipe_is_refused_without_blocking(tmp_path: Path, settings: IngestSettings) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (failure,) = list(read_paths([fifo], settings))
    assert isinstance(failure, ReadFailure) and failure.code == Codes.UNSUPPORTED_FORMAT
