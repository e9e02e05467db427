"""``narrascope semeval predict|score st2|st3`` and ``narrascope train narratives`` end to end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrascope.cli.main import cli
from narrascope.errors import Codes, InputError
from narrascope.narratives.semeval_io import read_st2


@pytest.fixture()
def docs(tmp_path: Path, tiny_dir: Path) -> Path:
    target = tmp_path / "docs"
    shutil.copytree(tiny_dir / "raw-documents", target)
    (target / "EN_CC_EMPTY.txt").write_bytes(b"\r\n")
    return target


def test_predict_and_score_st2(tmp_path: Path, docs: Path, tiny_dir: Path) -> None:
    out = tmp_path / "pred.txt"
    result = CliRunner().invoke(cli, ["semeval", "predict", "st2", "--documents", str(docs), "--out", str(out),
                                      "--threads", "1"])
    assert result.exit_code == 0, result.output
    rows = read_st2(out)
    assert [r.id for r in rows] == sorted(p.name for p in docs.iterdir())  # input order, one row per document
    empty = next(r for r in rows if r.id == "EN_CC_EMPTY.txt")
    assert empty.narratives == ["Other"] and "EN_CC_EMPTY.txt" in result.output  # listed as unusable
    for r in rows:  # consistent hierarchy in the output
        if r.narratives == ["Other"]:
            assert r.subnarratives == ["Other"]
        else:
            assert all(any(s.startswith(n + ": ") for n in r.narratives) for s in r.subnarratives)
    # score: only the documents of the gold file (rows of the prediction file in another order are fine)
    gold_ids = [r.id for r in read_st2(tiny_dir / "subtask-2-annotations.txt")]
    sub = tmp_path / "sub.txt"
    sub.write_text("".join(f"{r.id}\t{';'.join(r.narratives)}\t{';'.join(r.subnarratives)}\n"
                           for r in rows if r.id in gold_ids), encoding="utf-8")
    scored = CliRunner().invoke(cli, ["semeval", "score", "st2", "--gold", str(tiny_dir / "subtask-2-annotations.txt"),
                                      "--pred", str(sub), "--json"])
    assert scored.exit_code == 0, scored.output
    data = json.loads(scored.stdout)
    assert "not in the gold file's order" in scored.output  # sorted by name here, not in gold order
    assert data["n_documents"] == 12 and 0.0 <= data["f1_fine"] <= data["f1_coarse"] <= 1.0


def test_score_st2_gold_against_itself(tiny_dir: Path) -> None:
    gold = str(tiny_dir / "subtask-2-annotations.txt")
    result = CliRunner().invoke(cli, ["semeval", "score", "st2", "--gold", gold, "--pred", gold])
    assert result.exit_code == 0
    assert "F1@coarse: 1.000 (0.000)" in result.output and "F1@fine: 1.000 (0.000)" in result.output


def test_score_st2_with_official_lists(tiny_dir: Path, shared: Path) -> None:
    base = shared / "data" / "semeval2025-task10" / "taxonomy"
    gold = str(tiny_dir / "subtask-2-annotations.txt")
    result = CliRunner().invoke(cli, ["semeval", "score", "st2", "--gold", gold, "--pred", gold,
                                      "--narratives", str(base / "subtask2_narratives.txt"),
                                      "--subnarratives", str(base / "subtask2_subnarratives.txt")])
    assert result.exit_code == 0 and "F1@fine: 1.000" in result.output


def test_predict_and_score_st3(tmp_path: Path, docs: Path, tiny_dir: Path) -> None:
    out = tmp_path / "st3.txt"
    result = CliRunner().invoke(cli, ["semeval", "predict", "st3", "--documents", str(docs), "--dominant",
                                      str(tiny_dir / "subtask-3-dominant-narratives.txt"), "--out", str(out),
                                      "--threads", "1"])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[0] for line in lines] == ["EN_CC_900001.txt", "EN_UA_900005.txt"]
    for line in lines:
        explanation = line.split("\t")[1]
        assert 0 < len(explanation.split()) <= 80
        text = (docs / line.split("\t")[0]).read_text(encoding="utf-8")
        quotes = [q.split("\u201d")[0] for q in explanation.split("\u201c")[2:]]
        assert quotes and all(q in text for q in quotes)  # every quotation is the article's own words
    scored = CliRunner().invoke(cli, ["semeval", "score", "st3", "--gold", str(tiny_dir / "subtask-3-annotations.txt"),
                                      "--pred", str(out), "--json"])
    assert scored.exit_code == 0, scored.output
    data = json.loads(scored.stdout)
    assert 0.0 < data["semantic"] <= 1.0 and 0.0 < data["lexical"] <= 1.0 and "proxy" in data["metric"]


def test_train_on_tiny_data(tmp_path: Path, tiny_dir: Path) -> None:
    out = tmp_path / "model"
    result = CliRunner().invoke(cli, ["train", "narratives", "--data", str(tiny_dir), "--cv", "2", "--out", str(out),
                                      "--C", "1.0", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout[: result.stdout.rindex("}") + 1])
    assert report["folds"] == 2 and 0.0 <= report["samples_f1_fine"] <= 1.0
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["cv"] == report and "research use only" in meta["training_data"]["terms"]
    from narrascope.narratives.model import NarrativeModel

    assert NarrativeModel.load(out).coarse_labels  # the written artifact loads


def test_train_needs_an_output(tiny_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["train", "narratives", "--data", str(tiny_dir)])
    assert result.exit_code != 0 and "--out" in result.output


def test_train_with_bad_taxonomy_or_labels(tmp_path: Path, tiny_dir: Path) -> None:
    tax = tmp_path / "tax.json"
    tax.write_text(json.dumps({"domains": [{"code": "A", "name": "a"}],
                               "narratives": [{"label": "A: N", "domain": "A", "definition": "d"}],
                               "subnarratives": []}), encoding="utf-8")
    result = CliRunner().invoke(cli, ["train", "narratives", "--data", str(tiny_dir), "--taxonomy", str(tax),
                                      "--out", str(tmp_path / "m")])
    assert isinstance(result.exception, InputError)
    assert result.exception.code == Codes.BAD_LABEL
    assert "subtask-2-annotations.txt:1" in str(result.exception) and "not in the taxonomy" in str(result.exception)


def test_st3_unknown_label_and_missing_document(tmp_path: Path, docs: Path) -> None:
    dominant = tmp_path / "dominant.txt"
    dominant.write_text("EN_UA_900006.txt\tURW: A narrative we never saw\tnone\n"
                        "EN_XX_MISSING.txt\tCC: Criticism of climate policies\tnone\n"
                        "EN_CC_EMPTY.txt\tCC: Criticism of climate policies\tnone\n", encoding="utf-8")
    out = tmp_path / "st3.txt"
    args = ["semeval", "predict", "st3", "--documents", str(docs), "--dominant", str(dominant), "--out", str(out)]
    result = CliRunner().invoke(cli, [*args, "--threads", "1"])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[0] for line in lines] == ["EN_UA_900006.txt", "EN_XX_MISSING.txt", "EN_CC_EMPTY.txt"]
    assert "\u201c" in lines[0].split("\t")[1]  # quotes the article even for an unknown label
    assert "EN_XX_MISSING.txt" in result.output and "EN_CC_EMPTY.txt" in result.output  # listed as unusable
