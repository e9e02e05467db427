from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from narrascope.cli.main import cli


def _raw(path) -> str:
    """File text with CR characters kept (as the official offsets need)."""
    return path.read_bytes().decode("utf-8")


@pytest.fixture()
def semeval_input(tmp_path, st1_dir):
    docs = tmp_path / "docs"
    shutil.copytree(st1_dir / "raw-documents", docs)
    (docs / "EN_CC_EMPTY.txt").write_text("\r\n", encoding="utf-8")
    gold = _raw(st1_dir / "subtask-1-annotations.txt")
    gold_lines = [line for line in gold.split("\r\n") if line]
    mentions = ["\t".join(line.split("\t")[:4]) for line in gold_lines]
    bad = [
        "EN_UA_900001.txt\tRed Cross\t60\t69",  # shifted by one: re-located, still predicted
        "EN_UA_900001.txt\tNATO\t10\t13",  # does not match the text
        "EN_UA_900001.txt\tRed Cross\t5000\t5008",  # beyond the document
        "EN_CC_EMPTY.txt\tNobody\t0\t5",  # empty document
        "EN_XX_MISSING.txt\tNobody\t0\t5",  # no such document
        "just one column",
    ]
    path = tmp_path / "subtask-1-entity-mentions.txt"
    path.write_text("\r\n".join(mentions[:5] + bad + mentions[5:]) + "\r\n", encoding="utf-8")
    return docs, path, st1_dir / "subtask-1-annotations.txt", len(mentions)


def test_predict_writes_valid_rows_and_lists_the_others(tmp_path, semeval_input):
    docs, mentions, gold, n_gold = semeval_input
    out = tmp_path / "pred.txt"
    result = CliRunner().invoke(cli, ["semeval", "predict", "st1", "--documents", str(docs), "--mentions", str(mentions), "--out", str(out), "--threads", "1"])
    assert result.exit_code == 1, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == n_gold + 1  # every valid row, plus the re-located one
    assert lines[5].split("\t")[:4] == ["EN_UA_900001.txt", "Red Cross", "60", "69"]  # original key kept, file order kept
    assert "5 row(s) left out" in result.output
    for line_no, words in [(7, "does not match"), (8, "beyond the end"), (9, "document is empty"), (10, "does not exist"), (11, "columns")]:
        assert any(f"{mentions}:{line_no}" in row and words in row for row in result.output.splitlines()), (line_no, result.output)
    assert "re-located" not in result.output and "off by a few characters" in result.output
    for line in lines:
        cols = line.split("\t")
        assert cols[4] in {"Protagonist", "Antagonist", "Innocent"} and len(cols) >= 6

    scored = CliRunner().invoke(cli, ["semeval", "score", "st1", "--gold", str(gold), "--pred", str(out), "--json"])
    assert scored.exit_code == 0, scored.output
    scores = json.loads(scored.output)
    assert scores["n_gold"] == n_gold and scores["missing"] == 0 and scores["extra"] == 1
    assert 0 <= scores["emr"] <= 1


def test_score_known_answer(tmp_path, st1_dir):
    gold = st1_dir / "subtask-1-annotations.txt"
    pred = tmp_path / "pred.txt"
    lines = _raw(gold).split("\r\n")
    cols = lines[0].split("\t")
    lines[0] = "\t".join(cols[:4] + ["Antagonist", "Tyrant"])  # 1 of 13 wrong (main and fine)
    pred.write_text("\n".join(lines), encoding="utf-8")
    result = CliRunner().invoke(cli, ["semeval", "score", "st1", "--gold", str(gold), "--pred", str(pred)])
    assert result.exit_code == 0, result.output
    # 13 mentions (one with two fine roles): 14 gold labels, 14 predicted labels, 13 correct
    assert f"official line: {12/13:.4f}\t{13/14:.4f}\t{13/14:.4f}\t{13/14:.4f}\t{12/13:.4f}" in result.output


