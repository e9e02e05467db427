"""From sentence vectors to the article's domain, narrative labels with evidence, and explanation.

Shared by the pipeline component and SemEval mode, so both give the same answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from narrascope.doc import Explanation, NarrativeLabel, Span
from narrascope.narratives.decode import Decoded
from narrascope.narratives.embedding import embed_sentences
from narrascope.narratives.explain import ExplanationGenerator, ExplanationRequest, ExtractiveExplainer
from narrascope.narratives.model import NarrativeModel, NarrativeOutput

__all__ = ["NarrativeResult", "NarrativeAnalyzer", "embed_sentences"]

@dataclass
class NarrativeResult:
    domain: str | None
    labels: list[NarrativeLabel] = field(default_factory=list)
    explanation: Explanation | None = None
    decoded: Decoded | None = None


class NarrativeAnalyzer:
    """``analyze(text, sentences, vectors) -> NarrativeResult`` with a loaded model and explainer."""

    def __init__(self, model: NarrativeModel, *, explainer: ExplanationGenerator | None = None,
                 max_evidence: int = 2) -> None:
        self.model = model
        self.explainer = explainer or ExtractiveExplainer()
        self.max_evidence = max_evidence

    def _evidence(self, sentences: Sequence[Span], scores: np.ndarray) -> list[Span]:
        order = np.argsort(-scores, kind="stable")[: self.max_evidence]
        return [sentences[int(i)] for i in sorted(order)]

    def analyze(self, text: str, sentences: Sequence[Span], vectors: np.ndarray) -> NarrativeResult:
        """Labels with evidence and the explanation of the dominant one; for "Other", a short
        account of the decision (closest narratives and their thresholds) instead."""
        if not sentences:
            return NarrativeResult(domain=None)
        tax = self.model.taxonomy
        out = self.model.predict_vectors(vectors)
        dec = out.decoded
        if dec.is_other:
            conf = dec.scores.get(tax.other_label, 0.0)
            label = NarrativeLabel(domain=out.topic_domain, narrative=tax.other_label, subnarrative=None,
                                   confidence=round(conf, 4))
            return NarrativeResult(out.topic_domain, [label], self._why_other(out), dec)
        labels: list[tuple[float, str, NarrativeLabel]] = []
        for fine in dec.fine:
            parent = tax.parent(fine)
            sub = tax.subnarrative(fine)
            target = parent if sub.is_other else fine
            conf = dec.scores.get(fine, dec.scores.get(parent, 0.0))
            evidence = self._evidence(sentences, self.model.sentence_scores(vectors, target))
            labels.append((conf, target, NarrativeLabel(
                domain=tax.domain_of(parent), narrative=parent, subnarrative=None if sub.is_other else fine,
                confidence=round(conf, 4), evidence=evidence)))
        for coarse in dec.coarse:  # a narrative whose taxonomy has no "<narrative>: Other" and no chosen child
            if not any(lab.narrative == coarse for _, _, lab in labels):
                conf = dec.scores.get(coarse, 0.0)
                evidence = self._evidence(sentences, self.model.sentence_scores(vectors, coarse))
                labels.append((conf, coarse, NarrativeLabel(domain=tax.domain_of(coarse), narrative=coarse,
                                                            subnarrative=None, confidence=round(conf, 4),
                                                            evidence=evidence)))
        labels.sort(key=lambda t: -t[0])
        dominant = labels[0][1]
        explanation = self.explain(text, sentences, vectors, dominant)
        return NarrativeResult(dec.domain, [lab for _, _, lab in labels], explanation, dec)

    def _why_other(self, out: NarrativeOutput, *, candidates: int = 3) -> Explanation:
        """Why the article is "Other": a statement about the model's decision, not about the
        article, so it makes no claim and quotes nothing (``method="decision"``)."""
        tax = self.model.taxonomy
        if out.topic_domain == "Other":
            domains = ", ".join(d.name for d in tax.domains)
            text = (f"The article is far from every domain of the taxonomy ({domains}), "
                    "so none of its narratives applies.")
        else:
            t = self.model.a["t_coarse"]
            order = [j for j in np.argsort(-out.p_coarse, kind="stable")
                     if tax.domain_of(self.model.coarse_labels[j]) == out.topic_domain][:candidates]
            closest = "; ".join(
                f"\u201c{tax.short_name(self.model.coarse_labels[j])}\u201d {out.p_coarse[j]:.2f} "
                f"(threshold {t[j]:.2f})" for j in order
            )
            text = f"No narrative of the taxonomy reaches its decision threshold. Closest: {closest}."
        return Explanation(label=tax.other_label, text=text, claims=[], method="decision")

    def explain(self, text: str, sentences: Sequence[Span], vectors: np.ndarray, label: str,
                scores: np.ndarray | None = None) -> Explanation | None:
        tax = self.model.taxonomy
        if scores is None:
            scores = self.model.sentence_scores(vectors, label)
        known = tax.is_fine(label) or tax.is_coarse(label)
        request = ExplanationRequest(
            text=text, sentences=sentences, scores=scores, label=label,
            label_name=tax.short_name(label) if known else label.split(": ")[-1],
            definition=tax.definition(label) if known else "",
        )
        return self.explainer.explain(request)
