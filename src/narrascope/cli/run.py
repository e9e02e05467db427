"""``narrascope run INPUT...``: analyse a whole corpus, resumably; ``narrascope duplicates [ID]``: list clusters."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from narrascope.cli.options import json_option, settings_options
from narrascope.config.settings import Settings


def _progress_bar(total: int | None) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    console = Console(stderr=True)
    return Progress(
        TextColumn("[bold]analysing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.1f} articles/s"),
        TextColumn("skipped {task.fields[skipped]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    )


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option(
    "--workers", type=click.IntRange(min=1), default=None,
    help="Worker processes (default: every local core); 1 runs in this process.",
)
@click.option(
    "--engine", type=click.Choice(["auto", "local", "multiprocess", "ray"]), default="auto", show_default=True,
    help="auto: local for 1 worker, multiprocess for more; ray: an existing Ray cluster (--address).",
)
@click.option("--address", metavar="HOST:PORT", help="Ray cluster address (with --engine ray).")
@click.option("--reanalyze", is_flag=True, help="Analyse and store again articles that are already stored.")
@click.option("--no-duplicates", is_flag=True, help="Do not update the near-duplicate clusters at the end.")
@click.option(
    "--parquet", "parquet_dir", type=click.Path(file_okay=False), default=None,
    help="Also write every stored batch to DIR as Parquet parts (id, title, source, published, language, status, record).",
)
@json_option
@settings_options
def run(
    inputs: tuple[str, ...],
    workers: int | None,
    engine: str,
    address: str | None,
    reanalyze: bool,
    no_duplicates: bool,
    parquet_dir: str | None,
    as_json: bool,
    settings: Settings,
) -> None:
    """Analyse every article in INPUTS (directories, text/HTML, JSONL/CSV/Parquet, feeds) with every configured
    component and store the results batch by batch.

    Interrupted (Ctrl-C, kill -9, a lost cluster), the same command resumes: articles already stored are
    skipped. Failed inputs and failed articles are listed at the end (exit code 1 if any).
    """
    from narrascope.api_functions import open_store
    from narrascope.scale.runner import estimate_records, run_corpus

    if workers is None:
        workers = os.cpu_count() or 1
    if engine == "auto":
        engine = "local" if workers == 1 else "multiprocess"
    if engine == "ray" and not address:
        raise click.UsageError("--engine ray needs --address HOST:PORT of a running Ray cluster")
    total = estimate_records(inputs)
    with open_store(settings=settings) as store, _progress_bar(total) as bar:
        task = bar.add_task("run", total=total, rate=0.0, skipped=0)

        def progress(p: Any) -> None:
            rate = p.analysed / p.elapsed if p.elapsed > 0 else 0.0
            bar.update(task, completed=p.analysed + p.skipped + p.failed_inputs, rate=rate, skipped=p.skipped)

        try:
            summary = run_corpus(
                inputs, store=store, settings=settings, engine=engine, workers=workers, address=address,
                reanalyze=reanalyze, duplicates=not no_duplicates, progress=progress, total_estimate=total,
                parquet_dir=parquet_dir,
            )
        except KeyboardInterrupt:
            click.echo(
                f"Interrupted. {store.count()} article(s) are in {store.location}; run the same command to resume.",
                err=True,
            )
            sys.exit(130)
    dup = summary.duplicates
    if as_json:
        click.echo(
            json.dumps(
                {
                    "engine": summary.engine, "workers": summary.workers, "components": summary.components,
                    "read": summary.read, "analysed": summary.analysed, "inserted": summary.inserted,
                    "updated": summary.updated, "unchanged": summary.unchanged, "skipped": summary.skipped,
                    "articles_per_second": round(summary.articles_per_second, 2), "seconds": round(summary.seconds, 2),
                    "failed_inputs": [{"source": f.source, "code": f.code, "message": f.message} for f in summary.failed_inputs],
                    "failed_articles": [f.__dict__ for f in summary.failed_articles],
                    "duplicates": None if dup is None else dup.__dict__,
                    "store": store.location,
                },
                indent=2,
            )
        )
    else:
        click.echo(
            f"Analysed {summary.analysed} article(s) in {summary.analyse_seconds:.1f}s "
            f"({summary.articles_per_second:.1f} articles/s, engine {summary.engine}, {summary.workers} worker(s)): "
            f"{summary.inserted} new, {summary.updated} updated; {summary.skipped} already stored; "
            f"{len(summary.failed_articles)} failed analysis; {len(summary.failed_inputs)} input(s) failed. "
            f"Store: {store.location}"
        )
        if dup is not None:
            click.echo(f"Duplicates: {dup.clusters} cluster(s), {dup.changed_clusters} changed, {dup.indexed} article(s) indexed.")
        for failure in summary.failed_inputs:
            click.echo(f"  failed input: [{failure.code}] {failure.source}: {failure.message}", err=True)
        for failed in summary.failed_articles:
            click.echo(f"  failed article: {failed.id}: [{failed.code}] {failed.component}: {failed.message}", err=True)
    if summary.failed_inputs or summary.failed_articles:
        sys.exit(1)


@click.command()
@click.argument("article_id", required=False)
@click.option("--update", is_flag=True, help="Index new articles and update the clusters first.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Clusters to list.")
@json_option
@settings_options
def duplicates(article_id: str | None, update: bool, limit: int, as_json: bool, settings: Settings) -> None:
    """List near-duplicate clusters (republished or lightly rewritten articles), or the one holding ARTICLE_ID."""
    from narrascope.api_functions import open_store
    from narrascope.dedup import list_clusters, update_duplicates

    with open_store(settings=settings) as store:
        if update:
            update_duplicates(store)
        clusters = list_clusters(store, article_id, limit=None if article_id else limit)
        titles = {}
        for info in clusters:
            for member in info.members:
                titles[member] = store.get(member)
    if as_json:
        click.echo(json.dumps([c.model_dump() for c in clusters], indent=2))
        return
    if not clusters:
        click.echo("No duplicate clusters." if article_id is None else f"{article_id} has no near-duplicates.")
        return
    for info in clusters:
        click.echo(f"cluster {info.cluster_id} ({len(info.members)} articles, earliest {info.earliest_id})")
        for member in info.members:
            article = titles[member]
            click.echo(f"  {member}\t{article.meta.published or '-'}\t{article.meta.source or '-'}\t{article.title}")
