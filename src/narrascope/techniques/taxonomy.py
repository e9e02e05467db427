"""The persuasion-technique taxonomy: a JSON file shipped in ``narrascope/taxonomy/`` that users may replace."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from narrascope.errors import Codes, InputError
from narrascope.taxonomy.files import read_taxonomy_json

__all__ = ["Technique", "TechniqueTaxonomy", "load_techniques", "default_taxonomy_path"]


@dataclass(frozen=True)
class Technique:
    name: str
    category: str
    definition: str
    span_localisable: bool = False


@dataclass(frozen=True)
class TechniqueTaxonomy:
    techniques: tuple[Technique, ...]
    categories: dict[str, str]
    version: str = ""

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.techniques]

    def get(self, name: str) -> Technique | None:
        return next((t for t in self.techniques if t.name == name), None)

    def __contains__(self, name: object) -> bool:
        return any(t.name == name for t in self.techniques)


def default_taxonomy_path() -> Path:
    return Path(__file__).resolve().parent.parent / "taxonomy" / "techniques.json"


def load_techniques(path: str | Path | None = None) -> TechniqueTaxonomy:
    """Read a technique taxonomy file (default: the packaged one); raise :class:`InputError` naming the file."""
    path = Path(path) if path is not None else default_taxonomy_path()
    source = str(path)
    data = read_taxonomy_json(path, "technique taxonomy")
    if not isinstance(data, dict) or not isinstance(data.get("techniques"), list) or not data["techniques"]:
        raise InputError("expected an object with a non-empty 'techniques' list", source=source)
    categories = data.get("categories") or {}
    techniques: list[Technique] = []
    seen: set[str] = set()
    for i, item in enumerate(data["techniques"]):
        where = f"{source}: techniques[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise InputError("each technique needs a non-empty 'name'", source=where)
        name = item["name"].strip()
        if name in seen:
            raise InputError(f"technique {name!r} is listed twice", code=Codes.BAD_LABEL, source=where)
        seen.add(name)
        category = str(item.get("category", ""))
        if categories and category not in categories:
            raise InputError(f"technique {name!r} has unknown category {category!r}", code=Codes.BAD_LABEL, source=where)
        techniques.append(
            Technique(
                name=name,
                category=category,
                definition=str(item.get("definition", "")),
                span_localisable=bool(item.get("span_localisable", False)),
            )
        )
    return TechniqueTaxonomy(techniques=tuple(techniques), categories=dict(categories), version=str(data.get("version", "")))
