"""``narrascope ingest PATH...``: read, analyse and store articles; report failures at the end."""

from __future__ import annotations

import sys

import click

from narrascope.api_functions import load_pipeline, open_store
from narrascope.cli.options import settings_options
from narrascope.config.settings import Settings
from narrascope.ingest_run import ingest_paths


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--reanalyze", is_flag=True, help="Analyse and store again articles that are already in the store.")
@settings_options
def ingest(paths: tuple[str, ...], reanalyze: bool, settings: Settings) -> None:
    """Read PATHS (files or directories), analyse every article and store it.

    Good inputs are all stored; bad ones are listed at the end with their reasons and
    the exit code is 1 if any failed.
    """
    with open_store(settings=settings) as store:
        summary = ingest_paths(paths, store=store, settings=settings, pipeline_factory=load_pipeline, reanalyze=reanalyze)
    click.echo(
        f"Read {summary.read} article(s): {summary.inserted} new, {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {summary.skipped} already stored, {summary.analysis_failed} failed analysis; "
        f"{len(summary.failures)} input(s) failed. Store: {store.location}"
    )
    for failure in summary.failures:
        click.echo(f"  failed: [{failure.code}] {failure.source}: {failure.message}", err=True)
    for article_id, message in summary.analysis_failures:
        click.echo(f"  analysis failed: {article_id}: {message}", err=True)
    if summary.failures or summary.analysis_failures:
        sys.exit(1)
