"""Commands of narratives and explanations: ``semeval predict|score st2|st3``, ``train narratives``."""

from __future__ import annotations

import json
import os
import shlex
import sys

import click

__all__ = ["st2_predict", "st3_predict", "st2_score", "st3_score", "train_narratives_command"]


def _report_failures(failures: list) -> None:
    if failures:
        click.echo(f"{len(failures)} document(s) could not be used (written as Other / label-only rows):", err=True)
        for exc in failures:
            click.echo(f"  {exc}", err=True)


@click.command("st2")
@click.option("--documents", required=True, type=click.Path(file_okay=False), help="Folder of the articles (<ID>.txt).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Prediction file (official format).")
@click.option("--model", "model_dir", default=None, type=click.Path(file_okay=False),
              help="Narrative model artifact (default: the packaged one).")
@click.option("--threads", default=None, type=int, help="Encoder threads (default: all cores).")
def st2_predict(documents: str, out: str, model_dir: str | None, threads: int | None) -> None:
    """Predict narratives and sub-narratives (subtask 2); rows in input (file-name) order."""
    from narrascope.models.encoder import SentenceEncoder
    from narrascope.narratives.model import NarrativeModel
    from narrascope.narratives.semeval import predict_st2
    from narrascope.narratives.semeval_io import write_st2

    model = NarrativeModel.load(model_dir)
    result = predict_st2(documents, model=model, encoder=SentenceEncoder.load(threads=threads))
    n = write_st2(out, result.rows)
    click.echo(f"wrote {n} row(s) to {out}")
    _report_failures(result.failures)


