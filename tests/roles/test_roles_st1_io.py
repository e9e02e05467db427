from __future__ import annotations

import pytest

from narrascope.errors import Codes, InputError
from narrascope.roles.st1_io import (
    DocumentCache,
    St1Row,
    locate_mention,
    raise_issues,
    read_document,
    read_st1_file,
    write_st1_file,
)


def test_reads_official_annotations_with_crlf(st1_dir, taxonomy):
    rows, issues = read_st1_file(st1_dir / "subtask-1-annotations.txt", with_roles=True, taxonomy=taxonomy)
    assert issues == [] and len(rows) == 13
    spy = rows[2]
    assert (spy.article, spy.mention, spy.main_role, spy.fine_roles) == ("EN_UA_900002.txt", "deputy minister", "Antagonist", ("Spy", "Traitor"))
    assert spy.source.endswith("subtask-1-annotations.txt:3")
    docs = DocumentCache(st1_dir / "raw-documents")
    for row in rows:
        text = docs.get(row.article)
        assert "\r\n" in text  # offsets count CR characters
        start, end, moved = locate_mention(text, row)
        assert text[start:end] == row.mention and not moved and end == row.end + 1


def test_bad_rows_are_listed_with_file_and_line(tmp_path, taxonomy):
    path = tmp_path / "ann.txt"
    path.write_text(
        "a.txt\tBob\t0\t2\tAntagonist\tTyrant\n"
        "a.txt\tBob\t0\n"
        "a.txt\tAnn\tx\t2\tAntagonist\tTyrant\n"
        "a.txt\tAnn\t4\t6\tAntagonist\tHero\n"
        "a.txt\tAnn\t4\t6\tAntagonist\tVictim\n"
        "a.txt\tAnn\t4\t6\tVillain\tTyrant\n"
        "a.txt\tBob\t0\t2\tAntagonist\tTyrant\n"
        "a.txt\tCy\t9\t3\tAntagonist\tTyrant\n",
        encoding="utf-8",
    )
    rows, issues = read_st1_file(path, with_roles=True, taxonomy=taxonomy)
    assert [r.mention for r in rows] == ["Bob"]
    by_line = {i.source.rsplit(":", 1)[1]: i for i in issues}
    assert set(by_line) == {"2", "3", "4", "5", "6", "7", "8"}
    assert "columns" in by_line["2"].message
    assert "integers" in by_line["3"].message
    assert by_line["4"].code == Codes.BAD_LABEL and "'Hero'" in by_line["4"].message
    assert "belongs to Innocent" in by_line["5"].message
    assert "main role 'Villain'" in by_line["6"].message
    assert "duplicate" in by_line["7"].message and ":1" in by_line["7"].message
    assert by_line["8"].code == Codes.BAD_OFFSETS
    with pytest.raises(InputError) as err:
        raise_issues(issues, str(path))
    assert f"{path}:2" in str(err.value) and "7 invalid row(s)" in str(err.value)


def test_whole_file_problems(tmp_path):
    with pytest.raises(InputError) as err:
        read_st1_file(tmp_path / "missing.txt", with_roles=False)
    assert err.value.code == Codes.MISSING_PATH
    empty = tmp_path / "empty.txt"
    empty.write_text("\r\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_st1_file(empty, with_roles=False)
    assert err.value.code == Codes.EMPTY_INPUT
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01\x02PK")
    with pytest.raises(InputError) as err:
        read_st1_file(binary, with_roles=False)
    assert err.value.code == Codes.BINARY_INPUT
    latin = tmp_path / "latin.txt"
    latin.write_bytes("a.txt\tJosé\t0\t3\n".encode("latin-1"))
    with pytest.raises(InputError) as err:
        read_st1_file(latin, with_roles=False)
    assert err.value.code == Codes.UNDECODABLE and str(latin) in str(err.value)


def test_read_document_errors(tmp_path):
    (tmp_path / "empty.txt").write_text(" \r\n", encoding="utf-8")
    (tmp_path / "bin.txt").write_bytes(b"\x89PNG\x00\x00")
    (tmp_path / "cut.txt").write_bytes("Zelensky said \u201c".encode()[:-1])
    (tmp_path / "bom.txt").write_bytes("\ufeffText".encode())
    (tmp_path / "big.txt").write_text("x" * 100, encoding="utf-8")
    cases = {"empty.txt": Codes.EMPTY_INPUT, "bin.txt": Codes.BINARY_INPUT, "cut.txt": Codes.TRUNCATED, "missing.txt": Codes.MISSING_PATH}
    for name, code in cases.items():
        with pytest.raises(InputError) as err:
            read_document(tmp_path / name)
        assert err.value.code == code and name in str(err.value)
    assert read_document(tmp_path / "bom.txt") == "\ufeffText"  # official offsets count the BOM (RU files)
    with pytest.raises(InputError) as err:
        read_document(tmp_path / "big.txt", max_bytes=10)
    assert err.value.code == Codes.TOO_LARGE


def test_document_ids_cannot_escape_the_folder(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    cache = DocumentCache(tmp_path / "docs")
    with pytest.raises(InputError, match="not a plain file name"):
        cache.get("../secret.txt")


def test_locate_mention():
    text = "Hello\r\nRussia invaded Ukraine."
    exact = St1Row("d.txt", "Russia", 7, 12, source="m.txt:1")
    assert locate_mention(text, exact) == (7, 13, False)
    shifted = St1Row("d.txt", "Russia", 8, 13, source="m.txt:2")  # off by one, as in a few official rows
    assert locate_mention(text, shifted) == (7, 13, True)
    with pytest.raises(InputError) as err:
        locate_mention(text, St1Row("d.txt", "Russia", 100, 105, source="m.txt:3"))
    assert err.value.code == Codes.BAD_OFFSETS and err.value.source == "m.txt:3" and "beyond the end" in str(err.value)
    with pytest.raises(InputError) as err:
        locate_mention(text, St1Row("d.txt", "Kyiv", 7, 10, source="m.txt:4"))
    assert "does not match" in str(err.value) and "'Russ'" in str(err.value)


def test_write_round_trip(tmp_path, taxonomy):
    rows = [St1Row("a.txt", "Bob", 0, 2, "Antagonist", ("Tyrant", "Corrupt")), St1Row("a.txt", "Ann", 4, 6, "Innocent", ("Victim",))]
    path = tmp_path / "pred.txt"
    assert write_st1_file(path, rows) == 2
    assert path.read_text(encoding="utf-8") == "a.txt\tBob\t0\t2\tAntagonist\tTyrant\tCorrupt\na.txt\tAnn\t4\t6\tInnocent\tVictim\n"
    back, issues = read_st1_file(path, with_roles=True, taxonomy=taxonomy)
    assert issues == [] and [r.key for r in back] == [r.key for r in rows]
    with pytest.raises(InputError, match="at least one fine role"):
        write_st1_file(tmp_path / "bad.txt", [St1Row("a.txt", "Bob", 0, 2)])
