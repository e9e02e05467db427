"""SemEval mode: predict subtask-2 labels and subtask-3 explanations for a documents directory.

Rows come out in input order (documents sorted by file name for subtask 2; the order of
the dominant-narrative file for subtask 3).  A document that cannot be read (empty,
binary, not UTF-8) still gets a row — ``Other`` for subtask 2, an empty-evidence
explanation naming the label for subtask 3 — and is listed in ``failures``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.errors import Codes, InputError
from narrascope.narratives.analyzer import NarrativeAnalyzer, embed_sentences
from narrascope.narratives.model import NarrativeModel
from narrascope.narratives.segment import SentenceSplitter
from narrascope.narratives.semeval_io import Document, St2Row, read_document, read_documents, read_st3

__all__ = ["SemEvalPredictions", "predict_st2", "predict_st3"]


@dataclass
class SemEvalPredictions:
    rows: list[Any]
    failures: list[InputError] = field(default_factory=list)


def _embed(docs: list[Document], encoder: Any, splitter: SentenceSplitter) -> list[tuple[list, np.ndarray]]:
    spans = splitter([d.text for d in docs])
    return [(s, embed_sentences(encoder, [x.text for x in s])) for s in spans]


def predict_st2(
    documents: str | Path, *, model: NarrativeModel, encoder: Any, splitter: SentenceSplitter | None = None
) -> SemEvalPredictions:
    splitter = splitter or SentenceSplitter()
    items = read_documents(documents)
    docs = [d for d in items if isinstance(d, Document)]
    embedded = dict(zip((d.id for d in docs), _embed(docs, encoder, splitter)))
    other = model.taxonomy.other_label
    rows: list[St2Row] = []
    failures: list[InputError] = []
    for item in items:
        if isinstance(item, InputError):
            failures.append(item)
            rows.append(St2Row(Path(item.source or "").name, [other], [other]))
            continue
        spans, vectors = embedded[item.id]
        if not spans:
            failures.append(InputError("no sentences", code=Codes.EMPTY_INPUT, source=item.path))
            rows.append(St2Row(item.id, [other], [other]))
            continue
        dec = model.predict_vectors(vectors).decoded
        rows.append(St2Row(item.id, dec.coarse, dec.fine))
    return SemEvalPredictions(rows, failures)


def predict_st3(
    documents: str | Path,
    dominant: str | Path,
    *,
    analyzer: NarrativeAnalyzer,
    encoder: Any,
    splitter: SentenceSplitter | None = None,
) -> SemEvalPredictions:
    """One explanation per row of the dominant-narrative file, for the label given there."""
    splitter = splitter or SentenceSplitter()
    documents = Path(documents)
    if not documents.is_dir():
        raise InputError("documents directory does not exist", code=Codes.MISSING_PATH, source=str(documents))
    requests = read_st3(dominant)
    tax = analyzer.model.taxonomy
    docs: list[Document] = []
    failures: list[InputError] = []
    by_id: dict[str, Document] = {}
    for req in requests:
        path = documents / req.id
        try:
            doc = read_document(path if path.exists() or req.id.endswith(".txt") else documents / f"{req.id}.txt")
        except InputError as exc:
            failures.append(exc)
            continue
        docs.append(doc)
        by_id[req.id] = doc
    embedded = dict(zip((d.id for d in docs), _embed(docs, encoder, splitter)))
    rows: list[tuple[str, str]] = []
    for req in requests:
        label = req.subnarrative or req.narrative
        doc = by_id.get(req.id)
        spans, vectors = embedded.get(doc.id, ([], None)) if doc else ([], None)
        explanation = None
        if spans:
            scores = None
            if not (tax.is_fine(label) or tax.is_coarse(label)):
                proto = encoder.encode([label.split(": ")[-1]])[0]
                scores = vectors @ proto
            explanation = analyzer.explain(doc.text, spans, vectors, label, scores)
        if explanation is None:
            if doc is not None:
                failures.append(InputError("no sentence to explain from", code=Codes.EMPTY_INPUT, source=doc.path))
            rows.append((req.id, f"The text advances the narrative \u201c{label.split(': ')[-1]}\u201d."))
        else:
            rows.append((req.id, explanation.text))
    return SemEvalPredictions(rows, failures)
