"""The resumable corpus run: read → skip stored ids → analyse (any executor) → store per batch → duplicates.

Results are keyed by article id in the store and every analysed batch is stored in one
transaction, so an interruption (Ctrl-C, kill -9, a lost cluster) loses at most the
batches in flight and the same call resumes: ids already stored are not analysed again.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narrascope.config.settings import Settings
from narrascope.doc import Article
from narrascope.errors import StoreError
from narrascope.pipeline.component import batched
from narrascope.scale.executors import make_executor
from narrascope.scale.stage import PipelineStage, Stage

if TYPE_CHECKING:
    from narrascope.dedup.index import DedupSummary
    from narrascope.ingest.failure import ReadFailure
    from narrascope.store.base import Store

__all__ = ["RunSummary", "RunProgress", "ArticleFailure", "run_corpus", "estimate_records"]


@dataclass(frozen=True)
class ArticleFailure:
    """An article stored with status failed: the first failed component note."""

    id: str
    component: str
    code: str | None
    message: str


@dataclass
class RunProgress:
    analysed: int  # articles analysed and stored in this run
    skipped: int  # already stored (not analysed again)
    failed_inputs: int
    total_estimate: int | None  # records in the inputs, estimated before the run
    elapsed: float  # seconds


@dataclass
class RunSummary:
    engine: str
    workers: int
    components: list[str] = field(default_factory=list)
    read: int = 0
    analysed: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed_inputs: list["ReadFailure"] = field(default_factory=list)
    failed_articles: list[ArticleFailure] = field(default_factory=list)
    duplicates: "DedupSummary | None" = None
    seconds: float = 0.0
    analyse_seconds: float = 0.0

    @property
    def articles_per_second(self) -> float:
        return self.analysed / self.analyse_seconds if self.analyse_seconds > 0 else 0.0


def estimate_records(paths: Iterable[str | Path]) -> int:
    """A quick count of the records in ``paths`` (files; lines of JSONL/CSV; rows of Parquet) for an ETA."""
    total = 0
    for item in paths:
        path = Path(item)
        files: Iterable[Path]
        if path.is_dir():
            files = (Path(root) / name for root, dirs, names in os.walk(path) for name in names if not name.startswith("."))
        else:
            files = [path]
        for file in files:
            total += _records_in(file)
    return total


def _records_in(path: Path) -> int:
    suffix = path.suffix.lower()
    try:
        if suffix in (".jsonl", ".ndjson", ".csv"):
            lines = 0
            with open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    lines += chunk.count(b"\n")
            return max(lines - (1 if suffix == ".csv" else 0), 1)
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(path).metadata.num_rows)
    except Exception:  # noqa: BLE001 - only an estimate; the reader reports the real problem
        return 1
    return 1


def run_corpus(
    paths: Iterable[str | Path],
    *,
    store: "Store",
    settings: Settings,
    engine: str = "local",
    workers: int = 1,
    address: str | None = None,
    reanalyze: bool = False,
    duplicates: bool = True,
    stage: Stage | None = None,
    progress: Callable[[RunProgress], None] | None = None,
    total_estimate: int | None = None,
    parquet_dir: str | Path | None = None,
) -> RunSummary:
    """Analyse every article of ``paths`` not yet in ``store`` with the configured pipeline and store it.

    ``engine``: ``local``, ``multiprocess`` (``workers`` processes) or ``ray`` (cluster at ``address``).
    Read failures and failed articles are listed in the summary; none stops the run.  With
    ``duplicates`` the near-duplicate clusters are updated for the articles stored in this run (SQLite
    stores; other backends leave ``summary.duplicates`` None).
    ``parquet_dir``: also write every stored batch there as a Parquet part (bulk loading elsewhere).
    Raises StoreError when the store cannot be written (nothing of the failing batch is kept).
    """
    if getattr(store, "read_only", False):
        raise StoreError("the store is opened read-only; a run must write to it", source=store.location)
    paths = list(paths)
    started = time.perf_counter()
    stage = stage or PipelineStage.from_settings(settings, workers=workers if engine != "local" else 1)
    summary = RunSummary(engine=engine, workers=workers if engine != "local" else 1, components=list(settings.pipeline.components))
    seen: set[str] = set()
    stored_ids: list[str] = []

    def report() -> None:
        if progress is not None:
            progress(
                RunProgress(
                    analysed=summary.analysed,
                    skipped=summary.skipped,
                    failed_inputs=len(summary.failed_inputs),
                    total_estimate=total_estimate,
                    elapsed=time.perf_counter() - started,
                )
            )

    def pending() -> Iterator[list[dict[str, Any]]]:
        from narrascope.ingest.readers import read_paths

        for batch in batched(read_paths(paths, settings.ingest), settings.pipeline.batch_size):
            articles: list[Article] = []
            for item in batch:
                if isinstance(item, Article):
                    articles.append(item)
                else:
                    summary.failed_inputs.append(item)
            summary.read += len(articles)
            unique: dict[str, Article] = {}
            for article in articles:
                if article.id in seen:
                    summary.skipped += 1
                else:
                    seen.add(article.id)
                    unique[article.id] = article
            if not reanalyze and unique:
                present = store.has(unique)
                summary.skipped += len(present)
                for article_id in present:
                    del unique[article_id]
            if unique:
                yield [article.model_dump(mode="json") for article in unique.values()]
            else:
                report()

    sink = None
    if parquet_dir is not None:
        from narrascope.scale.parquet_sink import ParquetSink

        sink = ParquetSink(parquet_dir)
    analyse_started = time.perf_counter()
    with make_executor(engine, stage, workers=workers, address=address) as executor:
        try:
            _store_results(executor, pending(), store, summary, stored_ids, report, sink)
        except KeyboardInterrupt:
            failure = getattr(executor, "failure", None)  # a lost cluster interrupts the main thread
            if failure is not None:
                raise failure from None
            raise
    summary.analyse_seconds = time.perf_counter() - analyse_started
    if duplicates and hasattr(store, "write_transaction"):  # the index lives in SQLite stores only (for now)
        from narrascope.dedup.index import update_duplicates

        summary.duplicates = update_duplicates(store, touched=stored_ids)
    summary.seconds = time.perf_counter() - started
    return summary


def _store_results(
    executor: Any,
    batches: Iterator[list[dict[str, Any]]],
    store: "Store",
    summary: RunSummary,
    stored_ids: list[str],
    report: Callable[[], None],
    sink: Any = None,
) -> None:
    """Store every analysed batch in one transaction as it comes back."""
    for records in executor.map(batches):
        analysed = [Article.model_validate(record) for record in records]
        result = store.put(analysed)
        if sink is not None:  # after the store commit: a part is never ahead of the store
            sink.write(analysed)
        summary.inserted += result.inserted
        summary.updated += result.updated
        summary.unchanged += result.unchanged
        summary.analysed += len(analysed)
        stored_ids.extend(a.id for a in analysed)
        for article in analysed:
            failed = next(iter(article.failed_notes), None)
            if failed is not None:
                summary.failed_articles.append(ArticleFailure(article.id, failed.component, failed.code, failed.message))
        report()
