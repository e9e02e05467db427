"""Training and cross-validation of the role heads (scikit-learn; training only).

``cross_validate_roles`` gives honest out-of-fold scores: 5 folds by document,
stratified by domain (CC / UA); inside every training part the regularisation ``C``
and the decoding settings (``w``, ``tau``) are chosen on out-of-fold predictions of an
inner 3-fold split, never on the held-out fold.  ``train_role_model`` fits the final heads on all rows, tunes
the decoding the same way, and returns a :class:`~narrascope.roles.model.RoleModel`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from narrascope.errors import MissingExtraError
from narrascope.roles.model import RoleHeads, RoleModel, decode_roles
from narrascope.roles.features import FeatureConfig
from narrascope.roles.scorer import St1Scores, score_st1
from narrascope.roles.st1_io import St1Row
from narrascope.taxonomy.roles import RoleTaxonomy

__all__ = ["HeadSettings", "CVResult", "TrainReport", "train_and_save", "fit_heads", "tune_decoding", "cross_validate_roles", "train_role_model", "role_model_name", "DEFAULT_FEATURES"]

DEFAULT_FEATURES = FeatureConfig(blocks=("sent", "entity", "doc", "name"), window_words=8)
_W_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)
_TAU_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 1.01)


@dataclass(frozen=True)
class HeadSettings:
    C: float = 3.0  # inverse L2 strength of both logistic regressions
    max_iter: int = 3000
    seed: int = 13
    #: C values tried inside the training folds (the best inner out-of-fold EMR wins); () keeps ``C``.
    C_grid: tuple[float, ...] = (1.0, 3.0, 10.0)

    def with_C(self, C: float) -> "HeadSettings":
        return HeadSettings(C=C, max_iter=self.max_iter, seed=self.seed, C_grid=())


@dataclass
class CVResult:
    scores: St1Scores
    fold_scores: list[St1Scores]
    decode: list[tuple[float, float, float]]  # (C, w, tau) chosen in each fold
    oof: list[St1Row] = field(default_factory=list)
    #: out-of-fold (p_fine, p_main) of every row (for ensembles), when computed
    proba: tuple[np.ndarray, np.ndarray] | None = None


def _sklearn() -> tuple[type, type]:
    try:
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedGroupKFold
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise MissingExtraError("scikit-learn", "train") from exc
    return LogisticRegression, StratifiedGroupKFold


def fit_heads(x: np.ndarray, y_fine: np.ndarray, y_main: np.ndarray, settings: HeadSettings = HeadSettings()) -> RoleHeads:
    """Fit the fine head (one row per gold fine role, weight 1/k) and the main head."""
    LogisticRegression, _ = _sklearn()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    rows, cols = np.nonzero(y_fine)
    weights = 1.0 / y_fine.sum(axis=1)[rows]
    n_fine, n_main, dim = y_fine.shape[1], 3, x.shape[1]
    fine = LogisticRegression(C=settings.C, max_iter=settings.max_iter).fit(x[rows], cols, sample_weight=weights)
    main = LogisticRegression(C=settings.C, max_iter=settings.max_iter).fit(x, y_main)
    return RoleHeads(*_expand(fine, n_fine, dim), *_expand(main, n_main, dim))


def _expand(clf: object, n: int, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients for all ``n`` classes (classes absent from training get a very low bias)."""
    w = np.zeros((n, dim), dtype=np.float32)
    b = np.full(n, -30.0, dtype=np.float32)
    classes = np.asarray(clf.classes_)  # type: ignore[attr-defined]
    coef = np.asarray(clf.coef_, dtype=np.float32)  # type: ignore[attr-defined]
    icpt = np.asarray(clf.intercept_, dtype=np.float32)  # type: ignore[attr-defined]
    if len(classes) == 2 and coef.shape[0] == 1:  # binary: sklearn keeps one row
        w[classes[1]], b[classes[1]] = coef[0] / 2, icpt[0] / 2
        w[classes[0]], b[classes[0]] = -coef[0] / 2, -icpt[0] / 2
    elif len(classes) == 1:
        b[classes[0]] = 0.0
    else:
        w[classes], b[classes] = coef, icpt
    return w, b


def _rows_from(decoded: list, rows: Sequence[St1Row], fine_roles: Sequence[str], main_roles: Sequence[str]) -> list[St1Row]:
    return [
        St1Row(r.article, r.mention, r.start, r.end, main_roles[m], tuple(fine_roles[j] for j in f), r.source)
        for r, (m, f, _c, _s) in zip(rows, decoded)
    ]


