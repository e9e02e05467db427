"""CLI for persuasion techniques: ``semeval predict|score techniques`` and ``train techniques``."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import click

__all__ = ["techniques_predict", "techniques_score", "train_techniques"]


@click.command("techniques")
@click.option(
    "--template", required=True, type=click.Path(dir_okay=False), help="Official paragraph template (id, paragraph id, text)."
)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Where to write the official label file.")
@click.option(
    "--model", "model_dir", type=click.Path(file_okay=False), help="Technique model artifact (default: the packaged one)."
)
@click.option("--threads", type=int, default=None, help="Encoder threads (default: all cores).")
def techniques_predict(template: str, out: str, model_dir: str | None, threads: int | None) -> None:
    """Predict subtask-3 techniques for every paragraph of TEMPLATE and write the official label file."""
    from narrascope.models.encoder import SentenceEncoder
    from narrascope.techniques.model import load_technique_model
    from narrascope.techniques.semeval_io import read_template, write_labels
    from narrascope.techniques.semeval_predict import predict_paragraphs

    paragraphs = read_template(template)
    model = load_technique_model(model_dir)
    encoder = SentenceEncoder.load(threads=threads)
    labels = predict_paragraphs(paragraphs, model, encoder)
    write_labels(out, ((a, p, names) for (a, p), names in labels.items()))
    found = sum(1 for names in labels.values() if names)
    click.echo(f"{len(labels)} paragraphs ({found} with techniques) -> {out}")


@click.command("techniques")
@click.option("--pred", "pred", required=True, type=click.Path(dir_okay=False), help="Predicted label file.")
@click.option("--gold", "gold", required=True, type=click.Path(dir_okay=False), help="Gold label file.")
@click.option(
    "--techniques-file", type=click.Path(dir_okay=False), help="One technique per line (default: the taxonomy's 23)."
)
@click.option("--per-technique", is_flag=True, help="Also print F1 per technique.")
def techniques_score(pred: str, gold: str, techniques_file: str | None, per_technique: bool) -> None:
    """Micro-F1 (official) and macro-F1 of PRED against GOLD, as the subtask-3 scorer computes them."""
    from narrascope.techniques.scorer import score_files
    from narrascope.techniques.taxonomy import load_techniques

    if techniques_file:
        classes = [line.strip() for line in Path(techniques_file).read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        classes = load_techniques().names
    scores = score_files(pred, gold, classes)
    click.echo(f"micro-F1={scores.micro_f1:.5f}\tmacro-F1={scores.macro_f1:.5f}\t({scores.n_examples} paragraphs)")
    if per_technique:
        for name, value in sorted(scores.per_technique.items(), key=lambda kv: -kv[1]):
            click.echo(f"  {name:<36} {value:.4f}")


@click.command("techniques")
@click.option(
    "--data", "data_dir", required=True, type=click.Path(file_okay=False), help="semeval2023-task3/data folder."
)
@click.option("--lang", default="en", show_default=True, help="Language folder to train on.")
@click.option(
    "--cv", "n_folds", default=5, show_default=True, type=int, help="Cross-validation folds by article (0: none)."
)
@click.option(
    "--out", type=click.Path(file_okay=False), help="Artifact directory to write (default: ./techniques-<lang>-linear)."
)
@click.option("--into-package", is_flag=True, help="Write into the packaged artifact directory instead of --out.")
@click.option("--C", "C", default=3.0, show_default=True, type=float, help="Inverse L2 strength of the logistic heads.")
@click.option(
    "--skip-unknown-labels", is_flag=True, help="Drop technique names not in the taxonomy (listed) instead of failing."
)
@click.option("--cache", "cache_dir", default="/tmp/narrascope-cache", show_default=True, help="Embedding cache folder.")
def train_techniques(
    data_dir: str,
    lang: str,
    n_folds: int,
    out: str | None,
    into_package: bool,
    C: float,
    skip_unknown_labels: bool,
    cache_dir: str,
) -> None:
    """Cross-validate and train the technique model on the SemEval-2023 Task 3 subtask-3 training split."""
    from narrascope.models.artifact import packaged_artifact_dir
    from narrascope.models.encoder import DEFAULT_ENCODER, SentenceEncoder
    from narrascope.techniques.dataset import build_paragraph_set
    from narrascope.techniques.lexicon_mining import mine_lexicon
    from narrascope.techniques.model import DEFAULT_MODEL
    from narrascope.techniques.semeval_io import load_split
    from narrascope.techniques.taxonomy import load_techniques
    from narrascope.techniques.training import (
        HeadParams,
        build_artifact_meta,
        cross_validate,
        prune_lexicon,
        train_final,
    )

    taxonomy = load_techniques()
    paragraphs, gold = load_split(
        data_dir, lang, "train", techniques=taxonomy.names, on_unknown="drop" if skip_unknown_labels else "error"
    )
    for line in gold.dropped:
        click.echo(f"dropped: {line}", err=True)
    click.echo(f"{len(paragraphs)} paragraphs, {len({p.article_id for p in paragraphs})} articles ({lang})")
    encoder = SentenceEncoder.load(threads=1)
    pset = build_paragraph_set(paragraphs, encoder, cache_dir=cache_dir or None)
    params = HeadParams(C=C)
    cv = None
    if n_folds > 1:
        cv, oof = cross_validate(pset, taxonomy.names, n_folds=n_folds, params=params)
        if cache_dir:
            import numpy as np

            from narrascope.techniques.genre_eval import oof_path

            Path(cache_dir).mkdir(parents=True, exist_ok=True)
            np.savez(oof_path(cache_dir, lang), keys=np.array([p.key for p in pset.paragraphs]), pred=oof)
        folds = ", ".join(f"{x:.3f}" for x in cv.fold_micro)
        click.echo(f"{n_folds}-fold CV by article: micro-F1 {cv.micro_f1:.4f} (folds {folds}), macro-F1 {cv.macro_f1:.4f}")
        for name, value in sorted(cv.per_technique.items(), key=lambda kv: -kv[1]):
            click.echo(f"  {name:<36} {value:.4f}")
    model = train_final(pset, taxonomy.names, params)
    lexicon = prune_lexicon(mine_lexicon(paragraphs), model)
    name = DEFAULT_MODEL if lang == "en" else f"techniques-{lang}-linear"
    target = packaged_artifact_dir(name) if into_package else Path(out or f"./{name}")
    command = "narrascope train techniques " + " ".join(shlex.quote(a) for a in sys.argv[3:]) if len(sys.argv) > 3 else ""
    model.meta = build_artifact_meta(
        name=name,
        labels=taxonomy.names,
        data_dir=data_dir,
        lang=lang,
        cv=cv,
        params=params,
        encoder_name=DEFAULT_ENCODER,
        lexicon=lexicon,
        command=command or f"narrascope train techniques --data {data_dir} --lang {lang} --cv {n_folds} --C {C}",
    )
    model.save(target)
    size = sum(f.stat().st_size for f in target.iterdir())
    click.echo(f"artifact -> {target} ({size / 1e6:.2f} MB)")
    click.echo(json.dumps({"micro_f1": cv.micro_f1, "macro_f1": cv.macro_f1} if cv else {}, indent=None))
