"""What the routes share: one store per worker thread, and the pipeline loaded once per app."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from narrascope.config.settings import Settings
from narrascope.doc import Article
from narrascope.store.base import Store
from narrascope.store.queries import AggregateCache, Corpus, corpus_for

if TYPE_CHECKING:
    from narrascope.pipeline.pipeline import Pipeline

__all__ = ["StoreProvider", "PipelineHolder", "AppState"]


class StoreProvider:
    """Opens one store per thread with ``factory`` (SQLite connections are single-thread)."""

    def __init__(self, factory: Callable[[], Store], *, cache: AggregateCache | None = None) -> None:
        self._factory = factory
        self._cache = cache
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[Store] = []

    def store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._factory()
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return store

    def corpus(self) -> Corpus:
        return corpus_for(self.store(), cache=self._cache)

    def close_all(self) -> None:
        """Close every store that was opened (closing from another thread is tolerated)."""
        with self._lock:
            opened, self._opened = self._opened, []
        for store in opened:
            try:
                store.close()
            except Exception:  # noqa: BLE001 - shutdown: a connection owned by a dead thread
                pass


class PipelineHolder:
    """Loads the configured pipeline on first use (spaCy and models load once) and serialises calls."""

    def __init__(self, settings: Settings, pipeline: "Pipeline | None" = None) -> None:
        self._settings = settings
        self._pipeline = pipeline
        self._lock = threading.Lock()

    def analyze(self, article: Article) -> Article:
        with self._lock:
            if self._pipeline is None:
                from narrascope.api_functions import load_pipeline

                self._pipeline = load_pipeline(self._settings)
            return self._pipeline(article)


class AppState:
    """Everything a request needs, kept on ``app.state.narrascope``."""

    def __init__(self, settings: Settings, stores: StoreProvider, pipeline: PipelineHolder) -> None:
        self.settings = settings
        self.stores = stores
        self.pipeline = pipeline
