"""Commands of entity framing: ``semeval predict st1``, ``semeval score st1``, ``train roles``."""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from narrascope.roles.marked_training import MarkedTrainReport
    from narrascope.roles.scorer import St1Scores
    from narrascope.roles.training import TrainReport

__all__ = ["st1_predict", "st1_score", "train_roles"]


@click.command("st1")
@click.option("--documents", required=True, type=click.Path(file_okay=False), help="Folder of the articles (<ID>.txt).")
@click.option("--mentions", required=True, type=click.Path(dir_okay=False), help="subtask-1-entity-mentions.txt (article, mention, start, end).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Prediction file to write (official format).")
@click.option("--model", "model_dir", default=None, help="Role model artifact directory, or a packaged one's name (default: roles-minilm-linear).")
@click.option("--encoder", "encoder_dir", default=None, type=click.Path(file_okay=False),
              help="Sentence encoder the model was trained on, when it is not the packaged MiniLM (roles-mpnet-linear).")
@click.option("--threads", default=None, type=click.IntRange(min=1), help="Encoder threads (default: all cores).")
def st1_predict(documents: str, mentions: str, out: str, model_dir: str | None, encoder_dir: str | None, threads: int | None) -> None:
    """Predict roles for exactly the given mentions (subtask 1).

    Rows that cannot be used (bad columns, missing document, offsets that do not match)
    are listed on stderr and left out; the file is written for the others and the exit
    status is 1 if any row was left out.
    """
    from narrascope.roles.loader import load_model_encoder, load_role_model
    from narrascope.roles.semeval import predict_st1
    from narrascope.roles.st1_io import write_st1_file

    model = load_role_model(model_dir, threads=threads)
    encoder = load_model_encoder(model, encoder_dir, threads=threads, source="--encoder")
    result = predict_st1(documents, mentions, model, encoder)
    n = write_st1_file(out, result.rows)
    click.echo(f"wrote {n} prediction(s) to {out}")
    if result.moved:
        click.echo(f"note: {len(result.moved)} row(s) had offsets off by a few characters; the nearby mention was used: "
                   + ", ".join(result.moved[:10]) + (" ..." if len(result.moved) > 10 else ""), err=True)
    if result.issues:
        click.echo(f"{len(result.issues)} row(s) left out:", err=True)
        for issue in result.issues:
            click.echo(f"  {issue}", err=True)
        sys.exit(1)


@click.command("st1")
@click.option("--gold", required=True, type=click.Path(dir_okay=False), help="Gold annotations (official subtask-1 format).")
@click.option("--pred", required=True, type=click.Path(dir_okay=False), help="Predictions (same format).")
@click.option("--strict", is_flag=True, help="Fail, like the official scorer, if the keys of the two files differ.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def st1_score(gold: str, pred: str, strict: bool, as_json: bool) -> None:
    """Official subtask-1 metrics: EMR, micro P/R/F1 over fine roles, main-role accuracy."""
    from narrascope.roles.scorer import score_st1
    from narrascope.roles.st1_io import raise_issues, read_st1_file
    from narrascope.taxonomy.roles import load_role_taxonomy

    taxonomy = load_role_taxonomy()
    gold_rows, gold_issues = read_st1_file(gold, with_roles=True, taxonomy=taxonomy)
    raise_issues(gold_issues, gold)
    pred_rows, pred_issues = read_st1_file(pred, with_roles=True, taxonomy=taxonomy)
    raise_issues(pred_issues, pred)
    scores = score_st1(gold_rows, pred_rows, strict=strict)
    if as_json:
        click.echo(json.dumps(scores.as_dict(), indent=2))
        return
    click.echo(f"EMR                  {scores.emr:.4f}")
    click.echo(f"micro precision      {scores.micro_precision:.4f}")
    click.echo(f"micro recall         {scores.micro_recall:.4f}")
    click.echo(f"micro F1             {scores.micro_f1:.4f}")
    click.echo(f"main-role accuracy   {scores.main_accuracy:.4f}")
    click.echo(f"gold mentions        {scores.n_gold}")
    if scores.missing or scores.extra:
        click.echo(f"warning: {scores.missing} gold mention(s) without prediction (counted wrong), {scores.extra} extra", err=True)
    click.echo("official line: " + scores.official_line())


#: options that only the fine-tuned (``--kind marked``) training reads
_MARKED_ONLY = ("epochs", "lr", "mix", "seed", "threads", "context")
#: the linear heads' feature blocks: the default set, and every block (as in narrascope.roles.features,
#: restated here so that ``--help`` does not import numpy and the encoder)
_DEFAULT_BLOCKS = ("sent", "entity", "doc", "name")
_ALL_BLOCKS = ("sent", "near", "entity", "doc", "name", "window", "span", "entity_span")


@click.command("roles")
@click.option("--data", "data_dir", required=True, type=click.Path(file_okay=False),
              help="SemEval-2025 Task 10 release folder (with EN/) or one language folder.")
@click.option("--language", default="EN", show_default=True, help="Language folder to train on.")
@click.option("--cv", "folds", default=5, show_default=True, type=int, help="Cross-validation folds (by document); 0 skips CV.")
@click.option("--kind", type=click.Choice(["linear", "marked"]), default="linear", show_default=True,
              help="linear: linear heads over frozen sentence embeddings (the shipped model); marked: fine-tuned "
                   "MiniLM with entity markers averaged with linear heads (needs torch; lower EMR in our CV, EVALUATION.md).")
@click.option("--epochs", default=8, show_default=True, type=click.IntRange(min=1), help="Fine-tuning epochs (--kind marked).")
@click.option("--lr", default=5e-5, show_default=True, type=click.FloatRange(min=0, min_open=True), help="Encoder learning rate (--kind marked).")
@click.option("--mix", default=0.5, show_default=True, type=click.FloatRange(0, 1),
              help="Weight of the linear heads averaged into the marked model (--kind marked; 0 = marked model alone).")
@click.option("--seed", default=13, show_default=True, type=int, help="Fine-tuning seed (--kind marked).")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(min=1), help="torch threads for fine-tuning (--kind marked).")
@click.option("--context", type=click.Choice(["sentence", "title"]), default="sentence", show_default=True,
              help="What the marked model reads with each sentence: nothing else, or the article's first line (--kind marked).")
