"""Hierarchy-consistent label sets from label probabilities.

Rules (one place, used by training, evaluation and inference):

1. The domain is the most probable domain; only narratives of that domain may be
   chosen (``gate``; off: every domain).
2. A narrative is chosen when its probability reaches its threshold.
3. For each chosen narrative, its sub-narratives whose probability reaches their
   threshold are chosen (``"<narrative>: Other"`` included: in the training data it
   often stands next to a specific sibling); if none is, ``"<narrative>: Other"`` (when
   the taxonomy has it) stands for "the narrative, without a listed sub-narrative".
   A sub-narrative is never chosen without its narrative.
4. If no narrative is chosen, the document is ``Other`` (coarse and fine), and
   ``Other`` never appears next to another label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from narrascope.taxonomy.narratives import NarrativeTaxonomy

__all__ = ["Decoded", "Decoder"]


@dataclass
class Decoded:
    domain: str  # most probable domain code
    coarse: list[str]
    fine: list[str]
    #: chosen label (coarse or fine) -> confidence
    scores: dict[str, float] = field(default_factory=dict)
    other_label: str = "Other"

    @property
    def is_other(self) -> bool:
        return not self.coarse or self.coarse == [self.other_label]


class Decoder:
    """Decodes probabilities over ``coarse_labels`` / ``fine_labels`` (heads' order) into label sets."""

    def __init__(
        self,
        taxonomy: NarrativeTaxonomy,
        coarse_labels: Sequence[str],
        fine_labels: Sequence[str],
        domains: Sequence[str],
        *,
        gate: bool = True,
    ) -> None:
        self.taxonomy = taxonomy
        self.coarse_labels = list(coarse_labels)
        self.fine_labels = list(fine_labels)
        self.domains = list(domains)
        self.gate = gate
        self._coarse_domain = np.array([taxonomy.domain_of(c) for c in self.coarse_labels])
        index = {c: i for i, c in enumerate(self.coarse_labels)}
        self._children: list[list[int]] = [[] for _ in self.coarse_labels]
        for k, f in enumerate(self.fine_labels):
            parent = taxonomy.parent(f)
            if parent in index:
                self._children[index[parent]].append(k)

    def decode(
        self, p_domain: np.ndarray, p_coarse: np.ndarray, p_fine: np.ndarray, t_coarse: np.ndarray, t_fine: np.ndarray
    ) -> Decoded:
        other = self.taxonomy.other_label
        domain = self.domains[int(np.argmax(p_domain))]
        chosen = [
            j
            for j in range(len(self.coarse_labels))
            if p_coarse[j] >= t_coarse[j] and (not self.gate or self._coarse_domain[j] == domain)
        ]
        if not chosen:
            return Decoded(domain, [other], [other], {other: float(1.0 - p_coarse.max(initial=0.0))}, other)
        chosen.sort(key=lambda j: -p_coarse[j])
        coarse: list[str] = []
        fine: list[str] = []
        scores: dict[str, float] = {}
        for j in chosen:
            label = self.coarse_labels[j]
            coarse.append(label)
            kids = sorted((k for k in self._children[j] if p_fine[k] >= t_fine[k]), key=lambda k: -p_fine[k])
            if kids:
                for k in kids:
                    fine.append(self.fine_labels[k])
                    scores[self.fine_labels[k]] = float(min(p_fine[k], p_coarse[j]))
            else:
                sub = self.taxonomy.other_child(label)
                if sub is not None:
                    fine.append(sub)
                    scores[sub] = float(p_coarse[j])
            scores.setdefault(label, float(p_coarse[j]))
        return Decoded(domain, coarse, fine, scores, other)

    def decode_many(
        self, p_domain: np.ndarray, p_coarse: np.ndarray, p_fine: np.ndarray, t_coarse: np.ndarray, t_fine: np.ndarray
    ) -> list[Decoded]:
        return [self.decode(p_domain[i], p_coarse[i], p_fine[i], t_coarse, t_fine) for i in range(len(p_coarse))]
