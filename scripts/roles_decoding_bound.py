"""Upper bound of what re-decoding the role model's probabilities could add (EVALUATION.md, entity framing).

Runs the shipped 5-fold CV of the linear role heads on the EN training release, then, on the out-of-fold
probabilities, divides the fine-role probabilities by the training prior raised to ``a`` and picks ``w``/``tau``
for the best EMR on those same predictions with the trainer's own search (``tune_decoding``; optimistic: no
held-out data).  Needs the ``train`` extra.

    python scripts/roles_decoding_bound.py [--data DIR] [--cache-dir /tmp/narrascope-cache]
"""

from __future__ import annotations

import argparse

import numpy as np

from narrascope.models.encoder import SentenceEncoder
from narrascope.roles.dataset import dataset_features, label_matrix, load_role_dataset
from narrascope.roles.embed_cache import CachedEncoder
from narrascope.roles.training import DEFAULT_FEATURES, cross_validate_roles, tune_decoding
from narrascope.taxonomy.roles import load_role_taxonomy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/semeval2025-task10/target_4_December_release")
    parser.add_argument("--cache-dir", default="/tmp/narrascope-cache")
    args = parser.parse_args()
    taxonomy = load_role_taxonomy()
    dataset = load_role_dataset(args.data, taxonomy=taxonomy, language="EN")
    x = dataset_features(dataset, CachedEncoder(SentenceEncoder.load(threads=1), args.cache_dir), DEFAULT_FEATURES)
    cv = cross_validate_roles(x, dataset.rows, dataset.domains, taxonomy, folds=5)
    print(f"5-fold CV (decoding tuned on inner folds): EMR {cv.scores.emr:.3f}")
    assert cv.proba is not None
    p_fine, p_main = cv.proba
    y_fine, _ = label_matrix(dataset.rows, taxonomy.fine_roles, taxonomy.main_roles)
    prior = y_fine.sum(axis=0) / y_fine.sum() + 1e-3
    for a in (0.0, 0.25, 0.5, 0.75, 1.0):
        q = p_fine / prior**a
        q /= q.sum(axis=1, keepdims=True)
        w, tau, (emr, _main) = tune_decoding(q, p_main, dataset.rows, taxonomy)
        print(f"prior^{a}: best EMR on the same predictions {emr:.3f} (w={w}, tau={tau})")


if __name__ == "__main__":
    main()
