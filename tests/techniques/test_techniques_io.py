"""Official template / label readers and writers, including bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.errors import Codes, InputError
from narrascope.techniques.semeval_io import load_split, read_labels, read_template, write_labels
from narrascope.techniques.taxonomy import load_techniques

FIX = Path(__file__).parent / "fixtures"
NAMES = load_techniques().names


def test_template_keeps_empty_paragraphs_and_text() -> None:
    rows = read_template(FIX / "small.template")
    assert [(p.article_id, p.paragraph_id) for p in rows] == [("111", "1"), ("111", "3"), ("111", "5"), ("112", "1"), ("112", "2")]
    assert rows[1].text == 'A "brutal" regime, said critics.'
    assert rows[2].text == ""
    assert rows[4].text == "It ends with art.23"  # trailing digits alone are not a glued row


@pytest.mark.parametrize("use_keys", [True, False])
def test_glued_rows_are_split(use_keys: bool) -> None:
    keys = set(read_labels(FIX / "glued.labels", techniques=NAMES).labels) if use_keys else None
    rows = read_template(FIX / "glued.template", known_keys=keys)
    got = [(p.article_id, p.paragraph_id, p.text) for p in rows]
    assert got == [
        ("2310", "1", "Macron et l'écologie"),
        ("2310", "3", "fin de son art."),
        ("23100", "1", "François, pape"),
        ("23100", "2", "Suite du texte."),
        ("23100", "4", "Das ist die Krise."),
        ("2311", "1", "Titel"),
    ]


def test_labels_and_unknown_technique(tmp_path: Path) -> None:
    lab = read_labels(FIX / "glued.labels", techniques=NAMES)
    assert lab.labels[("23100", "4")] == ["Doubt", "Repetition"]
    assert lab.labels[("2310", "1")] == []
    bad = tmp_path / "bad.txt"
    bad.write_text("1\t1\tLoaded_Language,Propaganda_Bomb\n2\t1\t\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_labels(bad, techniques=NAMES)
    assert err.value.code == Codes.BAD_LABEL and err.value.source == f"{bad}:1" and "Propaganda_Bomb" in str(err.value)
    dropped = read_labels(bad, techniques=NAMES, on_unknown="drop")
    assert dropped.labels[("1", "1")] == ["Loaded_Language"]
    assert len(dropped.dropped) == 1 and "Propaganda_Bomb" in dropped.dropped[0]


def test_write_then_read_round_trip(tmp_path: Path) -> None:
    out = write_labels(tmp_path / "pred.txt", [("1", "1", []), ("1", "2", ["Doubt", "Slogans"])])
    assert out.read_text(encoding="utf-8") == "1\t1\t\n1\t2\tDoubt,Slogans\n"
    assert read_labels(out, techniques=NAMES).labels == {("1", "1"): [], ("1", "2"): ["Doubt", "Slogans"]}


@pytest.mark.parametrize(
    "content, code",
    [
        (b"", Codes.EMPTY_INPUT),
        (b"   \n\n", Codes.EMPTY_INPUT),
        (b"\x00\x01\x02binary\x00", Codes.BINARY_INPUT),
        ("1\t1\tcaf\u00e9 au lait\n".encode("cp1252"), Codes.UNDECODABLE),
        ("1\t1\tRussie \u00e9".encode("utf-8")[:-1], Codes.TRUNCATED),
        (b"not a template line\n", Codes.BAD_RECORD),
        (b"1\t1\ta\n1\t1\tb\n", Codes.BAD_RECORD),
    ],
)
def test_bad_template(tmp_path: Path, content: bytes, code: str) -> None:
    path = tmp_path / "x.template"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_template(path)
    assert err.value.code == code
    assert str(path) in str(err.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read_template(tmp_path / "nope.template")
    assert err.value.code == Codes.MISSING_PATH
    with pytest.raises(InputError) as err:
        read_labels(tmp_path, techniques=NAMES)
    assert err.value.code == Codes.UNSUPPORTED_FORMAT


def test_load_split_checks_keys(tmp_path: Path) -> None:
    (tmp_path / "xx").mkdir()
    (tmp_path / "xx" / "train-labels-subtask-3.template").write_text("1\t1\tA\n1\t2\tB\n", encoding="utf-8")
    (tmp_path / "xx" / "train-labels-subtask-3.txt").write_text("1\t1\tDoubt\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_split(tmp_path, "xx", techniques=NAMES)
    assert "disagree" in str(err.value)


def test_shared_data_reads_cleanly(shared: Path) -> None:
    base = shared / "data" / "semeval2023-task3" / "data"
    for lang, n in (("en", 9498), ("fr", 2259), ("ru", 1962)):
        paragraphs, _ = load_split(base, lang, techniques=NAMES)
        assert len(paragraphs) == n
        # the numbering rule alone (no gold keys) recovers the same rows as the gold keys
        plain = read_template(base / lang / "train-labels-subtask-3.template")
        assert [(p.key, p.text) for p in plain] == [(p.key, p.text) for p in paragraphs]


def test_too_large_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from narrascope.techniques import semeval_io

    monkeypatch.setattr(semeval_io, "_MAX_BYTES", 100)
    path = tmp_path / "big.template"
    path.write_text("1\t1\t" + "x" * 200 + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_template(path)
    assert err.value.code == Codes.TOO_LARGE and str(path) in str(err.value)


def test_crlf_and_bom_are_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "crlf.template"
    path.write_bytes("\ufeff7\t1\tTitle\r\n7\t2\tBody text\r\n".encode("utf-8"))
    assert [(p.key, p.text) for p in read_template(path)] == [(("7", "1"), "Title"), (("7", "2"), "Body text")]
