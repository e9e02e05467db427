"""The typed Python API behind the CLI (and later the REST API).

Heavy modules (spaCy, onnxruntime, the store) are imported inside the functions so that
``import narrascope`` stays cheap and loads no model.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from narrascope.config.settings import Settings, load_settings
from narrascope.doc import Article, ArticleMeta

if TYPE_CHECKING:
    from narrascope.ingest.readers import ReadFailure
    from narrascope.pipeline.pipeline import Pipeline
    from narrascope.pipeline.registry import Registry
    from narrascope.store.base import Store

__all__ = ["load_pipeline", "analyze", "read_articles", "open_store"]


def load_pipeline(settings: Settings | None = None, *, registry: "Registry | None" = None) -> "Pipeline":
    """Build the configured pipeline (models load here, once)."""
    from narrascope.pipeline.pipeline import Pipeline

    return Pipeline.from_settings(settings or load_settings(), registry=registry)


def read_articles(paths: Iterable[str | Path], settings: Settings | None = None) -> Iterator["Article | ReadFailure"]:
    """Read articles from files, directories, JSONL/CSV files and feeds; failures are yielded, not raised."""
    from narrascope.ingest.readers import read_paths

    return read_paths(paths, (settings or load_settings()).ingest)


def analyze(
    text: str | Article,
    *,
    pipeline: "Pipeline | None" = None,
    settings: Settings | None = None,
    meta: ArticleMeta | None = None,
) -> Article:
    """Analyse one article given as text (title on the first line) or as an :class:`Article`."""
    from narrascope.ingest.make import make_article

    settings = settings or load_settings()
    if isinstance(text, str):
        article = make_article(text, meta=meta, remove_boilerplate=settings.ingest.remove_boilerplate)
    else:
        article = text
    pipeline = pipeline or load_pipeline(settings)
    return pipeline(article)


def analyze_many(articles: Sequence[Article], *, pipeline: "Pipeline", batch_size: int = 16) -> list[Article]:
    return list(pipeline.pipe(articles, batch_size=batch_size))


def open_store(location: str | Path | None = None, *, settings: Settings | None = None) -> "Store":
    """Open (creating and migrating if needed) the store at ``location`` or the configured one."""
    from narrascope.store import open_store as _open

    if location is None:
        location = (settings or load_settings()).store.resolved()
    return _open(location)