@click.command("st3")
@click.option("--documents", required=True, type=click.Path(file_okay=False), help="Folder of the articles (<ID>.txt).")
@click.option("--dominant", required=True, type=click.Path(dir_okay=False),
              help="subtask-3-dominant-narratives.txt (ID, narrative, sub-narrative or none).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="Prediction file (ID<TAB>explanation).")
@click.option("--model", "model_dir", default=None, type=click.Path(file_okay=False),
              help="Narrative model artifact (default: the packaged one).")
@click.option("--max-words", default=80, show_default=True, type=click.IntRange(10, 80),
              help="Explanation length limit.")
@click.option("--threads", default=None, type=int, help="Encoder threads (default: all cores).")
def st3_predict(documents: str, dominant: str, out: str, model_dir: str | None, max_words: int,
                threads: int | None) -> None:
    """Explain the given dominant narrative of each document (subtask 3, extractive); rows in input order."""
    from narrascope.models.encoder import SentenceEncoder
    from narrascope.narratives.analyzer import NarrativeAnalyzer
    from narrascope.narratives.explain import ExtractiveExplainer
    from narrascope.narratives.model import NarrativeModel
    from narrascope.narratives.semeval import predict_st3
    from narrascope.narratives.semeval_io import write_st3

    analyzer = NarrativeAnalyzer(NarrativeModel.load(model_dir), explainer=ExtractiveExplainer(max_words=max_words))
    result = predict_st3(documents, dominant, analyzer=analyzer, encoder=SentenceEncoder.load(threads=threads))
    n = write_st3(out, result.rows)
    click.echo(f"wrote {n} row(s) to {out}")
    _report_failures(result.failures)


@click.command("st2")
@click.option("--gold", required=True, type=click.Path(dir_okay=False),
              help="Gold annotations (official subtask-2 format).")
@click.option("--pred", required=True, type=click.Path(dir_okay=False), help="Predictions (same format).")
@click.option("--narratives", "coarse_file", default=None, type=click.Path(dir_okay=False),
              help="Coarse class list (default: the packaged taxonomy's official labels).")
@click.option("--subnarratives", "fine_file", default=None, type=click.Path(dir_okay=False),
              help="Fine class list (default: the packaged taxonomy's official labels).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def st2_score(gold: str, pred: str, coarse_file: str | None, fine_file: str | None, as_json: bool) -> None:
    """Official subtask-2 samples-F1, coarse and fine (mean and standard deviation over documents)."""
    from narrascope.narratives.scoring import score_st2
    from narrascope.narratives.semeval_io import read_label_list, read_st2
    from narrascope.taxonomy.narratives import load_narrative_taxonomy

    coarse, fine = load_narrative_taxonomy().official_labels()
    if coarse_file:
        coarse = tuple(read_label_list(coarse_file))
    if fine_file:
        fine = tuple(read_label_list(fine_file))
    result = score_st2(read_st2(gold), read_st2(pred), coarse, fine, pred_source=pred)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        click.echo(f"F1@coarse: {result.f1_coarse:.3f} ({result.sd_coarse:.3f})")
        click.echo(f"F1@fine: {result.f1_fine:.3f} ({result.sd_fine:.3f})")
        click.echo(f"documents: {result.n_documents}")
    if not result.order_matches_gold:
        click.echo("warning: the prediction rows are not in the gold file's order; the official scorer pairs rows "
                   "by position and would score this file differently (rows were paired by ID here)", err=True)


@click.command("st3")
@click.option("--gold", required=True, type=click.Path(dir_okay=False),
              help="Gold subtask-3 annotations (ID, narrative, sub-narrative, explanation).")
@click.option("--pred", required=True, type=click.Path(dir_okay=False), help="Predictions (ID<TAB>explanation).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def st3_score(gold: str, pred: str, as_json: bool) -> None:
    """Offline PROXY for subtask 3 (MiniLM cosine + unigram F1) — not the official BERTScore."""
    from narrascope.errors import InputError
    from narrascope.models.encoder import SentenceEncoder
    from narrascope.narratives.scoring import explanation_proxy
    from narrascope.narratives.semeval_io import read_st3, read_st3_predictions

    gold_rows = read_st3(gold, with_explanation=True)
    preds = dict(read_st3_predictions(pred))
    missing = [r.id for r in gold_rows if r.id not in preds]
    if missing:
        raise InputError(f"{len(missing)} gold document(s) not predicted (e.g. {missing[0]})", source=pred)
    result = explanation_proxy([preds[r.id] for r in gold_rows], [r.explanation or "" for r in gold_rows],
                               encoder=SentenceEncoder.load())
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        click.echo(f"semantic (MiniLM cosine): {result.semantic:.3f}")
        click.echo(f"lexical (unigram F1): {result.lexical:.3f}")
        click.echo(f"documents: {result.n_documents}")
        click.echo(f"note: {result.metric}")


@click.command("narratives")
@click.option("--data", "data_dir", required=True, type=click.Path(file_okay=False),
              help="Folder with raw-documents/ and subtask-2-annotations.txt.")
@click.option("--taxonomy", "taxonomy_path", default=None, type=click.Path(dir_okay=False),
              help="Narrative taxonomy JSON (default: the packaged one).")
@click.option("--cv", "folds", default=5, show_default=True, type=int, help="Cross-validation folds (0: none).")
@click.option("--out", "out", default=None, type=click.Path(file_okay=False), help="Artifact directory to write.")
@click.option("--into-package", is_flag=True,
              help="Write into the packaged artifact directory (replaces the shipped model).")
@click.option("--C", "C", default=0.005, show_default=True, type=float, help="Inverse L2 strength of the heads.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the CV report as JSON.")
def train_narratives_command(data_dir: str, taxonomy_path: str | None, folds: int, out: str | None,
                             into_package: bool, C: float, seed: int, as_json: bool) -> None:
    """Cross-validate and train the narrative model; write a self-describing artifact."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from narrascope.models.artifact import packaged_artifact_dir
    from narrascope.narratives.build import train_narratives
    from narrascope.narratives.model import DEFAULT_MODEL
    from narrascope.narratives.training import TrainConfig

    if out is None and not into_package:
        raise click.UsageError("give --out DIR (or --into-package to replace the shipped model)")
    if folds == 1 or folds < 0:
        raise click.UsageError("--cv must be 0 or at least 2")
    target = packaged_artifact_dir(DEFAULT_MODEL) if into_package else out
    command = "narrascope " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    result = train_narratives(data_dir, taxonomy_path=taxonomy_path, out=target, folds=folds,
                              config=TrainConfig(C=C, seed=seed), command=command)
    if result.cv is not None:
        if as_json:
            click.echo(json.dumps(result.cv.as_dict(), indent=2))
        else:
            cv = result.cv
            click.echo(f"{cv.folds}-fold CV on {len(result.dataset.docs)} documents (out-of-fold, nested thresholds):")
            click.echo(f"  samples-F1 coarse: {cv.f1_coarse:.3f} (sd {cv.sd_coarse:.3f})")
            click.echo(f"  samples-F1 fine:   {cv.f1_fine:.3f} (sd {cv.sd_fine:.3f})")
            for f in cv.per_fold:
                click.echo(f"  fold {f['fold']}: coarse {f['coarse']:.3f} fine {f['fine']:.3f}")
    click.echo(f"wrote {result.out}")
