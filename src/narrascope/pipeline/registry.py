"""Component factories by registered name.

A :class:`Registry` maps a component name to the dotted path of its class; the
class is imported only when a pipeline that uses it is built, so importing
narrascope never loads a model.  :func:`default_registry` returns a fresh
registry with the built-in components; users add their own with
:meth:`Registry.register` and pass the registry in.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from narrascope.errors import Codes, ConfigError
from narrascope.pipeline.component import Component

__all__ = ["Registry", "default_registry", "BUILTIN_COMPONENTS"]

#: name -> "module:Class" of the built-in components.
BUILTIN_COMPONENTS: dict[str, str] = {
    "language": "narrascope.components.language:LanguageIdentifier",
    "entities": "narrascope.components.entities:EntityRecognizer",
    "embeddings": "narrascope.components.embeddings:SentenceEmbedder",
    "roles": "narrascope.roles.component:RoleLabeler",
    "narratives": "narrascope.components.narratives:NarrativeClassifier",
    "techniques": "narrascope.components.techniques:TechniqueDetector",
    "genre": "narrascope.components.genre:GenreClassifier",
}


class Registry:
    def __init__(self, factories: dict[str, str | Callable[..., Component]] | None = None) -> None:
        self._factories: dict[str, str | Callable[..., Component]] = dict(factories or {})

    def register(self, name: str, factory: str | Callable[..., Component]) -> None:
        self._factories[name] = factory

    def names(self) -> list[str]:
        return sorted(self._factories)

    def factory(self, name: str) -> Callable[..., Component]:
        try:
            target = self._factories[name]
        except KeyError:
            raise ConfigError(
                f"unknown component {name!r}; known: {', '.join(self.names())}",
                code=Codes.UNKNOWN_COMPONENT,
                source="pipeline.components",
            ) from None
        if isinstance(target, str):
            module_name, _, attr = target.partition(":")
            target = getattr(importlib.import_module(module_name), attr)
        return target

    def create(self, name: str, settings: dict[str, Any]) -> Component:
        factory = self.factory(name)
        try:
            return factory(**settings)
        except TypeError as exc:
            raise ConfigError(f"bad settings for component {name!r}: {exc}", source=f"components.{name}") from exc


def default_registry() -> Registry:
    return Registry(BUILTIN_COMPONENTS)
