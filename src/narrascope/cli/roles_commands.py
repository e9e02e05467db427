"""Commands of entity framing: ``semeval predict st1``, ``semeval score st1``, ``train roles``."""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

import click

__all__ = ["st1_predict", "st1_score", "train_roles"]


@click.command("st1")
@click.option("--documents", required=True, type=click.Path(file_okay=False), help="Folder of the articles (<ID>.txt).")
@click.option("--mentions", required=True, type=click.Path(dir_okay=False), help="subtask-1-entity-mentions.txt (article, mention, start, end).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Prediction file to write (official format).")
@click.option("--model", "model_dir", default=None, type=click.Path(file_okay=False), help="Role model artifact (default: the packaged one).")
@click.option("--threads", default=None, type=int, help="Encoder threads (default: all cores).")
def st1_predict(documents: str, mentions: str, out: str, model_dir: str | None, threads: int | None) -> None:
    """Predict roles for exactly the given mentions (subtask 1).

    Rows that cannot be used (bad columns, missing document, offsets that do not match)
    are listed on stderr and left out; the file is written for the others and the exit
    status is 1 if any row was left out.
    """
    from narrascope.models.encoder import SentenceEncoder
    from narrascope.roles.model import RoleModel
    from narrascope.roles.semeval import predict_st1
    from narrascope.roles.st1_io import write_st1_file

    model = RoleModel.load(model_dir)
    encoder = SentenceEncoder.load(threads=threads)
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


@click.command("roles")
@click.option("--data", "data_dir", required=True, type=click.Path(file_okay=False),
              help="SemEval-2025 Task 10 release folder (with EN/) or one language folder.")
@click.option("--language", default="EN", show_default=True, help="Language folder to train on.")
@click.option("--cv", "folds", default=5, show_default=True, type=int, help="Cross-validation folds (by document); 0 skips CV.")
@click.option("--out", "out", default=None, type=click.Path(file_okay=False), help="Artifact directory to write (default: ./roles-minilm-linear).")
@click.option("--into-package", "install", is_flag=True, help="Write into the package's artifact directory (replaces the shipped model).")
@click.option("--force", is_flag=True, help="Overwrite --out if it already holds files.")
@click.option("--taxonomy", "taxonomy_path", default=None, type=click.Path(dir_okay=False), help="Role taxonomy JSON (default: packaged).")
@click.option("--C", "C", default="1,3,10", show_default=True,
              help="Inverse L2 strength(s) of the heads; several (comma-separated) are chosen between inside the training folds.")
@click.option("--cache-dir", default="/tmp/narrascope-cache", show_default=True, type=click.Path(file_okay=False),
              help="Where training embeddings are cached.")
def train_roles(data_dir: str, language: str, folds: int, out: str | None, install: bool, taxonomy_path: str | None,
                C: str, cache_dir: str, force: bool) -> None:
    """Train the entity-role heads, print cross-validated scores, write the artifact."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from narrascope.models.artifact import packaged_artifact_dir
    from narrascope.models.encoder import SentenceEncoder
    from narrascope.roles.embed_cache import CachedEncoder
    from narrascope.roles.model import DEFAULT_ROLE_MODEL
    from narrascope.roles.training import HeadSettings, train_and_save
    from narrascope.taxonomy.roles import load_role_taxonomy

    if install and out:
        raise click.UsageError("give either --out or --into-package, not both")
    target = packaged_artifact_dir(DEFAULT_ROLE_MODEL) if install else Path(out or DEFAULT_ROLE_MODEL)
    if not install and not force and target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise click.UsageError(f"{target} already exists and is not empty (use --force to overwrite)")
    try:
        grid = tuple(float(c) for c in C.split(",") if c.strip())
    except ValueError:
        raise click.BadParameter(f"expected numbers separated by commas, got {C!r}", param_hint="--C") from None
    if not grid or min(grid) <= 0:
        raise click.BadParameter("C values must be positive", param_hint="--C")
    taxonomy = load_role_taxonomy(taxonomy_path)
    encoder = CachedEncoder(SentenceEncoder.load(threads=1), cache_dir)
    where = "--into-package" if install else f"--out {shlex.quote(str(target))}"
    command = (f"narrascope train roles --data {shlex.quote(data_dir)} --language {language} --cv {folds} --C {C} {where}"
               + (f" --taxonomy {shlex.quote(taxonomy_path)}" if taxonomy_path else ""))

    def progress(i: int, s: object) -> None:
        click.echo(f"fold {i + 1}: EMR {s.emr:.4f}  micro-F1 {s.micro_f1:.4f}  main acc {s.main_accuracy:.4f}")  # type: ignore[attr-defined]

    report = train_and_save(data_dir, str(target), taxonomy=taxonomy, encoder=encoder, language=language, folds=folds,
                            settings=HeadSettings(C=grid[0], C_grid=grid), command=command, progress=progress)
    click.echo(f"{report.n_rows} mentions in {report.n_documents} documents ({report.moved} with offsets re-located)")
    if report.cv:
        s = report.cv.scores
        click.echo(f"{folds}-fold CV (out-of-fold): EMR {s.emr:.4f}  micro P {s.micro_precision:.4f}  R {s.micro_recall:.4f}  "
                   f"F1 {s.micro_f1:.4f}  main-role accuracy {s.main_accuracy:.4f}")
    click.echo(f"chosen on inner folds: C={report.model.meta['heads']['C']} w={report.model.w} tau={report.model.tau}")
    click.echo(f"artifact written to {report.out}")
