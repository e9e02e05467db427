"""A disk cache of text embeddings for training runs (never used at inference).

Vectors are stored in one ``.npz`` per encoder (keyed by the encoder's identity and the
vector it gives for a fixed probe sentence, so a changed encoder never reuses old vectors) under
``/tmp/narrascope-cache/`` by default, indexed by the SHA-1 of each text, so repeated
cross-validation runs encode every sentence once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["CachedEncoder", "DEFAULT_CACHE_DIR"]

DEFAULT_CACHE_DIR = Path("/tmp/narrascope-cache")
_PROBE = "Cache probe: Russia, Ukraine and the climate summit in Bonn."


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


class CachedEncoder:
    """Wraps an encoder with ``encode(texts)``; ``save()`` writes new vectors to disk."""

    def __init__(self, encoder: Any, cache_dir: str | Path = DEFAULT_CACHE_DIR, identity: str | None = None) -> None:
        self.encoder = encoder
        if identity is None:
            meta = getattr(encoder, "meta", {}) or {}
            # the probe vector changes whenever the encoder's numbers change (model file or inference code)
            probe = np.round(np.asarray(encoder.encode([_PROBE]), dtype=np.float32), 4).tobytes()
            identity = json.dumps(
                {"name": meta.get("name"), "version": meta.get("version"), "cls": type(encoder).__name__,
                 "probe": hashlib.sha1(probe).hexdigest()},
                sort_keys=True,
            )
        key = hashlib.sha1(identity.encode()).hexdigest()[:16]
        self.path = Path(cache_dir) / f"embeddings-{key}.npz"
        self._store: dict[str, np.ndarray] = {}
        self._dirty = False
        if self.path.exists():
            with np.load(self.path) as data:
                keys, vecs = data["keys"], data["vectors"]
                self._store = {str(k): v for k, v in zip(keys, vecs)}

    @property
    def meta(self) -> dict[str, Any]:
        return getattr(self.encoder, "meta", {})

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        digests = [_digest(t) for t in texts]
        todo = list(dict.fromkeys(d for d in digests if d not in self._store))
        if todo:
            first = {d: t for d, t in zip(reversed(digests), reversed(list(texts)))}
            vecs = self.encoder.encode([first[d] for d in todo])
            self._store.update(zip(todo, np.asarray(vecs, dtype=np.float32)))
            self._dirty = True
        if not digests:
            return np.zeros((0, int(getattr(self.encoder, "dim", 384))), dtype=np.float32)
        return np.stack([self._store[d] for d in digests])

    def encode_tokens(self, texts: Sequence[str]) -> list[Any]:
        """The wrapped encoder's token states (not cached: they are only needed for the sentences that hold mentions)."""
        return self.encoder.encode_tokens(texts)

    def save(self) -> None:
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._store), dtype="U40")
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vectors=np.stack(list(self._store.values())))
        tmp.replace(self.path)
        self._dirty = False
