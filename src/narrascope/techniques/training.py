"""Training and cross-validation of the technique model (needs the ``train`` extra: scikit-learn).

A logistic-regression layer (one output per technique, fitted jointly) over [TF-IDF uni/bigrams | pooled MiniLM sentence
embedding | standardised style features]; per-technique thresholds tuned on out-of-fold
predictions of the *training* part only (inner CV), so the reported outer-fold scores are honest.
Folds are by article (seeded shuffle of article ids).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from narrascope.techniques.dataset import ParagraphSet
from narrascope.techniques.features import ngrams, tokenize
from narrascope.techniques.model import TechniqueModel
from narrascope.techniques.scorer import f1_scores

__all__ = ["HeadParams", "fit_model", "tune_thresholds", "article_folds", "cross_validate", "CVResult"]


@dataclass
class HeadParams:
    C: float = 1.0
    emb_scale: float = 1.0
    max_features: int = 20000
    min_df: int = 2
    inner_folds: int = 3
    max_iter: int = 300
    context: bool = False  # add the article's mean embedding as features
    min_positives: int = 8  # fewer positives in training: the technique is never predicted
    seed: int = 13


def _analyzer(text: str) -> list[str]:
    return ngrams(tokenize(text))


def _require_sklearn() -> None:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        from narrascope.errors import MissingExtraError

        raise MissingExtraError("scikit-learn", "train") from None


def _tfidf_fit(texts: Sequence[str], params: HeadParams) -> tuple[list[str], np.ndarray, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(
        analyzer=_analyzer, sublinear_tf=True, min_df=params.min_df, max_features=params.max_features, dtype=np.float32
    )
    x_text = vec.fit_transform(texts)
    vocab = [""] * x_text.shape[1]
    for term, i in vec.vocabulary_.items():
        vocab[i] = term
    return vocab, vec.idf_.astype(np.float32), x_text


def fit_model(
    pset: ParagraphSet, rows: np.ndarray, y: np.ndarray, labels: Sequence[str], params: HeadParams
) -> TechniqueModel:
    """Fit the linear heads on ``rows`` of ``pset`` (thresholds left at 0.5): all techniques jointly,
    L2-regularised logistic loss, full-batch L-BFGS in torch (1 thread)."""
    _require_sklearn()
    try:
        import torch
    except ImportError:
        from narrascope.errors import MissingExtraError

        raise MissingExtraError("torch", "train") from None
    torch.set_num_threads(1)
    torch.manual_seed(params.seed)
    vocab, idf, x_text = _tfidf_fit([pset.paragraphs[i].text for i in rows], params)
    style = pset.style[rows]
    mean = style.mean(axis=0)
    scale = style.std(axis=0)
    scale[scale < 1e-6] = 1.0
    coo = x_text.tocoo()
    xt = torch.sparse_coo_tensor(
        np.vstack([coo.row, coo.col]).astype(np.int64),
        coo.data.astype(np.float32),
        size=x_text.shape,
        check_invariants=False,
    ).coalesce()
    blocks = [pset.embeddings[rows] * params.emb_scale, (style - mean) / scale]
    if params.context:
        blocks.append(pset.context[rows])
    xd = torch.from_numpy(np.hstack(blocks).astype(np.float32))
    yy = y[rows].astype(np.float32)
    active = yy.sum(axis=0) >= params.min_positives
    target = torch.from_numpy(yy[:, active])
    n, n_v, n_a = len(rows), x_text.shape[1], int(active.sum())
    w_t = torch.zeros((n_v, n_a), requires_grad=True)
    w_d = torch.zeros((xd.shape[1], n_a), requires_grad=True)
    prior = np.clip(yy[:, active].mean(axis=0), 1e-4, 1 - 1e-4)
    b = torch.tensor(np.log(prior / (1 - prior)).astype(np.float32), requires_grad=True)
    l2 = 1.0 / (2.0 * params.C * n)
    opt = torch.optim.LBFGS([w_t, w_d, b], lr=1.0, max_iter=params.max_iter, line_search_fn="strong_wolfe")
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="sum")

    def closure() -> Any:
        opt.zero_grad()
        z = torch.sparse.mm(xt, w_t) + xd @ w_d + b
        loss = loss_fn(z, target) / n + l2 * ((w_t**2).sum() + (w_d**2).sum())
        loss.backward()
        return loss

    opt.step(closure)
    n_l, n_e = len(labels), pset.embeddings.shape[1]
    w_text = np.zeros((n_l, n_v), dtype=np.float32)
    w_dense = np.zeros((n_l, xd.shape[1]), dtype=np.float32)
    bias = np.full(n_l, -10.0, dtype=np.float32)
    w_text[active] = w_t.detach().numpy().T
    w_dense[active] = w_d.detach().numpy().T
    bias[active] = b.detach().numpy()
    return TechniqueModel(
        labels=list(labels),
        vocabulary=vocab,
        idf=idf,
        w_text=w_text,
        w_emb=w_dense[:, :n_e] * params.emb_scale,
        w_style=w_dense[:, n_e : n_e + style.shape[1]],
        w_ctx=w_dense[:, n_e + style.shape[1] :] if params.context else None,
        bias=bias,
        style_mean=mean.astype(np.float32),
        style_scale=scale.astype(np.float32),
        thresholds=np.full(n_l, 0.5, dtype=np.float32),
        meta={"name": "unsaved", "version": "0", "labels": list(labels)},
    )


def _predict(model: TechniqueModel, pset: ParagraphSet, rows: np.ndarray) -> np.ndarray:
    return model.scores(
        [pset.paragraphs[i].text for i in rows], pset.embeddings[rows], pset.style[rows], pset.context[rows]
    )


def tune_thresholds(scores: np.ndarray, y: np.ndarray, *, min_positives: int = 8) -> np.ndarray:
    """Per technique, the threshold maximising its F1 on (out-of-fold) ``scores``; techniques with fewer
    than ``min_positives`` gold positives get the single threshold that maximises micro-F1 over all."""
    grid = np.round(np.arange(0.05, 0.951, 0.025), 3)
    n_l = y.shape[1]
    yb = y.astype(bool)
    best_global, best_f = 0.5, -1.0
    for t in grid:
        f = f1_scores(yb, scores >= t, [str(i) for i in range(n_l)]).micro_f1
        if f > best_f:
            best_global, best_f = float(t), f
    out = np.full(n_l, best_global, dtype=np.float32)
    for j in range(n_l):
        pos = yb[:, j]
        if pos.sum() < min_positives:
            continue
        best_t, best = best_global, -1.0
        for t in grid:
            pred = scores[:, j] >= t
            tp = float((pred & pos).sum())
            denom = 2 * tp + float((pred & ~pos).sum()) + float((~pred & pos).sum())
            f = 2 * tp / denom if denom else 0.0
            if f > best:
                best_t, best = float(t), f
        out[j] = best_t
    return out


def article_folds(groups: np.ndarray, n_folds: int, seed: int) -> np.ndarray:
    """Fold number per row; all rows of an article share a fold (seeded shuffle of article ids)."""
    ids = np.unique(groups)
    rng = np.random.default_rng(seed)
    rng.shuffle(ids)
    fold_of = {a: i % n_folds for i, a in enumerate(ids)}
    return np.asarray([fold_of[g] for g in groups], dtype=np.int64)


def _fit_with_thresholds(
    pset: ParagraphSet, rows: np.ndarray, y: np.ndarray, labels: Sequence[str], params: HeadParams
) -> TechniqueModel:
    """Fit on ``rows``; thresholds from inner-CV out-of-fold scores of those rows only."""
    inner = article_folds(pset.groups[rows], params.inner_folds, params.seed + 1)
    oof = np.zeros((len(rows), len(labels)), dtype=np.float32)
    for k in range(params.inner_folds):
        tr, te = rows[inner != k], rows[inner == k]
        oof[inner == k] = _predict(fit_model(pset, tr, y, labels, params), pset, te)
    model = fit_model(pset, rows, y, labels, params)
    model.thresholds = tune_thresholds(oof, y[rows], min_positives=params.min_positives)
    return model


@dataclass
class CVResult:
    micro_f1: float  # over all out-of-fold predictions (pooled)
    macro_f1: float
    fold_micro: list[float]
    fold_macro: list[float]
    per_technique: dict[str, float]
    n_paragraphs: int
    n_articles: int
    n_folds: int
    params: dict[str, Any] = field(default_factory=dict)
    date: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def cross_validate(
    pset: ParagraphSet, labels: Sequence[str], *, n_folds: int = 5, params: HeadParams | None = None
) -> tuple[CVResult, np.ndarray]:
    """Outer ``n_folds``-fold CV by article; returns the scores and the out-of-fold 0/1 predictions."""
    params = params or HeadParams()
    y = pset.label_matrix(labels)
    folds = article_folds(pset.groups, n_folds, params.seed)
    pred = np.zeros_like(y)
    fold_micro, fold_macro = [], []
    for k in range(n_folds):
        tr = np.flatnonzero(folds != k)
        te = np.flatnonzero(folds == k)
        model = _fit_with_thresholds(pset, tr, y, labels, params)
        pred[te] = model.decide(_predict(model, pset, te))
        s = f1_scores(y[te], pred[te], labels)
        fold_micro.append(s.micro_f1)
        fold_macro.append(s.macro_f1)
    total = f1_scores(y, pred, labels)
    result = CVResult(
        micro_f1=total.micro_f1,
        macro_f1=total.macro_f1,
        fold_micro=fold_micro,
        fold_macro=fold_macro,
        per_technique=total.per_technique,
        n_paragraphs=len(pset.paragraphs),
        n_articles=len(np.unique(pset.groups)),
        n_folds=n_folds,
        params=dict(params.__dict__),
        date=_dt.date.today().isoformat(),
    )
    return result, pred


def train_final(pset: ParagraphSet, labels: Sequence[str], params: HeadParams | None = None) -> TechniqueModel:
    """Fit on every paragraph; thresholds from inner CV over all of them."""
    params = params or HeadParams()
    y = pset.label_matrix(labels)
    return _fit_with_thresholds(pset, np.arange(len(pset.paragraphs)), y, labels, params)


def build_artifact_meta(
    *,
    name: str,
    labels: Sequence[str],
    data_dir: str,
    lang: str,
    cv: CVResult | None,
    params: HeadParams,
    encoder_name: str,
    lexicon: dict[str, dict[str, float]],
    command: str,
) -> dict[str, Any]:
    """meta.json of the technique model artifact."""
    return {
        "name": name,
        "version": "1.0",
        "task": "persuasion techniques, SemEval-2023 Task 3 subtask 3 (paragraph level, multi-label)",
        "labels": list(labels),
        "language": lang,
        "encoder": encoder_name,
        "training_data": {
            "path": f"{data_dir}/{lang}/train-labels-subtask-3.{{txt,template}}",
            "terms": "SemEval-2023 Task 3 data: research use only, do not redistribute (organizers' terms).",
        },
        "cv": cv.as_dict() if cv else None,
        "params": dict(params.__dict__),
        "lexicon": lexicon,
        "lexicon_method": "terms mined from technique-labelled vs technique-free training paragraphs "
        "(narrascope.techniques.lexicon_mining), kept only where the term is among the 300 TF-IDF features the model weighs most positively for the technique",
        "rebuild_command": command,
        "date": _dt.date.today().isoformat(),
    }


def prune_lexicon(
    lexicon: dict[str, dict[str, float]], model: TechniqueModel, *, min_weight: float = 0.6, max_rank: int = 300
) -> dict[str, dict[str, float]]:
    """Keep a mined term only if its weight (precision) is at least ``min_weight`` and the trained model
    ranks its TF-IDF feature among its ``max_rank`` most positive ones for that technique."""
    index = {t: i for i, t in enumerate(model.vocabulary)}
    out: dict[str, dict[str, float]] = {}
    for tech, terms in lexicon.items():
        if tech not in model.labels:
            continue
        w = model.w_text[model.labels.index(tech)]
        top = {int(i) for i in np.argsort(-w, kind="stable")[:max_rank] if w[i] > 0}
        out[tech] = {t: v for t, v in terms.items() if v >= min_weight and t in index and index[t] in top}
    return out