def tune_decoding(
    p_fine: np.ndarray, p_main: np.ndarray, rows: Sequence[St1Row], taxonomy: RoleTaxonomy
) -> tuple[float, float, tuple[float, float]]:
    """(w, tau, (EMR, main accuracy)) maximising EMR, then main accuracy, on (out-of-fold) probabilities."""
    fine_main = np.array([taxonomy.main_roles.index(taxonomy.main_of(f)) for f in taxonomy.fine_roles])
    best: tuple[tuple[float, float], tuple[float, float]] | None = None
    for w in _W_GRID:
        for tau in _TAU_GRID:
            decoded = decode_roles(p_fine, p_main, fine_main, w=w, tau=tau)
            s = score_st1(rows, _rows_from(decoded, rows, taxonomy.fine_roles, taxonomy.main_roles))
            key = (s.emr, s.main_accuracy)
            if best is None or key > best[0]:
                best = (key, (w, tau))
    assert best is not None
    return best[1][0], best[1][1], best[0]


def _folds(groups: np.ndarray, strata: Sequence[str], k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    _, StratifiedGroupKFold = _sklearn()
    n_docs = len(set(groups.tolist()))
    k = max(2, min(k, n_docs))
    splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(groups)), np.asarray(strata), groups))


def _oof_proba(
    x: np.ndarray, y_fine: np.ndarray, y_main: np.ndarray, folds: list, settings: HeadSettings
) -> tuple[np.ndarray, np.ndarray]:
    p_fine = np.zeros(y_fine.shape, dtype=np.float64)
    p_main = np.zeros((len(x), 3), dtype=np.float64)
    for tr, te in folds:
        heads = fit_heads(x[tr], y_fine[tr], y_main[tr], settings)
        p_fine[te], p_main[te] = heads.proba(x[te])
    return p_fine, p_main


def _inner_tuned(
    x: np.ndarray, y_fine: np.ndarray, y_main: np.ndarray, rows: Sequence[St1Row], strata: Sequence[str],
    taxonomy: RoleTaxonomy, settings: HeadSettings,
) -> tuple[float, float, float]:
    """(C, w, tau) chosen on out-of-fold predictions of an inner 3-fold split of the given rows."""
    groups = np.array([r.article for r in rows])
    inner = _folds(groups, strata, 3, settings.seed + 1)
    best: tuple[tuple[float, float], tuple[float, float, float]] | None = None
    for C in settings.C_grid or (settings.C,):
        p_fine, p_main = _oof_proba(x, y_fine, y_main, inner, settings.with_C(C))
        w, tau, key = tune_decoding(p_fine, p_main, rows, taxonomy)
        if best is None or key > best[0]:
            best = (key, (C, w, tau))
    assert best is not None
    return best[1]


def cross_validate_roles(
    x: np.ndarray,
    rows: Sequence[St1Row],
    strata: Sequence[str],
    taxonomy: RoleTaxonomy,
    *,
    folds: int = 5,
    settings: HeadSettings = HeadSettings(),
    progress: Callable[[int, St1Scores], None] | None = None,
) -> CVResult:
    """Out-of-fold predictions for every row and their official scores (folds by document)."""
    from narrascope.roles.dataset import label_matrix

    y_fine, y_main = label_matrix(rows, taxonomy.fine_roles, taxonomy.main_roles)
    fine_main = np.array([taxonomy.main_roles.index(taxonomy.main_of(f)) for f in taxonomy.fine_roles])
    groups = np.array([r.article for r in rows])
    oof: list[St1Row | None] = [None] * len(rows)
    fold_scores: list[St1Scores] = []
    chosen: list[tuple[float, float]] = []
    oof_fine = np.zeros(y_fine.shape, dtype=np.float64)
    oof_main = np.zeros((len(rows), len(taxonomy.main_roles)), dtype=np.float64)
    for i, (tr, te) in enumerate(_folds(groups, strata, folds, settings.seed)):
        tr_rows = [rows[j] for j in tr]
        C, w, tau = _inner_tuned(x[tr], y_fine[tr], y_main[tr], tr_rows, [strata[j] for j in tr], taxonomy, settings)
        heads = fit_heads(x[tr], y_fine[tr], y_main[tr], settings.with_C(C))
        p_fine, p_main = heads.proba(x[te])
        oof_fine[te], oof_main[te] = p_fine, p_main
        te_rows = [rows[j] for j in te]
        pred = _rows_from(decode_roles(p_fine, p_main, fine_main, w=w, tau=tau), te_rows, taxonomy.fine_roles, taxonomy.main_roles)
        for j, row in zip(te, pred):
            oof[j] = row
        fold = score_st1(te_rows, pred)
        fold_scores.append(fold)
        chosen.append((C, w, tau))
        if progress:
            progress(i, fold)
    final = [r for r in oof if r is not None]
    return CVResult(score_st1(list(rows), final), fold_scores, chosen, final, (oof_fine, oof_main))