def test_score_refuses_unknown_roles(tmp_path, st1_dir):
    pred = tmp_path / "pred.txt"
    pred.write_text("EN_UA_900001.txt\tRed Cross\t59\t67\tProtagonist\tSuperhero\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["semeval", "score", "st1", "--gold", str(st1_dir / "subtask-1-annotations.txt"), "--pred", str(pred)])
    assert result.exit_code != 0
    assert "Superhero" in str(result.exception) and f"{pred}:1" in str(result.exception)


def test_train_on_tiny_data_writes_an_artifact(tmp_path, st1_dir):
    out = tmp_path / "model"
    result = CliRunner().invoke(cli, ["train", "roles", "--kind", "linear", "--data", str(st1_dir), "--cv", "2", "--out", str(out),
                                      "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    assert "2-fold CV" in result.output and "13 mentions in 6 documents" in result.output
    meta = json.loads((out / "meta.json").read_text())
    assert meta["cv"]["folds"] == 2 and meta["training_data"]["mentions"] == 13
    assert meta["rebuild"].startswith("narrascope train roles --data")
    from narrascope.roles.model import RoleModel

    assert RoleModel.load(out).fine_roles[0] == "Guardian"
    again = CliRunner().invoke(cli, ["train", "roles", "--kind", "linear", "--data", str(st1_dir), "--cv", "0", "--out", str(out)])
    assert again.exit_code != 0 and "already exists" in again.output


def test_train_refuses_unknown_role_with_file_and_line(tmp_path, st1_dir):
    data = tmp_path / "EN"
    shutil.copytree(st1_dir, data)
    ann = data / "subtask-1-annotations.txt"
    lines = _raw(ann).split("\r\n")
    lines[3] = lines[3].replace("Virtuous", "Saint")
    ann.write_text("\r\n".join(lines), encoding="utf-8")
    result = CliRunner().invoke(cli, ["train", "roles", "--data", str(tmp_path), "--cv", "0", "--out", str(tmp_path / "m")])
    assert result.exit_code != 0
    assert "'Saint'" in str(result.exception) and f"{ann}:4" in str(result.exception)
    assert not (tmp_path / "m").exists()


def test_train_linear_refuses_options_of_the_marked_kind(tmp_path, st1_dir):
    result = CliRunner().invoke(cli, ["train", "roles", "--data", str(st1_dir), "--cv", "0", "--epochs", "3", "--mix", "0.2",
                                      "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "--epochs, --mix only apply to --kind marked" in result.output
    assert not (tmp_path / "m").exists()


def test_train_with_the_span_block_writes_a_model_that_reads_it(tmp_path, st1_dir, encoder):
    out = tmp_path / "model"
    result = CliRunner().invoke(cli, ["train", "roles", "--data", str(st1_dir), "--cv", "0", "--out", str(out), "--blocks", "sent,name,span",
                                      "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    from narrascope.roles.features import featurize_text
    from narrascope.roles.model import RoleModel

    model = RoleModel.load(out)
    assert model.features.blocks == ("sent", "name", "span")
    assert "--blocks sent,name,span" in json.loads((out / "meta.json").read_text())["rebuild"]
    text = "Rebels seized Damascus, forcing Assad to flee."
    preds = model.predict_features(featurize_text(text, [(0, 6), (32, 37)], encoder, model.features))
    assert len(preds) == 2 and all(p.main_role in model.main_roles for p in preds)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--blocks", "sent,verbs"], "unknown block(s) verbs; known: sent, near, entity, doc, name, window, span, entity_span"),
        (["--blocks", " , "], "unknown block(s) (none given)"),
        (["--kind", "marked", "--blocks", "sent,span"], "--blocks applies to --kind linear"),
    ],
)
def test_train_refuses_bad_blocks(tmp_path, st1_dir, args, message):
    result = CliRunner().invoke(cli, ["train", "roles", "--data", str(st1_dir), "--cv", "0", "--out", str(tmp_path / "m"), *args])
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "m").exists()


def test_cli_block_lists_match_the_feature_code():
    from narrascope.cli.roles_commands import _ALL_BLOCKS, _DEFAULT_BLOCKS
    from narrascope.roles.features import BLOCKS
    from narrascope.roles.training import DEFAULT_FEATURES

    assert _ALL_BLOCKS == BLOCKS and _DEFAULT_BLOCKS == DEFAULT_FEATURES.blocks
