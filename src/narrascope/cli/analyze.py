"""``narrascope analyze PATH``: analyse articles and print a report (or the full record as JSON)."""

from __future__ import annotations

import sys

import click

from narrascope.api_functions import load_pipeline, open_store, read_articles
from narrascope.cli.options import json_option, settings_options
from narrascope.cli.report import print_article
from narrascope.config.settings import Settings
from narrascope.doc import Article


@click.command()
@click.argument("path", type=click.Path())
@json_option
@click.option("--store/--no-store", "store_it", default=True, show_default=True, help="Also keep the result in the store.")
@settings_options
def analyze(path: str, as_json: bool, store_it: bool, settings: Settings) -> None:
    """Analyse the article(s) in PATH (text, HTML, JSONL, CSV or feed file) and report what was found.

    Inputs that cannot be read, and components that failed on an article, are listed on stderr
    and make the exit code 1; the articles are still reported (and stored) with what did work.
    """
    articles: list[Article] = []
    failures = []
    for item in read_articles([path], settings):
        (articles if isinstance(item, Article) else failures).append(item)
    if articles:
        pipeline = load_pipeline(settings)
        articles = list(pipeline.pipe(articles, batch_size=settings.pipeline.batch_size))
        if store_it:
            with open_store(settings=settings) as store:
                store.put(articles)
    for article in articles:
        if as_json:
            click.echo(article.model_dump_json(indent=2))
        else:
            print_article(article)
    for failure in failures:
        click.echo(f"Error: [{failure.code}] {failure.source}: {failure.message}", err=True)
    failed_components = [(article, note) for article in articles for note in article.failed_notes]
    for article, note in failed_components:
        click.echo(f"Error: [{note.code or 'E000'}] article {article.id}: component {note.component} failed: {note.message}", err=True)
    if failures or failed_components:
        sys.exit(1)
