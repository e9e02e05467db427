"""``narrascope ingest PATH...``: read, analyse and store articles; report failures at the end."""

from __future__ import annotations

import sys

import click

from narrascope.api_functions import open_store
from narrascope.cli.options import settings_options
from narrascope.config.settings import Settings


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--reanalyze", is_flag=True, help="Analyse and store again articles that are already in the store.")
@settings_options
def ingest(paths: tuple[str, ...], reanalyze: bool, settings: Settings) -> None:
    """Read PATHS (files or directories), analyse every article not yet stored and store it.

    In one process, batch by batch (``narrascope run`` is the same on all cores, with a progress
    bar). Good inputs are all stored; bad ones are listed at the end with their reasons and the
    exit code is 1 if any failed.
    """
    from narrascope.scale.runner import run_corpus

    with open_store(settings=settings) as store:
        summary = run_corpus(paths, store=store, settings=settings, engine="local", reanalyze=reanalyze)
    click.echo(
        f"Read {summary.read} article(s): {summary.inserted} new, {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {summary.skipped} already stored, "
        f"{len(summary.failed_articles)} failed analysis; {len(summary.failed_inputs)} input(s) failed. "
        f"Store: {store.location}"
    )
    for failure in summary.failed_inputs:
        click.echo(f"  failed: [{failure.code}] {failure.source}: {failure.message}", err=True)
    for article in summary.failed_articles:
        click.echo(f"  analysis failed: {article.id}: {article.component}: [{article.code}] {article.message}", err=True)
    if summary.failed_inputs or summary.failed_articles:
        sys.exit(1)
