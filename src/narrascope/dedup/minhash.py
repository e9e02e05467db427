"""Shingles of an article's clean body text and their MinHash signature (datasketch)."""

from __future__ import annotations

import hashlib
import re

import numpy as np

__all__ = ["body_shingles", "signature", "band_keys", "similarity"]

_WORD = re.compile(r"\w+", re.UNICODE)
#: Fewer words than this: no signature (too short to call anything a republication).
MIN_WORDS = 12


def body_shingles(text: str, *, size: int = 4) -> set[str]:
    """Word ``size``-grams of the lower-cased text (punctuation and spacing ignored); empty if too short."""
    words = _WORD.findall(text.lower())
    if len(words) < max(MIN_WORDS, size):
        return set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def signature(shingles: set[str], *, num_perm: int = 128, seed: int = 1) -> np.ndarray | None:
    """The MinHash signature (``num_perm`` uint64 values) of ``shingles``; None for an empty set."""
    if not shingles:
        return None
    from datasketch import MinHash

    mh = MinHash(num_perm=num_perm, seed=seed)
    mh.update_batch([s.encode("utf-8") for s in sorted(shingles)])
    return np.asarray(mh.hashvalues, dtype=np.uint64)


def band_keys(sig: np.ndarray, bands: int) -> list[int]:
    """One signed 64-bit key per LSH band (``len(sig) // bands`` rows each)."""
    rows = len(sig) // bands
    keys = []
    for band in range(bands):
        chunk = sig[band * rows : (band + 1) * rows].tobytes()
        keys.append(int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little", signed=True))
    return keys


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.mean(a == b))
