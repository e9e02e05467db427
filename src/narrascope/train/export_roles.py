"""Export a fine-tuned marked role network (:mod:`narrascope.roles.finetune`) as an onnxruntime artifact.

Writes ``model.onnx`` (the encoder, opset 17, dynamic batch/sequence axes, dynamic
int8 per-channel quantisation), ``tokenizer.json`` (copied from the base model),
``weights.safetensors`` (the two heads, float32), ``config.json`` and ``meta.json``.
Needs torch, transformers and onnx (the ``train`` extra); the result needs onnxruntime only.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.models.artifact import save_artifact
from narrascope.train.export_encoder import OPSET, export_bert_fp32, quantise_int8

__all__ = ["export_marked_model", "OPSET"]


def export_marked_model(
    net: Any,
    tokenizer_file: Path,
    out_dir: str | Path,
    *,
    config: dict[str, Any],
    meta: dict[str, Any],
    extra_arrays: dict[str, np.ndarray] | None = None,
    quantize: bool = True,
) -> Path:
    """Write the artifact for ``net`` (a trained ``MarkedRoleNet``) to ``out_dir``; returns the directory.

    ``extra_arrays`` (e.g. the linear heads of an ensemble) are stored in ``weights.safetensors`` too."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    net.eval()
    arrays = {
        "fine_w": net.fine.weight.detach().cpu().numpy(),
        "fine_b": net.fine.bias.detach().cpu().numpy(),
        "main_w": net.main.weight.detach().cpu().numpy(),
        "main_b": net.main.bias.detach().cpu().numpy(),
        **(extra_arrays or {}),
    }
    with tempfile.TemporaryDirectory(prefix="narrascope-roles-export-") as tmp:
        fp32 = Path(tmp) / "model-fp32.onnx"
        # the markers ([unused0] = 1, [unused1] = 2) appear in the traced example
        export_bert_fp32(net.encoder, fp32, [[101, 1, 7592, 2, 2088, 102], [101, 1, 7592, 2, 102, 0]])
        target = out / "model.onnx"
        if quantize:
            quantise_int8(fp32, target)
        else:
            shutil.copyfile(fp32, target)
    shutil.copyfile(tokenizer_file, out / "tokenizer.json")
    save_artifact(out, config=config, meta=meta, arrays={k: np.asarray(v, dtype=np.float32) for k, v in arrays.items()})
    return out