def train_role_model(
    x: np.ndarray,
    rows: Sequence[St1Row],
    strata: Sequence[str],
    taxonomy: RoleTaxonomy,
    features: FeatureConfig,
    *,
    settings: HeadSettings = HeadSettings(),
    meta: dict | None = None,
) -> RoleModel:
    """Fit the heads on all rows; ``C`` and decoding chosen on inner out-of-fold predictions (``meta["C"]``)."""
    from narrascope.roles.dataset import label_matrix

    y_fine, y_main = label_matrix(rows, taxonomy.fine_roles, taxonomy.main_roles)
    C, w, tau = _inner_tuned(x, y_fine, y_main, rows, strata, taxonomy, settings)
    heads = fit_heads(x, y_fine, y_main, settings.with_C(C))
    fine_main = [taxonomy.main_of(f) for f in taxonomy.fine_roles]
    meta = {**(meta or {}), "C": C}
    return RoleModel(heads, list(taxonomy.fine_roles), list(taxonomy.main_roles), fine_main, features, w=w, tau=tau, meta=meta)


def role_model_name(encoder_name: str | None) -> str:
    """Artifact name of linear heads over ``encoder_name``: ``roles-minilm-linear`` for the packaged
    MiniLM, ``roles-mpnet-linear`` for ``mpnet-base-v2-int8``, ``roles-<first word>-linear`` otherwise."""
    from narrascope.models.encoder import DEFAULT_ENCODER
    from narrascope.roles.model import DEFAULT_ROLE_MODEL

    if not encoder_name or encoder_name == DEFAULT_ENCODER:
        return DEFAULT_ROLE_MODEL
    word = "".join(c for c in encoder_name.split("-")[0].lower() if c.isalnum()) or "custom"
    return f"roles-{word}-linear"


@dataclass
class TrainReport:
    model: RoleModel
    cv: CVResult | None
    n_rows: int
    n_documents: int
    moved: int
    out: object = None  # Path of the written artifact


def train_and_save(
    data_dir: str,
    out_dir: str,
    *,
    taxonomy: RoleTaxonomy,
    encoder: object,
    language: str = "EN",
    folds: int = 5,
    settings: HeadSettings = HeadSettings(),
    features: FeatureConfig = DEFAULT_FEATURES,
    command: str = "narrascope train roles --data DIR",
    progress: Callable[[int, St1Scores], None] | None = None,
    name: str = "roles-minilm-linear",
) -> TrainReport:
    """Cross-validate (``folds`` >= 2), fit on everything, and write the artifact to ``out_dir``."""
    import datetime

    from narrascope.roles.dataset import dataset_features, load_role_dataset

    dataset = load_role_dataset(data_dir, taxonomy=taxonomy, language=language)
    x = dataset_features(dataset, encoder, features)  # type: ignore[arg-type]
    if hasattr(encoder, "save"):
        encoder.save()  # type: ignore[attr-defined]
    cv = cross_validate_roles(x, dataset.rows, dataset.domains, taxonomy, folds=folds, settings=settings, progress=progress) if folds >= 2 else None
    enc_meta = getattr(encoder, "meta", {}) or {}
    meta = {
        "name": name,
        "version": "1.0",
        "task": "SemEval-2025 Task 10 subtask 1 (entity framing): main role + fine roles per mention",
        "labels": {"main": list(taxonomy.main_roles), "fine": list(taxonomy.fine_roles)},
        "taxonomy": {"name": taxonomy.name, "version": taxonomy.version},
        "encoder": enc_meta.get("name", "minilm-l6-v2-int8"),
        "training_data": dataset.training_meta(language),
        "heads": {"kind": "logistic regression (scikit-learn lbfgs, L2), fine head on every gold fine role (weight 1/k), main head",
                  "C_grid": list(settings.C_grid or (settings.C,)), "seed": settings.seed},
        "cv": None
        if cv is None
        else {
            "folds": folds,
            "split": "by document, stratified by domain (CC/UA); C and decoding chosen inside the training folds (inner 3-fold)",
            "emr": round(cv.scores.emr, 4),
            "micro_f1": round(cv.scores.micro_f1, 4),
            "micro_precision": round(cv.scores.micro_precision, 4),
            "micro_recall": round(cv.scores.micro_recall, 4),
            "main_accuracy": round(cv.scores.main_accuracy, 4),
            "fold_emr": [round(s.emr, 4) for s in cv.fold_scores],
            "fold_choices_C_w_tau": [list(c) for c in cv.decode],
        },
        "rebuild": command,
        "date": datetime.date.today().isoformat(),
    }
    if enc_meta.get("rebuild_command"):  # how to make the encoder the heads read, when it is not in the package
        meta["encoder_rebuild"] = enc_meta["rebuild_command"]
    model = train_role_model(x, dataset.rows, dataset.domains, taxonomy, features, settings=settings, meta={"encoder": meta["encoder"]})
    meta["heads"]["C"] = model.meta["C"]
    model.meta = meta
    out = model.save(out_dir, meta)
    return TrainReport(model, cv, len(dataset.rows), len(dataset.documents), dataset.moved, out)