@click.option("--out", "out", default=None, type=click.Path(file_okay=False), help="Artifact directory to write (default: ./roles-minilm-marked or ./roles-minilm-linear).")
@click.option("--into-package", "install", is_flag=True, help="Write into the package's artifact directory (replaces the shipped model).")
@click.option("--force", is_flag=True, help="Overwrite --out if it already holds files.")
@click.option("--taxonomy", "taxonomy_path", default=None, type=click.Path(dir_okay=False), help="Role taxonomy JSON (default: packaged).")
@click.option("--C", "C", default="1,3,10", show_default=True,
              help="Inverse L2 strength(s) of the heads; several (comma-separated) are chosen between inside the training folds.")
@click.option("--encoder", "encoder_dir", default=None, type=click.Path(file_okay=False),
              help="Sentence encoder artifact for the linear heads (default: the packaged MiniLM; e.g. the MPNet one "
                   "built by python -m narrascope.train.export_mpnet).")
@click.option("--cache-dir", default="/tmp/narrascope-cache", show_default=True, type=click.Path(file_okay=False),
              help="Where training embeddings are cached.")
@click.option("--blocks", default=",".join(_DEFAULT_BLOCKS), show_default=True,
              help="Feature blocks of the linear heads, comma-separated, of: " + ", ".join(_ALL_BLOCKS) + " (--kind linear).")
