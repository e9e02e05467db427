"""``narrascope train narratives``: data directory + taxonomy -> cross-validated, self-describing artifact."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.narratives.dataset import Dataset, load_dataset
from narrascope.narratives.embedding import DEFAULT_CACHE, embed_texts
from narrascope.narratives.model import NarrativeModel
from narrascope.narratives.training import CVReport, TrainConfig, build_training_set, cross_validate, fit_model
from narrascope.taxonomy.narratives import NarrativeTaxonomy, load_narrative_taxonomy

__all__ = ["TrainResult", "train_narratives", "label_prototypes", "DATA_TERMS"]

DATA_TERMS = (
    "SemEval-2025 Task 10 training data: research use only, do not redistribute "
    "(distributed by the organisers after registration; article texts are third-party news content)."
)


@dataclass
class TrainResult:
    model: NarrativeModel
    cv: CVReport | None
    dataset: Dataset
    out: Path | None
    meta: dict[str, Any]


def label_prototypes(taxonomy: NarrativeTaxonomy, labels: list[str], encoder: Any) -> np.ndarray:
    """Embeddings of ``"<short name>. <definition>"`` per label (evidence ranking)."""
    return encoder.encode([f"{taxonomy.short_name(label)}. {taxonomy.definition(label)}" for label in labels])


def train_narratives(
    data_dir: str | Path,
    *,
    taxonomy_path: str | Path | None = None,
    out: str | Path | None = None,
    folds: int = 5,
    config: TrainConfig | None = None,
    encoder: Any = None,
    cache_dir: str | Path | None = DEFAULT_CACHE,
    command: str = "",
    name: str = "narratives-en-minilm",
) -> TrainResult:
    """Load, embed (cached), cross-validate (``folds`` >= 2; 0 skips it), fit and (if ``out``) save."""
    from narrascope.models.encoder import SentenceEncoder

    cfg = config or TrainConfig()
    taxonomy = load_narrative_taxonomy(taxonomy_path)
    dataset = load_dataset(data_dir, taxonomy)
    encoder = encoder or SentenceEncoder.load()
    embedded = embed_texts([d.text for d in dataset.docs], encoder=encoder, cache_dir=cache_dir)
    keep = [i for i, (spans, _) in enumerate(embedded) if spans]
    docs = [dataset.docs[i] for i in keep]
    ts = build_training_set(
        [d.id for d in docs],
        [embedded[i][1] for i in keep],
        [d.coarse for d in docs],
        [d.fine for d in docs],
        [d.domain for d in docs],
        taxonomy,
    )
    cv = cross_validate(ts, taxonomy, cfg, folds=folds) if folds >= 2 else None
    protos = (
        label_prototypes(taxonomy, ts.coarse_labels, encoder),
        label_prototypes(taxonomy, ts.fine_labels, encoder),
    )
    model = fit_model(ts, taxonomy, cfg, prototypes=protos)
    meta: dict[str, Any] = {
        "name": name,
        "version": _dt.date.today().isoformat(),
        "task": "SemEval-2025 Task 10 subtask 2 (narratives), English",
        "labels": {"domains": ts.domains, "coarse": ts.coarse_labels, "fine": ts.fine_labels},
        "encoder": {
            "name": str(encoder.meta.get("name", "")),
            "path": Path(str(encoder.path)).name,
            "dim": encoder.dim,
        },
        "training_data": {"path": str(data_dir), "documents": len(docs), "terms": DATA_TERMS,
                          "label_repairs": dataset.repairs},
        "taxonomy": {"name": taxonomy.name, "version": taxonomy.version, "source": Path(taxonomy.source).name},
        "cv": cv.as_dict() if cv else None,
        "metric": "samples-F1 (official SemEval-2025 Task 10 subtask 2 definition), out-of-fold, nested thresholds",
        "command": command or "narrascope train narratives --data DIR --cv 5 --out DIR",
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
        "license": (
            "model weights: Apache-2.0 (narrascope); derived from research-use-only data, see training_data.terms"
        ),
    }
    model.meta = meta
    out_path = model.save(out, meta) if out is not None else None
    if out_path is not None:
        model.path = out_path
        for f in out_path.iterdir():
            f.chmod(0o644)  # safetensors writes 0600; artifacts are shipped read-only to everyone
    return TrainResult(model, cv, dataset, out_path, meta)
