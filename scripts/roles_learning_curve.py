"""Learning curve of the shipped role heads: EN 5-fold CV scores when each training part keeps only a
fraction of its documents (EVALUATION.md, entity framing: does more labelled data help?).

The outer folds are the shipped ones (5 by document, stratified by domain, seed 13), so the held-out
folds and their 686 mentions are the same at every fraction.  Inside each training part a random
``fraction`` of its documents is kept (``--repeats`` draws per fraction); C and the decoding are chosen on
an inner 3-fold split of what is kept (``train_role_model``), exactly as for the full model.  Needs the
``train`` extra.

    python scripts/roles_learning_curve.py [--data DIR] [--cache-dir /tmp/narrascope-cache]
        [--fractions 0.25,0.5,0.75,1] [--repeats 3]
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from narrascope.models.encoder import SentenceEncoder
from narrascope.roles.dataset import dataset_features, load_role_dataset
from narrascope.roles.embed_cache import CachedEncoder
from narrascope.roles.scorer import score_st1
from narrascope.roles.st1_io import St1Row
from narrascope.roles.training import DEFAULT_FEATURES, HeadSettings, _folds, train_role_model
from narrascope.taxonomy.roles import load_role_taxonomy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/semeval2025-task10/target_4_December_release")
    parser.add_argument("--cache-dir", default="/tmp/narrascope-cache")
    parser.add_argument("--fractions", default="0.25,0.5,0.75,1")
    parser.add_argument("--repeats", type=int, default=3, help="random document draws per fraction below 1")
    args = parser.parse_args()
    taxonomy = load_role_taxonomy()
    dataset = load_role_dataset(args.data, taxonomy=taxonomy, language="EN")
    rows, strata = dataset.rows, list(dataset.domains)
    x = dataset_features(dataset, CachedEncoder(SentenceEncoder.load(threads=1), args.cache_dir), DEFAULT_FEATURES)
    settings = HeadSettings()
    groups = np.array([r.article for r in rows])
    folds = _folds(groups, strata, 5, settings.seed)  # the outer folds of cross_validate_roles
    print("fraction | train docs (mean per fold) | train mentions | EMR | micro-F1 | main acc. (mean ± sd over draws)")
    for fraction in (float(f) for f in args.fractions.split(",")):
        draws = 1 if fraction >= 1 else args.repeats
        scores, n_docs, n_rows = [], [], []
        for draw in range(draws):
            rng = np.random.default_rng(1000 + draw)
            oof: list[St1Row | None] = [None] * len(rows)
            for tr, te in folds:
                docs = sorted(set(groups[tr].tolist()))
                keep_docs = set(rng.choice(docs, size=max(3, math.ceil(fraction * len(docs))), replace=False).tolist())
                sub = np.array([j for j in tr if groups[j] in keep_docs])
                n_docs.append(len(keep_docs))
                n_rows.append(len(sub))
                model = train_role_model(
                    x[sub], [rows[j] for j in sub], [strata[j] for j in sub], taxonomy, DEFAULT_FEATURES, settings=settings
                )
                for j, p in zip(te, model.predict_features(x[te])):
                    r = rows[j]
                    oof[j] = St1Row(r.article, r.mention, r.start, r.end, p.main_role, p.fine_roles, r.source)
            scores.append(score_st1(list(rows), [r for r in oof if r is not None]))
        emr = np.array([s.emr for s in scores])
        f1 = np.array([s.micro_f1 for s in scores])
        main = np.array([s.main_accuracy for s in scores])
        print(
            f"{fraction:.2f} | {np.mean(n_docs):.1f} | {np.mean(n_rows):.1f} | {emr.mean():.3f} ± {emr.std():.3f} | "
            f"{f1.mean():.3f} ± {f1.std():.3f} | {main.mean():.3f} ± {main.std():.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
