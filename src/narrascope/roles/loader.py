"""Open a role model artifact of either kind: the linear heads or the entity-marked encoder."""

from __future__ import annotations

import json
from pathlib import Path

from narrascope.errors import ModelError
from narrascope.models.artifact import packaged_artifact_dir
from narrascope.roles.marked_model import MARKED_KIND, MarkedRoleModel
from narrascope.roles.model import DEFAULT_ROLE_MODEL, RoleModel

__all__ = ["AnyRoleModel", "DEFAULT_ROLE_ARTIFACT", "load_role_model"]

#: The packaged artifact the ``roles`` component and ``semeval predict st1`` use by default: the
#: linear heads, which score higher in cross-validation than the entity-marked ensemble
#: (EVALUATION.md); a marked artifact is used when its directory is given.
DEFAULT_ROLE_ARTIFACT = DEFAULT_ROLE_MODEL

AnyRoleModel = RoleModel | MarkedRoleModel


def load_role_model(path: str | Path | None = None, *, threads: int | None = None) -> AnyRoleModel:
    """The artifact at ``path`` (default: the packaged :data:`DEFAULT_ROLE_ARTIFACT`), by its config ``kind``."""
    directory = Path(path) if path is not None else packaged_artifact_dir(DEFAULT_ROLE_ARTIFACT)
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
