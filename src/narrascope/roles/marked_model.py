"""The entity-marked role model at inference time: a fine-tuned MiniLM (int8 ONNX) + two linear heads.

One encoder pass per sentence that holds mentions, every mention of it marked
(:mod:`narrascope.roles.marking`); each mention is read at its start marker and the
heads (numpy) give fine-role and main-role probabilities, decoded like the linear
model (:func:`narrascope.roles.model.decode_roles`).  Needs onnxruntime, tokenizers
and numpy only (no torch).

Artifact directory: ``config.json`` (kind ``roles-marked-encoder``, labels, decoding,
marker tokens, ``max_tokens``), ``meta.json``, ``model.onnx`` (encoder → last hidden
state), ``tokenizer.json`` and ``weights.safetensors`` (the heads).  Each sequence runs
unpadded on its own (dynamic int8 quantisation scales activations per call, so a padded
batch would make a mention's scores depend on its batch neighbours).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.errors import ModelError
from narrascope.models.encoder import default_threads, open_single_thread_session
from narrascope.roles.marking import MarkedSequence, MarkerIds, mark_sentences, marker_ids
from narrascope.roles.features import FeatureConfig
from narrascope.roles.model import RoleHeads, RoleModel, RolePrediction, predictions_from_proba

__all__ = ["MarkedRoleModel", "MARKED_KIND", "REQUIRED_FILES"]

MARKED_KIND = "roles-marked-encoder"
REQUIRED_FILES = ("config.json", "meta.json", "model.onnx", "tokenizer.json", "weights.safetensors")



def _read_json(file: Path) -> dict[str, Any]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, OSError) as exc:
        raise ModelError(f"corrupt {file.name}: {exc}", source=str(file)) from None
    if not isinstance(data, dict):
        raise ModelError(f"{file.name} is not a JSON object", source=str(file))
    return data


class MarkedRoleModel:
    """Fine-tuned marked encoder + heads; build it with :meth:`load`."""

    kind = MARKED_KIND

    def __init__(
        self,
        session: Any,
        tokenizer: Any,
        heads: RoleHeads,
        config: dict[str, Any],
        meta: dict[str, Any],
        path: Path | None,
        *,
        threads: int = 1,
        linear: RoleModel | None = None,
    ) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self.heads = heads
        self.config = config
        self.meta = meta
        self.path = path
        self.threads = max(int(threads), 1)
        self.fine_roles: list[str] = list(config["fine_roles"])
        self.main_roles: list[str] = list(config["main_roles"])
        self.fine_main: list[str] = list(config["fine_main"])
        self._fine_main_idx = np.array([self.main_roles.index(m) for m in self.fine_main])
        decode = config.get("decode", {})
        self.w = float(decode.get("w", 0.5))
        self.tau = float(decode.get("tau", 1.01))
        self.max_tokens = int(config.get("max_tokens", 128))
        self.context = str(config.get("context", "sentence"))
        if self.context not in ("sentence", "title"):
            raise ValueError(f"unknown context {self.context!r}")
        markers = config.get("markers", ["[unused0]", "[unused1]"])
        self._markers: MarkerIds = marker_ids(tokenizer, markers[0], markers[1])
        self._input_names = {i.name for i in session.get_inputs()}
        self.linear: RoleModel | None = linear
        self.mix = float(config.get("linear", {}).get("mix", 0.0)) if linear is not None else 0.0

    # -- loading ---------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path, *, threads: int | None = None) -> "MarkedRoleModel":
        """Open an artifact directory; missing or corrupt files raise :class:`ModelError` naming the file."""
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        directory = Path(path)
        if not directory.is_dir():
            raise ModelError("role model artifact directory does not exist", source=str(directory))
        for name in REQUIRED_FILES:
            if not (directory / name).is_file():
                raise ModelError(f"not a marked role model artifact: {name} is missing", source=str(directory / name))
        config = _read_json(directory / "config.json")
        meta = _read_json(directory / "meta.json")
        if config.get("kind") != MARKED_KIND:
            raise ModelError(f"config.json kind is {config.get('kind')!r}, expected {MARKED_KIND!r}", source=str(directory / "config.json"))
        weights = directory / "weights.safetensors"
        try:
            arrays = load_file(str(weights))
            heads = RoleHeads(*(np.asarray(arrays[k], dtype=np.float32) for k in ("fine_w", "fine_b", "main_w", "main_b")))
        except KeyError as exc:
            raise ModelError(f"weights lack {exc}", source=str(weights)) from None
        except Exception as exc:  # safetensors raises its own error types
            raise ModelError(f"corrupt weights: {exc}", source=str(weights)) from None
        try:
            fine, main, fine_main = list(config["fine_roles"]), list(config["main_roles"]), list(config["fine_main"])
        except (KeyError, TypeError) as exc:
            raise ModelError(f"config.json lacks {exc}", source=str(directory / "config.json")) from None
        if heads.fine_w.shape[0] != len(fine) or heads.main_w.shape[0] != len(main) or len(fine_main) != len(fine) or not set(fine_main) <= set(main):
            raise ModelError("head shapes do not match the label lists", source=str(weights))
        linear = None
        if config.get("linear") is not None:
            try:
                lin = config["linear"]
                lin_heads = RoleHeads(*(np.asarray(arrays["linear_" + k], dtype=np.float32) for k in ("fine_w", "fine_b", "main_w", "main_b")))
                mix = float(lin["mix"])
                linear = RoleModel(lin_heads, fine, main, fine_main, FeatureConfig.from_dict(lin["features"]), meta={"encoder": lin.get("encoder")})
            except (KeyError, TypeError, ValueError) as exc:
                raise ModelError(f"linear part of the ensemble incomplete: {exc}", source=str(directory / "config.json")) from None
            if not 0 <= mix <= 1 or lin_heads.fine_w.shape[0] != len(fine) or lin_heads.main_w.shape[0] != len(main):
                raise ModelError("linear part of the ensemble does not match the labels (or mix not in [0, 1])", source=str(weights))
        tok_file = directory / "tokenizer.json"
        try:
            tokenizer = Tokenizer.from_file(str(tok_file))
        except Exception as exc:  # tokenizers raises plain Exception on bad JSON
            raise ModelError(f"corrupt tokenizer: {exc}", source=str(tok_file)) from None
        tokenizer.no_padding()
        tokenizer.no_truncation()
        model_file = directory / "model.onnx"
        session = open_single_thread_session(model_file)  # one thread per sequence, ``threads`` sequences at once
        hidden = session.get_outputs()[0].shape[-1]
        if isinstance(hidden, int) and hidden != heads.fine_w.shape[1]:
            raise ModelError(f"encoder width {hidden} does not match the heads ({heads.fine_w.shape[1]})", source=str(model_file))
        try:
            model = cls(session, tokenizer, heads, config, meta, directory, threads=threads or default_threads(), linear=linear)
        except KeyError as exc:
            raise ModelError(f"tokenizer lacks marker tokens: {exc}", source=str(tok_file)) from None
        except ValueError as exc:
            raise ModelError(str(exc), source=str(directory / "config.json")) from None
        return model

    # -- inference -------------------------------------------------------------
    def _run(self, seq: MarkedSequence) -> np.ndarray:
        ids = np.asarray([seq.ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0][0]
        positions = sorted(seq.mentions.items())
        return hidden[[p for _k, p in positions]]

    def proba(
        self, text: str, sentences: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]], *, linear_x: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(p_fine, p_main) per mention span ``[start, end)`` of ``text``; ``sentences`` are sentence spans.

        With an ensemble artifact (``self.linear``), ``linear_x`` must hold the linear model's
        feature rows for the same mentions (:func:`narrascope.roles.features.build_features`
        with ``self.linear.features``); the two models' probabilities are averaged with ``mix``.
        """
        if self.linear is not None and linear_x is None:
            raise ValueError("this role model is an ensemble: pass linear_x (features of the linear part)")
        if not spans:
            return np.zeros((0, len(self.fine_roles))), np.zeros((0, len(self.main_roles)))
        seqs = mark_sentences(self._tokenizer, text, sentences or [(0, len(text))], spans, self._markers, max_tokens=self.max_tokens,
                              context=self.context)
        reps = np.zeros((len(spans), self.heads.fine_w.shape[1]), dtype=np.float32)
        workers = min(self.threads, len(seqs))
        if workers > 1:
            # longest first, so the worker threads finish together
            order = sorted(seqs, key=lambda s: -len(s.ids))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="roles") as pool:
                results = list(pool.map(self._run, order))
        else:
            order = seqs
            results = [self._run(s) for s in seqs]
        for seq, states in zip(order, results):
            for (k, _p), state in zip(sorted(seq.mentions.items()), states):
                reps[k] = state
        p_fine, p_main = (p.astype(np.float64) for p in self.heads.proba(reps))
        if self.linear is not None and linear_x is not None:
            x = np.asarray(linear_x, dtype=np.float32)
            if x.shape != (len(spans), self.linear.dim):
                raise ValueError(f"linear_x has shape {x.shape}, expected ({len(spans)}, {self.linear.dim})")
            l_fine, l_main = self.linear.heads.proba(x)
            p_fine = (1 - self.mix) * p_fine + self.mix * l_fine
            p_main = (1 - self.mix) * p_main + self.mix * l_main
        return p_fine, p_main

    def predict(
        self, text: str, sentences: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]], *, linear_x: np.ndarray | None = None
    ) -> list[RolePrediction]:
        """Decoded roles per mention span (same decoding as the linear model)."""
        p_fine, p_main = self.proba(text, sentences, spans, linear_x=linear_x)
        return predictions_from_proba(p_fine, p_main, self.fine_roles, self.main_roles, self._fine_main_idx, w=self.w, tau=self.tau)
