"""Export a fine-tuned marked role network (:mod:`narrascope.roles.finetune`) as an onnxruntime artifact.

Writes ``model.onnx`` (the encoder, opset 17, dynamic batch/sequence axes, dynamic
int8 per-channel quantisation), ``tokenizer.json`` (copied from the base model),
``weights.safetensors`` (the two heads, float32), ``config.json`` and ``meta.json``.
Needs torch, transformers and onnx (the ``train`` extra); the result needs onnxruntime only.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.errors import MissingExtraError
from narrascope.models.artifact import save_artifact

__all__ = ["export_marked_model", "OPSET"]

OPSET = 17


def _export_encoder_fp32(encoder: Any, onnx_path: Path) -> None:
    try:
        import torch
    except ImportError as exc:  # pragma: no cover
        raise MissingExtraError("torch", "train") from exc

    class _Wrapper(torch.nn.Module):
        """Calls BertModel with keyword arguments (transformers 5 breaks on positional ones)."""

        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    wrapper = _Wrapper(encoder).eval()
    ids = torch.tensor([[101, 1, 7592, 2, 2088, 102], [101, 1, 7592, 2, 102, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    axes = {0: "batch", 1: "sequence"}
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings from transformers' masking code; the graph is checked by the tests
        torch.onnx.export(
            wrapper,
            (ids, mask, torch.zeros_like(ids)),
            str(onnx_path),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "last_hidden_state": axes},
            opset_version=OPSET,
            dynamo=False,
        )


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
    from onnxruntime.quantization import QuantType, quantize_dynamic

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
        _export_encoder_fp32(net.encoder, fp32)
        target = out / "model.onnx"
        if quantize:
            quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=True)
        else:
            shutil.copyfile(fp32, target)
    shutil.copyfile(tokenizer_file, out / "tokenizer.json")
    save_artifact(out, config=config, meta=meta, arrays={k: np.asarray(v, dtype=np.float32) for k, v in arrays.items()})
    return out
