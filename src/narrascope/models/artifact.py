"""Self-describing model artifacts: a directory of small JSON files plus safetensors weights.

Layout of an artifact directory::

    config.json        how to rebuild the model object (kind, hyper-parameters, label list...)
    meta.json          name, version, narrascope version, labels, training data + its terms of use,
                       measured scores, how to rebuild it (command)
    weights.safetensors  named numpy arrays (no pickle anywhere)

``save_artifact`` writes all three; ``load_artifact`` reads and checks them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.errors import ModelError

__all__ = ["Artifact", "save_artifact", "load_artifact", "packaged_artifact_dir"]

_REQUIRED_META = ("name", "version", "labels")


@dataclass
class Artifact:
    config: dict[str, Any]
    meta: dict[str, Any]
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    path: Path | None = None


def packaged_artifact_dir(name: str) -> Path:
    """The directory of an artifact shipped inside the package (``narrascope/models/artifacts/NAME``)."""
    return Path(__file__).resolve().parent / "artifacts" / name


def save_artifact(directory: str | Path, *, config: dict[str, Any], meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> Path:
    from safetensors.numpy import save_file

    missing = [k for k in _REQUIRED_META if k not in meta]
    if missing:
        raise ModelError(f"meta.json lacks {', '.join(missing)}", source=str(directory))
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (directory / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    save_file({k: np.ascontiguousarray(v) for k, v in arrays.items()}, str(directory / "weights.safetensors"))
    return directory


def load_artifact(directory: str | Path) -> Artifact:
    from safetensors.numpy import load_file

    directory = Path(directory)
    try:
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        weights = directory / "weights.safetensors"
        arrays = load_file(str(weights)) if weights.exists() else {}
    except FileNotFoundError as exc:
        raise ModelError(f"not a model artifact: {exc.filename} is missing", source=str(directory)) from None
    except (json.JSONDecodeError, UnicodeDecodeError, OSError) as exc:
        raise ModelError(f"corrupt model artifact: {exc}", source=str(directory)) from exc
    except Exception as exc:  # safetensors raises its own error types for corrupt weights
        raise ModelError(f"corrupt weights: {exc}", source=str(directory / "weights.safetensors")) from exc
    missing = [k for k in _REQUIRED_META if k not in meta]
    if missing:
        raise ModelError(f"meta.json lacks {', '.join(missing)}", source=str(directory))
    return Artifact(config=config, meta=meta, arrays=arrays, path=directory)
