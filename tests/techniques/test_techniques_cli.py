"""``narrascope semeval predict|score techniques`` end to end on small files."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from narrascope.cli.main import cli
from narrascope.techniques.semeval_io import read_labels
from narrascope.techniques.taxonomy import load_techniques

FIX = Path(__file__).parent / "fixtures"


def test_predict_writes_every_paragraph(tmp_path: Path) -> None:
    out = tmp_path / "pred.txt"
    result = CliRunner().invoke(cli, ["semeval", "predict", "techniques", "--template", str(FIX / "glued.template"), "--out", str(out), "--threads", "1"])
    assert result.exit_code == 0, result.output
    labels = read_labels(out, techniques=load_techniques().names).labels
    assert list(labels) == [("2310", "1"), ("2310", "3"), ("23100", "1"), ("23100", "2"), ("23100", "4"), ("2311", "1")]


def test_predict_empty_paragraph_gets_no_label(tmp_path: Path) -> None:
    out = tmp_path / "pred.txt"
    result = CliRunner().invoke(cli, ["semeval", "predict", "techniques", "--template", str(FIX / "small.template"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    labels = read_labels(out, techniques=load_techniques().names).labels
    assert labels[("111", "5")] == [] and len(labels) == 5


def test_predict_bad_template_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.template"
    bad.write_bytes(b"\x00\x01binary")
    result = CliRunner().invoke(cli, ["semeval", "predict", "techniques", "--template", str(bad), "--out", str(tmp_path / "o.txt")])
    assert result.exit_code != 0
    assert "N003" in str(result.exception) and str(bad) in str(result.exception)


def test_score_prints_micro_and_macro(tmp_path: Path) -> None:
    gold = tmp_path / "gold.txt"
    pred = tmp_path / "pred.txt"
    gold.write_text("1\t1\tDoubt\n1\t2\tSlogans\n1\t3\t\n", encoding="utf-8")
    pred.write_text("1\t1\tDoubt\n1\t2\t\n1\t3\tSlogans\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["semeval", "score", "techniques", "--pred", str(pred), "--gold", str(gold), "--per-technique"])
    assert result.exit_code == 0, result.output
    # Doubt 1.0, Slogans tp0 fp1 fn1 -> 0, 21 untouched -> 1.0 each: macro 22/23; micro 2/4
    assert "micro-F1=0.50000" in result.output
    assert f"macro-F1={22 / 23:.5f}" in result.output


def test_score_rejects_mismatched_keys(tmp_path: Path) -> None:
    gold = tmp_path / "gold.txt"
    pred = tmp_path / "pred.txt"
    gold.write_text("1\t1\tDoubt\n1\t2\t\n", encoding="utf-8")
    pred.write_text("1\t1\tDoubt\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["semeval", "score", "techniques", "--pred", str(pred), "--gold", str(gold)])
    assert result.exit_code != 0
    assert "1 missing" in str(result.exception)


def test_train_rejects_unknown_labels(tmp_path: Path) -> None:
    data = tmp_path / "data" / "en"
    data.mkdir(parents=True)
    (data / "train-labels-subtask-3.template").write_text("1\t1\tTitle\n1\t2\tText\n", encoding="utf-8")
    (data / "train-labels-subtask-3.txt").write_text("1\t1\t\n1\t2\tNot_A_Technique\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["train", "techniques", "--data", str(tmp_path / "data"), "--cv", "0", "--out", str(tmp_path / "m")])
    assert result.exit_code != 0 and "N011" in str(result.exception)