def train_roles(data_dir: str, language: str, folds: int, out: str | None, install: bool, taxonomy_path: str | None,
                C: str, encoder_dir: str | None, cache_dir: str, force: bool, kind: str, epochs: int, lr: float, mix: float, seed: int,
                threads: int, context: str, blocks: str) -> None:
    """Train the entity-role model, print cross-validated scores, write the artifact.

    ``--kind marked`` fine-tunes MiniLM on CPU (torch, the ``train`` extra): 5 fine-tunings for
    5-fold CV + the final model, a few minutes each on 2 cores.  The packaged default is the
    linear model; a marked artifact is used by setting ``components.roles.model_path``.
    """
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from narrascope.models.artifact import packaged_artifact_dir
    from narrascope.models.encoder import SentenceEncoder
    from narrascope.roles.embed_cache import CachedEncoder
    from narrascope.roles.features import FeatureConfig
    from narrascope.roles.training import DEFAULT_FEATURES, HeadSettings, role_model_name, train_and_save
    from narrascope.taxonomy.roles import load_role_taxonomy

    if install and out:
        raise click.UsageError("give either --out or --into-package, not both")
    if kind == "linear":
        ctx = click.get_current_context()
        given = [f"--{name}" for name in _MARKED_ONLY
                 if ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT]
        if given:
            raise click.UsageError(f"{', '.join(given)} only apply to --kind marked")
    from narrascope.roles.marked_training import MARKED_MODEL

    if encoder_dir and kind == "marked":
        raise click.UsageError("--encoder applies to --kind linear (the marked model fine-tunes MiniLM)")
    chosen_blocks = tuple(dict.fromkeys(b.strip() for b in blocks.split(",") if b.strip()))
    unknown = [b for b in chosen_blocks if b not in _ALL_BLOCKS]
    if unknown or not chosen_blocks:
        raise click.BadParameter(f"unknown block(s) {', '.join(unknown) or '(none given)'}; known: {', '.join(_ALL_BLOCKS)}",
                                 param_hint="--blocks")
    if kind == "marked" and chosen_blocks != _DEFAULT_BLOCKS:
        raise click.UsageError("--blocks applies to --kind linear")
    base = SentenceEncoder.load(encoder_dir, threads=None if encoder_dir else 1) if kind == "linear" or mix > 0 else None
    name = MARKED_MODEL if kind == "marked" else role_model_name(base.meta.get("name") if base else None)
    target = packaged_artifact_dir(name) if install else Path(out or name)
    if not install and not force and target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise click.UsageError(f"{target} already exists and is not empty (use --force to overwrite)")
    try:
        grid = tuple(float(c) for c in C.split(",") if c.strip())
    except ValueError:
        raise click.BadParameter(f"expected numbers separated by commas, got {C!r}", param_hint="--C") from None
    if not grid or min(grid) <= 0:
        raise click.BadParameter("C values must be positive", param_hint="--C")
    taxonomy = load_role_taxonomy(taxonomy_path)
    encoder = CachedEncoder(base, cache_dir) if base is not None else None
    where = "--into-package" if install else f"--out {shlex.quote(str(target))}"
    marked_opts = f" --epochs {epochs} --lr {lr:g} --mix {mix:g} --seed {seed} --context {context}" if kind == "marked" else ""
    blocks_opt = f" --blocks {','.join(chosen_blocks)}" if chosen_blocks != _DEFAULT_BLOCKS else ""
    command = (f"narrascope train roles --data {shlex.quote(data_dir)} --kind {kind} --language {language} --cv {folds} --C {C}"
               f"{marked_opts}{blocks_opt} {where}" + (f" --encoder {shlex.quote(encoder_dir)}" if encoder_dir else "") + (f" --taxonomy {shlex.quote(taxonomy_path)}" if taxonomy_path else ""))

    def progress(i: int, s: object) -> None:
        click.echo(f"fold {i + 1}: EMR {s.emr:.4f}  micro-F1 {s.micro_f1:.4f}  main acc {s.main_accuracy:.4f}")  # type: ignore[attr-defined]

    if kind == "marked":
        _train_marked(data_dir, target, taxonomy, encoder, language, folds, grid, epochs, lr, mix, seed, threads, context, command,
                      progress, Path(cache_dir))
        return

    report = train_and_save(data_dir, str(target), taxonomy=taxonomy, encoder=encoder, language=language, folds=folds,
                            settings=HeadSettings(C=grid[0], C_grid=grid), command=command, progress=progress, name=name,
                            features=FeatureConfig(blocks=chosen_blocks, window_words=DEFAULT_FEATURES.window_words))
    _echo_report(report, folds)
    click.echo(f"chosen on inner folds: C={report.model.meta['heads']['C']} w={report.model.w} tau={report.model.tau}")
    click.echo(f"artifact written to {report.out}")


def _echo_report(report: TrainReport | MarkedTrainReport, folds: int, parts: dict[str, St1Scores] | None = None) -> None:
    """The training summary both kinds print: mentions read, then the out-of-fold CV scores."""
    click.echo(f"{report.n_rows} mentions in {report.n_documents} documents ({report.moved} with offsets re-located)")
    for part, s in (parts or {}).items():
        click.echo(f"{folds}-fold CV, {part} alone: EMR {s.emr:.4f}  micro F1 {s.micro_f1:.4f}  main-role accuracy {s.main_accuracy:.4f}")
    if report.cv:
        s = report.cv.scores
        click.echo(f"{folds}-fold CV (out-of-fold): EMR {s.emr:.4f}  micro P {s.micro_precision:.4f}  R {s.micro_recall:.4f}  "
                   f"F1 {s.micro_f1:.4f}  main-role accuracy {s.main_accuracy:.4f}")


def _train_marked(data_dir: str, target: Path, taxonomy: object, encoder: object, language: str, folds: int,
                  grid: tuple[float, ...], epochs: int, lr: float, mix: float, seed: int, threads: int, context: str, command: str,
                  progress: object, cache_dir: Path) -> None:
    from narrascope.roles.finetune import FinetuneSettings
    from narrascope.roles.marked_training import MarkedSettings, train_marked_and_save
    from narrascope.roles.training import HeadSettings

    settings = MarkedSettings(finetune=FinetuneSettings(epochs=epochs, lr=lr, seed=seed, threads=threads, context=context), mix=mix,
                              linear=HeadSettings(C=grid[0], C_grid=grid))
    report = train_marked_and_save(data_dir, target, taxonomy=taxonomy, encoder=encoder, language=language, folds=folds,  # type: ignore[arg-type]
                                   settings=settings, command=command, progress=progress,  # type: ignore[arg-type]
                                   log=lambda line: click.echo(f"  {line}", err=True),
                                   oof_file=cache_dir / f"roles-marked-oof-{context}-e{epochs}-s{seed}.npz")
    _echo_report(report, folds, parts=report.cv_parts)
    click.echo(f"artifact written to {report.out}")
    click.echo(f"use it with: --set components.roles.model_path={shlex.quote(str(report.out))}")
