"""Read, analyse and store a set of inputs in batches (the library side of ``narrascope ingest``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from narrascope.config.settings import Settings
from narrascope.doc import Article
from narrascope.pipeline.component import batched

if TYPE_CHECKING:
    from narrascope.ingest.readers import ReadFailure
    from narrascope.pipeline.pipeline import Pipeline
    from narrascope.store.base import Store

__all__ = ["IngestSummary", "ingest_paths"]


@dataclass
class IngestSummary:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # already stored, not analysed again
    analysis_failed: int = 0
    failures: list["ReadFailure"] = field(default_factory=list)
    analysis_failures: list[tuple[str, str]] = field(default_factory=list)


def ingest_paths(
    paths: Iterable[str | Path],
    *,
    store: "Store",
    settings: Settings,
    pipeline_factory: Callable[[Settings], "Pipeline"],
    reanalyze: bool = False,
) -> IngestSummary:
    """Read every input, analyse the articles not yet stored, and store them batch by batch.

    The pipeline is built only when there is something to analyse.  Each stored batch is one
    transaction, so an interruption loses at most the batch in flight and a re-run picks up the rest.
    """
    from narrascope.ingest.readers import read_paths

    summary = IngestSummary()
    pipeline: Pipeline | None = None
    for batch in batched(read_paths(paths, settings.ingest), settings.pipeline.batch_size):
        articles: list[Article] = []
        for item in batch:
            if isinstance(item, Article):
                articles.append(item)
            else:
                summary.failures.append(item)
        summary.read += len(articles)
        # the same article twice in one batch is stored once
        unique = list({a.id: a for a in articles}.values())
        if not reanalyze:
            present = store.has(a.id for a in unique)
            summary.skipped += sum(1 for a in unique if a.id in present)
            unique = [a for a in unique if a.id not in present]
        if not unique:
            continue
        if pipeline is None:
            pipeline = pipeline_factory(settings)
        analysed = list(pipeline.pipe(unique, batch_size=settings.pipeline.batch_size))
        for article in analysed:
            failed = [n for n in article.notes if n.status == "failed"]
            if failed:
                summary.analysis_failed += 1
                summary.analysis_failures.append((article.id, f"{failed[0].component}: {failed[0].message}"))
        result = store.put(analysed)
        summary.inserted += result.inserted
        summary.updated += result.updated
        summary.unchanged += result.unchanged
    return summary
