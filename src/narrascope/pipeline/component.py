"""The one contract every pipeline component follows.

A component declares the ``Article`` fields it ``requires`` and ``assigns``
(checked when a :class:`~narrascope.pipeline.pipeline.Pipeline` is built) and
the ``languages`` it can handle (``None``: any).  Inference is split into a pure
``predict(articles) -> predictions`` and ``set_annotations(articles,
predictions)``, so batching, evaluation and training reuse the same code.
Articles in a language the component cannot handle get a ``skipped`` note
instead of a guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, ClassVar

from narrascope.doc import Article
from narrascope.errors import ConfigError

__all__ = ["Component", "batched", "check_threads"]


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while batch := list(islice(it, max(size, 1))):
        yield batch


def check_threads(threads: object, component: str) -> int | None:
    """A component's ``threads`` option: ``None`` (the library's default) or a positive integer;
    anything else raises ConfigError naming ``components.<component>.threads``."""
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads < 1):
        raise ConfigError(f"threads must be a positive integer, got {threads!r}", source=f"components.{component}.threads")
    return threads


class Component:
    """Base class: subclasses set ``name``/``assigns``/``requires`` and implement ``predict`` and ``set_annotations``."""

    name: ClassVar[str] = "component"
    assigns: ClassVar[tuple[str, ...]] = ()
    requires: ClassVar[tuple[str, ...]] = ()
    #: ISO 639-1 codes this component handles; ``None`` means every language.
    languages: ClassVar[frozenset[str] | None] = None

    def supports(self, article: Article) -> bool:
        return self.languages is None or article.language in self.languages

    def predict(self, articles: Sequence[Article]) -> list[Any]:
        """Compute predictions for ``articles`` without changing them."""
        raise NotImplementedError

    def set_annotations(self, articles: Sequence[Article], predictions: Sequence[Any]) -> None:
        """Write ``predictions`` onto ``articles`` by assigning whole fields (never appending),
        so that running a component twice on an article gives the same record."""
        raise NotImplementedError

    def __call__(self, article: Article) -> Article:
        return next(iter(self.pipe([article])))

    def pipe(self, articles: Iterable[Article], *, batch_size: int = 32) -> Iterator[Article]:
        for batch in batched(articles, batch_size):
            eligible = [a for a in batch if self.supports(a)]
            eligible_ids = {id(a) for a in eligible}
            for article in batch:
                if id(article) not in eligible_ids:
                    article.note(
                        self.name,
                        "skipped",
                        f"language {article.language!r} is not supported by {self.name} "
                        f"(supported: {', '.join(sorted(self.languages or ()))})",
                    )
            if eligible:
                self.set_annotations(eligible, self.predict(eligible))
            for article in eligible:
                if self.name not in article.components:
                    article.components.append(self.name)
            yield from batch
