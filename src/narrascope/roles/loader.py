"""Open a role model artifact of either kind (the linear heads or the entity-marked encoder), and the
sentence encoder its linear heads were trained on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from narrascope.errors import ConfigError, ModelError
from narrascope.models.artifact import packaged_artifact_dir
from narrascope.roles.marked_model import MARKED_KIND, MarkedRoleModel
from narrascope.roles.model import DEFAULT_ROLE_MODEL, RoleModel

__all__ = ["AnyRoleModel", "DEFAULT_ROLE_ARTIFACT", "load_role_model", "model_encoder_name", "load_model_encoder"]

#: The packaged artifact the ``roles`` component and ``semeval predict st1`` use by default: the
#: linear heads, which score higher in cross-validation than the entity-marked ensemble
#: (EVALUATION.md); a marked artifact is used when its directory is given.
DEFAULT_ROLE_ARTIFACT = DEFAULT_ROLE_MODEL

AnyRoleModel = RoleModel | MarkedRoleModel


def _resolve(path: str | Path | None) -> Path:
    """A directory, or the name of an artifact shipped in the package (e.g. ``roles-mpnet-linear``)."""
    if path is None:
        return packaged_artifact_dir(DEFAULT_ROLE_ARTIFACT)
    directory = Path(path)
    if not directory.exists() and str(path).startswith("roles-") and "/" not in str(path) and "\\" not in str(path):
        packaged = packaged_artifact_dir(str(path))
        if packaged.is_dir():
            return packaged
    return directory


def load_role_model(path: str | Path | None = None, *, threads: int | None = None) -> AnyRoleModel:
    """The artifact at ``path`` (a directory or a packaged artifact's name; default: the packaged
    :data:`DEFAULT_ROLE_ARTIFACT`), by its config ``kind``."""
    directory = _resolve(path)
    config_file = directory / "config.json"
    if not directory.is_dir():
        raise ModelError("role model artifact directory does not exist", source=str(directory))
    try:
        kind = json.loads(config_file.read_text(encoding="utf-8")).get("kind")
    except FileNotFoundError:
        raise ModelError("not a model artifact: config.json is missing", source=str(config_file)) from None
    except (json.JSONDecodeError, UnicodeDecodeError, OSError, AttributeError) as exc:
        raise ModelError(f"corrupt config.json: {exc}", source=str(config_file)) from None
    if kind == MARKED_KIND:
        return MarkedRoleModel.load(directory, threads=threads)
    if kind == "roles-linear-heads":
        return RoleModel.load(directory)
    raise ModelError(f"unknown role model kind {kind!r}", source=str(config_file))


def model_encoder_name(model: AnyRoleModel) -> str | None:
    """Name of the sentence encoder the model's linear heads read (``None``: it needs none)."""
    from narrascope.components.embeddings import trained_encoder_name

    linear = model.linear if isinstance(model, MarkedRoleModel) else model
    if linear is None:
        return None
    return trained_encoder_name(linear.meta)


def load_model_encoder(model: AnyRoleModel, encoder_path: str | Path | None = None, *, threads: int | None = None,
                       source: str = "components.roles.encoder_path") -> Any:
    """The sentence encoder ``model`` was trained on: the packaged MiniLM by default, else ``encoder_path``.

    A model trained on another encoder (``roles-mpnet-linear``) needs ``encoder_path``; an
    encoder whose ``meta.json`` name differs from the one the model names raises
    :class:`~narrascope.errors.ConfigError` (its vectors would mean nothing to the heads).
    ``None`` when the model needs no encoder.
    """
    from narrascope.components.embeddings import check_encoder
    from narrascope.models.encoder import DEFAULT_ENCODER, SentenceEncoder

    wanted = model_encoder_name(model)
    if wanted is None:
        return None
    if encoder_path is None and wanted != DEFAULT_ENCODER:
        raise ConfigError(
            f"the role model {model.meta.get('name') or model.path} reads the {wanted!r} encoder, which is not in the package; "
            f"build it (for mpnet-base-v2-int8: python -m narrascope.train.export_mpnet --out DIR) and pass its directory",
            source=source,
        )
    encoder = SentenceEncoder.load(encoder_path, threads=threads)
    check_encoder(encoder, wanted, source, model="role model")
    return encoder
