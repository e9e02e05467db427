"""The role model at inference time: linear heads in numpy over mention features.

Two softmax heads read the same feature vector: one over the fine roles (trained on
every gold fine role of a mention) and one over the three main roles.  Decoding keeps
main and fine roles consistent:

1. main-role score = ``w * p_main + (1 - w) * (sum of p_fine over that main role's fine roles)``;
   the main role is its argmax;
2. fine roles: the most probable fine role *of that main role*, plus the second one
   if its probability is at least ``tau`` times the first (``tau > 1``: never);
3. confidence = main-role score x the top fine role's share within its main role.

``w`` and ``tau`` are tuned at training time (inside the training folds) and stored
in the artifact's config.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.errors import ModelError
from narrascope.models.artifact import load_artifact, packaged_artifact_dir, save_artifact
from narrascope.roles.features import BLOCKS, FeatureConfig

__all__ = ["RoleHeads", "RolePrediction", "RoleModel", "DEFAULT_ROLE_MODEL", "decode_roles", "predictions_from_proba"]

DEFAULT_ROLE_MODEL = "roles-minilm-linear"


@dataclass
class RoleHeads:
    """Weights of the two linear heads (``x @ W.T + b``)."""

    fine_w: np.ndarray  # (n_fine, dim)
    fine_b: np.ndarray  # (n_fine,)
    main_w: np.ndarray  # (n_main, dim)
    main_b: np.ndarray  # (n_main,)

    def proba(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return _softmax(x @ self.fine_w.T + self.fine_b), _softmax(x @ self.main_w.T + self.main_b)


@dataclass(frozen=True)
class RolePrediction:
    main_role: str
    fine_roles: tuple[str, ...]
    confidence: float
    fine_scores: dict[str, float]  # every fine role -> probability (rounded)
    main_scores: dict[str, float]


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def decode_roles(
    p_fine: np.ndarray, p_main: np.ndarray, fine_main: np.ndarray, *, w: float, tau: float
) -> list[tuple[int, list[int], float, np.ndarray]]:
    """(main index, fine indices, confidence, main scores) per row; see the module docstring."""
    n_main = p_main.shape[1]
    agg = np.stack([p_fine[:, fine_main == k].sum(axis=1) for k in range(n_main)], axis=1)
    scores = w * p_main + (1.0 - w) * agg
    out = []
    for i in range(p_fine.shape[0]):
        main = int(scores[i].argmax())
        members = np.flatnonzero(fine_main == main)
        order = members[np.argsort(-p_fine[i, members], kind="stable")]
        chosen = [int(order[0])]
        if len(order) > 1 and p_fine[i, order[1]] >= tau * p_fine[i, order[0]]:
            chosen.append(int(order[1]))
        share = p_fine[i, order[0]] / max(float(p_fine[i, members].sum()), 1e-12)
        out.append((main, chosen, float(scores[i, main] * share), scores[i]))
    return out


class RoleModel:
    """Heads + label lists + feature settings, loaded from a self-describing artifact."""

    def __init__(
        self,
        heads: RoleHeads,
        fine_roles: list[str],
        main_roles: list[str],
        fine_main: list[str],
        features: FeatureConfig,
        *,
        w: float = 0.5,
        tau: float = 1.01,
        meta: dict[str, Any] | None = None,
        path: Path | None = None,
    ) -> None:
        self.heads = heads
        self.fine_roles = list(fine_roles)
        self.main_roles = list(main_roles)
        self.fine_main = list(fine_main)
        self._fine_main_idx = np.array([self.main_roles.index(m) for m in fine_main])
        self.features = features
        self.w = float(w)
        self.tau = float(tau)
        self.meta = meta or {}
        self.path = path

    @property
    def dim(self) -> int:
        return int(self.heads.fine_w.shape[1])

    # -- persistence -----------------------------------------------------------
    def config(self) -> dict[str, Any]:
        return {
            "kind": "roles-linear-heads",
            "fine_roles": self.fine_roles,
            "main_roles": self.main_roles,
            "fine_main": self.fine_main,
            "features": self.features.to_dict(),
            "input_dim": self.dim,
            "decode": {"w": self.w, "tau": self.tau},
            "encoder": self.meta.get("encoder", "minilm-l6-v2-int8"),
        }

    def save(self, directory: str | Path, meta: dict[str, Any]) -> Path:
        arrays = {"fine_w": self.heads.fine_w, "fine_b": self.heads.fine_b, "main_w": self.heads.main_w, "main_b": self.heads.main_b}
        return save_artifact(directory, config=self.config(), meta=meta, arrays={k: v.astype(np.float32) for k, v in arrays.items()})

    @classmethod
    def load(cls, path: str | Path | None = None) -> "RoleModel":
        """Load an artifact directory (default: the one shipped in the package)."""
        directory = Path(path) if path is not None else packaged_artifact_dir(DEFAULT_ROLE_MODEL)
        art = load_artifact(directory)
        cfg = art.config
        try:
            heads = RoleHeads(*(np.asarray(art.arrays[k], dtype=np.float32) for k in ("fine_w", "fine_b", "main_w", "main_b")))
            fine, main, fine_main = list(cfg["fine_roles"]), list(cfg["main_roles"]), list(cfg["fine_main"])
            features = FeatureConfig.from_dict(cfg["features"])
            decode = cfg.get("decode", {})
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"role model config or weights incomplete: {exc}", source=str(directory)) from None
        unknown = [b for b in features.blocks if b not in BLOCKS]
        if unknown:
            raise ModelError(f"unknown feature block(s) {', '.join(map(repr, unknown))}; this version knows {', '.join(BLOCKS)}",
                             source=str(directory / "config.json"))
        if heads.fine_w.shape[0] != len(fine) or heads.main_w.shape[0] != len(main) or len(fine_main) != len(fine):
            raise ModelError("weight shapes do not match the label lists", source=str(directory))
        if heads.fine_w.shape[1] != heads.main_w.shape[1] or not set(fine_main) <= set(main):
            raise ModelError("inconsistent heads or main roles", source=str(directory))
        meta = dict(art.meta)
        meta.setdefault("encoder", cfg.get("encoder"))
        return cls(heads, fine, main, fine_main, features, w=decode.get("w", 0.5), tau=decode.get("tau", 1.01), meta=meta, path=directory)

    # -- inference -------------------------------------------------------------
    def predict_features(self, x: np.ndarray) -> list[RolePrediction]:
        x = np.asarray(x, dtype=np.float32)
        if x.ndim != 2 or (x.shape[0] and x.shape[1] != self.dim):
            raise ModelError(f"feature matrix has shape {x.shape}, expected (n, {self.dim})", source=str(self.path))
        if x.shape[0] == 0:
            return []
        p_fine, p_main = self.heads.proba(x)
        return predictions_from_proba(p_fine, p_main, self.fine_roles, self.main_roles, self._fine_main_idx, w=self.w, tau=self.tau)


def predictions_from_proba(
    p_fine: np.ndarray, p_main: np.ndarray, fine_roles: list[str], main_roles: list[str], fine_main_idx: np.ndarray, *, w: float, tau: float
) -> list[RolePrediction]:
    """Decode probability rows (:func:`decode_roles`) into :class:`RolePrediction` objects."""
    out = []
    for i, (main, fine, conf, scores) in enumerate(decode_roles(p_fine, p_main, fine_main_idx, w=w, tau=tau)):
        out.append(
            RolePrediction(
                main_role=main_roles[main],
                fine_roles=tuple(fine_roles[j] for j in fine),
                confidence=round(conf, 4),
                fine_scores={r: round(float(p), 4) for r, p in zip(fine_roles, p_fine[i])},
                main_scores={r: round(float(s), 4) for r, s in zip(main_roles, scores)},
            )
        )
    return out
