"""Commands over the store: ``show``, ``list``, ``search``, ``export``, ``schema``."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from narrascope.api_functions import open_store
from narrascope.cli.options import json_option, settings_options
from narrascope.cli.report import print_article
from narrascope.config.settings import Settings
from narrascope.doc import article_json_schema


@click.command()
@click.argument("article_id")
@json_option
@settings_options
def show(article_id: str, as_json: bool, settings: Settings) -> None:
    """Show one stored article with everything found in it."""
    with open_store(settings=settings) as store:
        article = store.get(article_id)
    if as_json:
        click.echo(article.model_dump_json(indent=2))
    else:
        print_article(article)


@click.command("list")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--offset", default=0, type=click.IntRange(0))
@click.option("--language", help="Only articles in this language (ISO 639-1).")
@click.option("--source", help="Only articles from this outlet.")
@click.option("--since", help="Published on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Published on or before this date (YYYY-MM-DD).")
@json_option
@settings_options
def list_articles(
    limit: int, offset: int, language: str | None, source: str | None, since: str | None, until: str | None,
    as_json: bool, settings: Settings,
) -> None:
    """List stored articles, newest first."""
    with open_store(settings=settings) as store:
        rows = store.list(limit=limit, offset=offset, language=language, source=source, since=since, until=until)
        total = store.count()
    if as_json:
        click.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2, default=str))
        return
    table = Table(title=f"{len(rows)} of {total} article(s)", title_justify="left")
    for col in ("Id", "Published", "Lang", "Source", "Entities", "Status", "Title"):
        table.add_column(col)
    for r in rows:
        table.add_row(r.id, r.published or "", r.language or "", Text(r.source or ""), str(r.n_entities), r.status, Text(r.title or ""))
    Console().print(table)


@click.command()
@click.argument("query")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--raw", is_flag=True, help="Pass QUERY to SQLite FTS5 as it is (AND/OR/NEAR, prefix*, \"phrases\").")
@json_option
@settings_options
def search(query: str, limit: int, raw: bool, as_json: bool, settings: Settings) -> None:
    """Full-text search over titles and clean texts."""
    with open_store(settings=settings) as store:
        hits = store.search(query, limit=limit, raw=raw)
    if as_json:
        click.echo(json.dumps([asdict(h) for h in hits], ensure_ascii=False, indent=2, default=str))
        return
    table = Table(title=f"{len(hits)} hit(s) for {query!r}", title_justify="left")
    for col in ("Id", "Title", "Snippet"):
        table.add_column(col)
    for h in hits:
        table.add_row(h.id, Text(h.title or ""), Text(h.snippet or ""))
    Console().print(table)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl", show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False), help="Output file (default: standard output; parquet needs a file).")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@settings_options
def export(fmt: str, out: str | None, force: bool, settings: Settings) -> None:
    """Export the stored articles (JSONL: full records; CSV/Parquet: one row per article)."""
    from narrascope.export import export_articles

    with open_store(settings=settings) as store:
        n = export_articles(store, Path(out) if out else None, format=fmt, force=force)
    if out:
        click.echo(f"Wrote {n} article(s) to {out}", err=True)


@click.command()
def schema() -> None:
    """Print the JSON schema of the article record."""
    click.echo(json.dumps(article_json_schema(), indent=2))
