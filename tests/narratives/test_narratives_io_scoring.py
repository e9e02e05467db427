"""Official subtask-2/3 formats and the samples-F1 scorer, on hand-made files with known answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.errors import Codes, InputError
from narrascope.narratives.scoring import samples_f1, score_st2, token_f1
from narrascope.narratives.semeval_io import (
    St2Row,
    read_documents,
    read_label_list,
    read_st2,
    read_st3,
    write_st2,
    write_st3,
)

CLASSES = ["A", "B", "C", "D", "Other"]


def test_samples_f1_by_hand() -> None:
    gold = [["A", "B"], ["Other"], ["C"], ["A"]]
    pred = [["A"], ["Other"], ["D"], ["A", "B", "C"]]
    # per document: 2*1/(2+1)=2/3, 1, 0, 2*1/(1+3)=1/2  -> mean 13/24
    mean, sd = samples_f1(gold, pred, CLASSES)
    assert mean == pytest.approx((2 / 3 + 1 + 0 + 0.5) / 4)
    values = [2 / 3, 1.0, 0.0, 0.5]
    mu = sum(values) / 4
    assert sd == pytest.approx((sum((v - mu) ** 2 for v in values) / 4) ** 0.5)


def test_samples_f1_restricts_to_class_list() -> None:
    # "X" is not a class: ignored on both sides; a document left with two empty sets scores 0 (zero_division=0)
    assert samples_f1([["A", "X"]], [["A"]], CLASSES)[0] == pytest.approx(1.0)
    assert samples_f1([["X"]], [["X"]], CLASSES)[0] == 0.0
    # labels are compared exactly as written (no stripping), like the official scorer
    assert samples_f1([["A"]], [[" A"]], CLASSES)[0] == 0.0


def _write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def test_read_st2_crlf_and_score(tmp_path: Path) -> None:
    gold = _write(tmp_path / "gold.txt", "d1\tA;B\tA: x;B: y\r\nd2\tOther\tOther\r\n\r\n")
    pred = _write(tmp_path / "pred.txt", "d2\tOther\tOther\nd1\tA\tA: x\n")
    g, p = read_st2(gold), read_st2(pred)
    assert g[0] == St2Row("d1", ["A", "B"], ["A: x", "B: y"], 1)
    result = score_st2(g, p, ["A", "B", "Other"], ["A: x", "B: y", "Other"])
    # d1: coarse 2/3, fine 2/3; d2: 1 and 1
    assert result.f1_coarse == pytest.approx((2 / 3 + 1) / 2)
    assert result.f1_fine == pytest.approx((2 / 3 + 1) / 2)
    assert result.n_documents == 2 and result.order_matches_gold is False


def test_score_st2_id_mismatch(tmp_path: Path) -> None:
    gold = read_st2(_write(tmp_path / "g.txt", "d1\tA\tA: x\nd2\tA\tA: x\n"))
    pred = read_st2(_write(tmp_path / "p.txt", "d1\tA\tA: x\nd3\tA\tA: x\n"))
    with pytest.raises(InputError, match="1 gold document\\(s\\) not predicted \\(e.g. d2\\)"):
        score_st2(gold, pred, ["A"], ["A: x"], pred_source="p.txt")


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (b"d1\tA\n", Codes.BAD_RECORD, "expected 3 tab-separated columns"),
        (b"d1\tA\tA: x\nd1\tB\tB: y\n", Codes.BAD_RECORD, "duplicate document id 'd1'"),
        (b"", Codes.EMPTY_INPUT, "empty"),
        (b"d1\x00\tA\tB\n", Codes.BINARY_INPUT, "binary"),
        (b"d1\tA\xff\tB\n", Codes.UNDECODABLE, "not UTF-8"),
    ],
)
def test_read_st2_bad_input(tmp_path: Path, content: bytes, code: str, message: str) -> None:
    path = _write(tmp_path / "ann.txt", "")
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as err:
        read_st2(path)
    assert err.value.code == code and str(path) in str(err.value)


def test_bad_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "ann.txt"
    path.write_bytes(b"d1\tA\tA: x\nd2\tA\n")
    with pytest.raises(InputError) as err:
        read_st2(path)
    assert err.value.source == f"{path}:2"


def test_write_st2_and_st3(tmp_path: Path) -> None:
    rows = [St2Row("b.txt", ["Other"], ["Other"]), St2Row("a.txt", ["A", "B"], ["A: x", "B: y"])]
    out = tmp_path / "out.txt"
    assert write_st2(out, rows) == 2
    assert out.read_text(encoding="utf-8") == "b.txt\tOther\tOther\na.txt\tA;B\tA: x;B: y\n"
    assert read_st2(out) == [St2Row("b.txt", ["Other"], ["Other"], 1), St2Row("a.txt", ["A", "B"], ["A: x", "B: y"], 2)]
    out3 = tmp_path / "st3.txt"
    write_st3(out3, [("a.txt", "one\ttwo\nthree")])
    assert out3.read_text(encoding="utf-8") == "a.txt\tone two three\n"


def test_read_st3(tmp_path: Path) -> None:
    path = _write(tmp_path / "dom.txt", "a.txt\tCC: N\tnone\r\nb.txt\tCC: N\tCC: N: S\r\n")
    rows = read_st3(path)
    assert rows[0].subnarrative is None and rows[1].subnarrative == "CC: N: S"
    gold = _write(tmp_path / "gold.txt", "a.txt\tCC: N\tnone\tThe text says so.\n")
    assert read_st3(gold, with_explanation=True)[0].explanation == "The text says so."
    with pytest.raises(InputError, match="expected 4 tab-separated columns"):
        read_st3(path, with_explanation=True)


def test_read_documents_keeps_cr_and_reports_bad_files(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_bytes(b"Title\r\n\r\nBody.\r\n")
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "c.txt").write_bytes(b"PK\x03\x04\x00\x00binary")
    (tmp_path / "d.txt").write_bytes("Caf\u00e9".encode("utf-8")[:-1])  # truncated UTF-8
    (tmp_path / "e.txt").write_bytes("ok".encode("cp1252") + b"\xe9t\xe9 long")  # not UTF-8
    (tmp_path / "notes.md").write_text("ignored")
    items = read_documents(tmp_path)
    names = [getattr(i, "id", None) or Path(i.source).name for i in items]
    assert names == ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]
    assert items[1].text == "Title\r\n\r\nBody.\r\n"
    codes = [i.code for i in items if isinstance(i, InputError)]
    assert codes == [Codes.EMPTY_INPUT, Codes.BINARY_INPUT, Codes.TRUNCATED, Codes.UNDECODABLE]


def test_read_documents_missing_dir(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_documents(tmp_path / "nope")
    with pytest.raises(InputError, match="no .txt documents"):
        read_documents(tmp_path)


def test_label_list(tmp_path: Path) -> None:
    assert read_label_list(_write(tmp_path / "l.txt", "A\r\nB\r\n\r\n")) == ["A", "B"]


def test_token_f1() -> None:
    assert token_f1("The West is weak", "the west is WEAK") == pytest.approx(1.0)
    assert token_f1("a b", "c d") == 0.0
    assert token_f1("a b c d", "a b") == pytest.approx(2 * 0.5 * 1.0 / 1.5)


def test_read_st3_predictions(tmp_path: Path) -> None:
    from narrascope.narratives.semeval_io import read_st3_predictions

    assert read_st3_predictions(_write(tmp_path / "p.txt", "a.txt\tSome text.\r\n")) == [("a.txt", "Some text.")]
    with pytest.raises(InputError, match="duplicate document id 'a.txt'") as err:
        read_st3_predictions(_write(tmp_path / "q.txt", "a.txt\tx\na.txt\ty\n"))
    assert err.value.source.endswith("q.txt:2")
    with pytest.raises(InputError, match="expected 2 tab-separated columns"):
        read_st3_predictions(_write(tmp_path / "r.txt", "no tab here\n"))
