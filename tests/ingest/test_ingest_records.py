"""JSONL and CSV readers: good records, malformed lines in the middle, huge fields, encodings."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from narrascope.config.settings import IngestSettings
from narrascope.doc import Article
from narrascope.errors import Codes, InputError
from narrascope.ingest import ReadFailure
from narrascope.ingest.records import read_csv_file, read_jsonl_file


def split(items: list[Article | ReadFailure]) -> tuple[list[Article], list[ReadFailure]]:
    return [x for x in items if isinstance(x, Article)], [x for x in items if isinstance(x, ReadFailure)]


def test_jsonl_fixture(fixtures: Path, settings: IngestSettings) -> None:
    path = fixtures / "records.jsonl"
    arts, fails = split(list(read_jsonl_file(path, settings)))
    assert [a.id for a in arts] == ["r1", "2", "r4", arts[3].id]
    assert len(arts[3].id) == 16  # no id: content hash
    r1 = arts[0]
    assert (r1.title, r1.meta.url, r1.meta.source, r1.meta.published) == (
        "Ceasefire talks stall", "https://news.example.org/1", "Example News", "2024-12-19"
    )
    assert (r1.meta.format, r1.meta.path) == ("jsonl", f"{path}:1")
    assert r1.text == "Ceasefire talks stall\n\nOfficials met on Thursday to discuss the ceasefire proposal."
    assert [s.reason for s in r1.removed] == ["trailing-whitespace", "see-also"]
    # malicious title: data, kept verbatim
    assert arts[1].title == "<script>alert('x')</script> Grain deal extended"
    assert arts[1].text.startswith("<script>alert('x')</script> Grain deal extended\n\n")
    # html record
    assert arts[2].title == "Summit opens" and arts[2].body.startswith("Leaders gathered in Brussels")
    assert [(f.source, f.code) for f in fails] == [
        (f"{path}:3", Codes.BAD_RECORD),
        (f"{path}:5", Codes.BAD_RECORD),
        (f"{path}:7", Codes.EMPTY_INPUT),
        (f"{path}:8", Codes.BAD_RECORD),
    ]
    assert "not valid JSON" in fails[0].message and "object" in fails[1].message and "'text'" in fails[3].message


def _write_jsonl(path: Path, records: list[object]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write((rec if isinstance(rec, str) else json.dumps(rec, ensure_ascii=False)) + "\n")


def test_jsonl_malformed_line_in_the_middle(tmp_path: Path, settings: IngestSettings) -> None:
    path = tmp_path / "batch.jsonl"
    good = [{"id": f"a{i}", "title": f"Title {i}", "text": f"Body number {i}."} for i in range(5)]
    _write_jsonl(path, good[:2] + ['{"id": "bad", "title": "cut off", "te'] + good[2:])
    out = list(read_jsonl_file(path, settings))
    arts, fails = split(out)
    assert [a.id for a in arts] == ["a0", "a1", "a2", "a3", "a4"]
    assert [a.meta.path for a in arts] == [f"{path}:{n}" for n in (1, 2, 4, 5, 6)]
    assert len(fails) == 1 and fails[0].source == f"{path}:3" and fails[0].code == Codes.BAD_RECORD
    assert str(fails[0]).startswith(f"[N007] {path}:3: ")


def test_jsonl_line_over_limit_is_skipped_not_read_whole(tmp_path: Path, settings: IngestSettings) -> None:
    path = tmp_path / "big.jsonl"
    _write_jsonl(path, [{"id": "a", "title": "A", "text": "Small."}, {"id": "b", "title": "B", "text": "x" * 50_000},
                        {"id": "c", "title": "C", "text": "Small too."}])
    out = list(read_jsonl_file(path, settings.model_copy(update={"max_bytes": 10_000})))
    arts, fails = split(out)
    assert [a.id for a in arts] == ["a", "c"]
    assert [(f.source, f.code) for f in fails] == [(f"{path}:2", Codes.TOO_LARGE)]


def test_jsonl_bad_utf8_and_truncated_last_line(tmp_path: Path, settings: IngestSettings) -> None:
    path = tmp_path / "enc.jsonl"
    line1 = json.dumps({"id": "a", "title": "A", "text": "Москва."}, ensure_ascii=False).encode()
    line2 = '{"id": "b", "title": "B", "text": "Привет"}'.encode("cp1251")
    line3 = '{"id": "c", "title": "C", "text": "Ёж'.encode()[:-1]  # cut inside the last character
    path.write_bytes(line1 + b"\n" + line2 + b"\n" + line3)
    arts, fails = split(list(read_jsonl_file(path, settings)))
    assert [a.id for a in arts] == ["a"]
    assert [(f.source, f.code) for f in fails] == [(f"{path}:2", Codes.UNDECODABLE), (f"{path}:3", Codes.TRUNCATED)]


@pytest.mark.parametrize("content,code", [(b"", Codes.EMPTY_INPUT), (b"\n\n  \n", Codes.EMPTY_INPUT),
                                          (b"\x00\x01\x02\x03" * 100, Codes.BINARY_INPUT)])
def test_jsonl_whole_file_problems(tmp_path: Path, settings: IngestSettings, content: bytes, code: str) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(content)
    with pytest.raises(InputError) as ei:
        list(read_jsonl_file(path, settings))
    assert ei.value.code == code and ei.value.source == str(path)


def test_jsonl_deeply_nested(tmp_path: Path, settings: IngestSettings) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n" + json.dumps({"title": "T", "text": "Body."}) + "\n")
    arts, fails = split(list(read_jsonl_file(path, settings)))
    assert len(arts) == 1 and fails[0].source == f"{path}:1" and fails[0].code == Codes.BAD_RECORD


def test_csv_fixture(fixtures: Path, settings: IngestSettings) -> None:
    path = fixtures / "records.csv"
    arts, fails = split(list(read_csv_file(path, settings)))
    assert [a.id for a in arts] == ["c1", "c3"]
    c1 = arts[0]
    assert c1.text == "Ceasefire talks stall\n\nOfficials met on Thursday.\nThe talks lasted six hours."
    assert (c1.meta.format, c1.meta.path, c1.meta.url, c1.meta.published) == (
        "csv", f"{path}:2", "https://news.example.org/1", "2024-12-19"
    )
    assert arts[1].title == "<script>alert(1)</script> Grain deal"
    assert arts[1].meta.path == f"{path}:5"  # record 1 spans lines 2-3
    assert [(f.source, f.code) for f in fails] == [(f"{path}:4", Codes.BAD_RECORD), (f"{path}:6", Codes.EMPTY_INPUT)]


def test_csv_huge_field(tmp_path: Path, settings: IngestSettings) -> None:
    path = tmp_path / "huge.csv"
    # ~480 kB in one field, over the csv module's default field limit of 128 kB
    body = ("A long paragraph about the war and the talks. " * 10 + "\n\n") * 1_000
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "title", "text"])
        writer.writerow(["big", "Big one", body])
        writer.writerow(["small", "Small one", "Short body."])
    arts, fails = split(list(read_csv_file(path, settings)))
    assert not fails and [a.id for a in arts] == ["big", "small"]
    assert arts[0].body == body.rstrip()
    # over the configured limit: a failure for that row, the next row still read
    arts, fails = split(list(read_csv_file(path, settings.model_copy(update={"max_bytes": 200_000}))))
    assert [a.id for a in arts] == ["small"]
    assert [f.code for f in fails] == [Codes.TOO_LARGE] and fails[0].source == f"{path}:2"


def test_csv_cp1251(tmp_path: Path, settings: IngestSettings) -> None:
    path = tmp_path / "ru.csv"
    path.write_bytes("id,title,text\n1,Заявление МИД,Москва заявила о переговорах.\n".encode("cp1251"))
    arts, fails = split(list(read_csv_file(path, settings)))
    assert not fails and arts[0].title == "Заявление МИД" and arts[0].body == "Москва заявила о переговорах."


def test_csv_header_without_text_column(tmp_path: Path, settings: IngestSettings) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,headline,content\n1,a,b\n")
    with pytest.raises(InputError) as ei:
        list(read_csv_file(path, settings))
    assert ei.value.code == Codes.BAD_RECORD and ei.value.source == f"{path}:1" and "'text'" in ei.value.message


def test_csv_bom_and_html_column(tmp_path: Path, settings: IngestSettings) -> None:
    path = tmp_path / "html.csv"
    html = ("<html><body><article><p>Leaders gathered in Brussels on Thursday for a two-day summit on energy "
            "prices and security, officials said.</p></article></body></html>")
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([["ID", "Title", "HTML"], ["h1", "Summit opens", html]])
    arts, fails = split(list(read_csv_file(path, settings)))
    assert not fails and arts[0].id == "h1" and arts[0].body.startswith("Leaders gathered")
