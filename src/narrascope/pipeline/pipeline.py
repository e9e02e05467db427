"""The pipeline container: ordered components, checked, run in batches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from narrascope.config.settings import Settings
from narrascope.doc import Article
from narrascope.errors import Codes, NarrascopeError, PipelineError
from narrascope.pipeline.component import Component, batched
from narrascope.pipeline.registry import Registry, default_registry

__all__ = ["Pipeline", "BASE_FIELDS"]

#: Article fields set when an article is made (by a reader), before any component runs.
BASE_FIELDS = frozenset({"id", "title", "raw_text", "text", "body_start", "offset_map", "removed", "meta"})


class Pipeline:
    """Runs components in order.  ``requires``/``assigns`` are checked at construction."""

    def __init__(self, components: Sequence[Component]) -> None:
        self.components = list(components)
        self.check()

    @classmethod
    def from_settings(cls, settings: Settings, *, registry: Registry | None = None) -> "Pipeline":
        registry = registry or default_registry()
        components = [
            registry.create(name, dict(settings.components.get(name, {}))) for name in settings.pipeline.components
        ]
        return cls(components)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.components]

    def check(self) -> None:
        available = set(BASE_FIELDS)
        seen: set[str] = set()
        for component in self.components:
            if component.name in seen:
                raise PipelineError(f"component {component.name!r} appears twice", source="pipeline.components")
            seen.add(component.name)
            missing = [field for field in component.requires if field not in available]
            if missing:
                raise PipelineError(
                    f"component {component.name!r} requires {', '.join(missing)}, "
                    f"which no earlier component assigns (pipeline: {', '.join(self.names)})",
                    code=Codes.MISSING_REQUIREMENT,
                    source="pipeline.components",
                )
            available.update(component.assigns)

    def __call__(self, article: Article) -> Article:
        return next(iter(self.pipe([article])))

    def pipe(self, articles: Iterable[Article], *, batch_size: int = 32) -> Iterator[Article]:
        """Analyse ``articles``.  A component failing on one article marks that article failed
        (a ``failed`` note with the error code) and the others go on."""
        for batch in batched(articles, batch_size):
            live = [a for a in batch if not a.failed_notes]
            for component in self.components:
                live = self._run_component(component, live, batch_size)
            yield from batch

    def _run_component(self, component: Component, articles: list[Article], batch_size: int) -> list[Article]:
        if not articles:
            return articles
        try:
            return list(component.pipe(articles, batch_size=batch_size))
        except Exception:  # noqa: BLE001 - declared boundary: retry one by one to isolate the bad article
            pass
        survivors = []
        for article in articles:
            try:
                survivors.extend(component.pipe([article], batch_size=1))
            except Exception as exc:  # noqa: BLE001 - the failure is stored on the article
                code = exc.code if isinstance(exc, NarrascopeError) else "E000"
                article.note(component.name, "failed", f"{type(exc).__name__}: {exc}", code=code)
        return survivors

