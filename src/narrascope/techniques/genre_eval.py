"""Measure the genre rule on the hand-labelled set, with out-of-fold technique predictions.

Usage::

    python -m narrascope.techniques.genre_eval --data ../shared/data/semeval2023-task3/data \
        --labels tests/techniques/fixtures/genre_labels.tsv

The labelled articles are SemEval-2023 EN *training* articles, so the technique density must not come
from the shipped model (trained on them): it comes from the out-of-fold predictions of the 5-fold CV
(``train techniques`` saves them in the cache folder; otherwise the CV is run here).  The same rule with
the *gold* technique density is printed as a reference.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from narrascope.techniques.genre import genre_decision, genre_features

__all__ = ["read_genre_labels", "oof_path", "main"]


def read_genre_labels(path: str | Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            art, label = line.split("\t")[:2]
            out[art.strip()] = label.strip()
    return out


def oof_path(cache_dir: str | Path, lang: str) -> Path:
    return Path(cache_dir) / f"techniques-oof-{lang}.npz"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True)
    parser.add_argument("--labels", required=True)
    parser.add_argument("--cache", default="/tmp/narrascope-cache")
    args = parser.parse_args(argv)

    from narrascope.techniques.dataset import group_by_article
    from narrascope.techniques.semeval_io import load_split
    from narrascope.techniques.taxonomy import load_techniques

    names = load_techniques().names
    paragraphs, _ = load_split(args.data, "en", techniques=names)
    path = oof_path(args.cache, "en")
    if path.is_file():
        with np.load(path) as data:
            keys = [tuple(k) for k in data["keys"].tolist()]
            pred = data["pred"]
    else:
        from narrascope.models.encoder import SentenceEncoder
        from narrascope.techniques.dataset import build_paragraph_set
        from narrascope.techniques.training import cross_validate

        pset = build_paragraph_set(paragraphs, SentenceEncoder.load(threads=1), cache_dir=args.cache)
        _, pred = cross_validate(pset, names)
        keys = [p.key for p in pset.paragraphs]
    oof = {k: bool(row.any()) for k, row in zip(keys, pred)}
    gold = read_genre_labels(args.labels)
    articles = group_by_article(paragraphs)
    rows = []
    for art, label in gold.items():
        plist = [p for p in articles[art] if p.text.strip()]
        text = "\n".join(p.text for p in plist)
        pred_label, conf = genre_decision(genre_features(text, len(plist), sum(oof[p.key] for p in plist)))
        ref_label, _ = genre_decision(genre_features(text, len(plist), sum(bool(p.labels) for p in plist)))
        rows.append((art, label, pred_label, ref_label, conf))
    for name, col in (("OOF technique density (honest)", 2), ("gold technique density (reference)", 3)):
        acc = np.mean([r[1] == r[col] for r in rows])
        f1s = []
        for cls in ("opinion", "reporting"):
            tp = sum(r[1] == cls and r[col] == cls for r in rows)
            fp = sum(r[1] != cls and r[col] == cls for r in rows)
            fn = sum(r[1] == cls and r[col] != cls for r in rows)
            f1s.append(2 * tp / max(2 * tp + fp + fn, 1))
        conf = {(g, p): sum(r[1] == g and r[col] == p for r in rows) for g in ("opinion", "reporting") for p in ("opinion", "reporting")}
        print(f"{name}: n={len(rows)} accuracy={acc:.3f} macro-F1={np.mean(f1s):.3f} confusion(gold,pred)={conf}")


if __name__ == "__main__":
    main()
