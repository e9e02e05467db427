"""The entity-role taxonomy: a data file (``roles.json``) loaded and validated.

The shipped file names the three main roles and the 22 fine roles of SemEval-2025
Task 10 subtask 1 with definitions and examples written for narrascope.  Users can
point to their own file with the same layout (``load_role_taxonomy(path)``); it is
checked on load and every problem is reported with the file it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from narrascope.errors import Codes, InputError
from narrascope.taxonomy.files import read_taxonomy_json

__all__ = ["MAIN_ROLES", "RoleDef", "RoleExample", "RoleTaxonomy", "load_role_taxonomy", "default_taxonomy_path"]

#: The main roles of the data model (``narrascope.doc.MainRole``), in a fixed order.
MAIN_ROLES: tuple[str, ...] = ("Protagonist", "Antagonist", "Innocent")


@dataclass(frozen=True)
class RoleExample:
    text: str
    entity: str


@dataclass(frozen=True)
class RoleDef:
    name: str
    main_role: str
    definition: str
    examples: tuple[RoleExample, ...] = ()


@dataclass(frozen=True)
class RoleTaxonomy:
    """Main roles and fine roles; ``fine_roles`` keeps the file's order (the label order of models)."""

    name: str
    version: str
    main_definitions: dict[str, str]
    roles: tuple[RoleDef, ...]
    source: str = "<packaged>"
    _by_name: dict[str, RoleDef] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_name.update({r.name: r for r in self.roles})

    @property
    def main_roles(self) -> tuple[str, ...]:
        return tuple(m for m in MAIN_ROLES if m in self.main_definitions)

    @property
    def fine_roles(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.roles)

    def main_of(self, fine_role: str) -> str:
        """The main role a fine role belongs to (``InputError`` if unknown)."""
        try:
            return self._by_name[fine_role].main_role
        except KeyError:
            raise InputError(
                f"unknown fine role {fine_role!r}; known: {', '.join(self.fine_roles)}",
                code=Codes.BAD_LABEL,
                source=self.source,
            ) from None

    def fine_of(self, main_role: str) -> tuple[str, ...]:
        return tuple(r.name for r in self.roles if r.main_role == main_role)

    def is_fine(self, name: str) -> bool:
        return name in self._by_name

    def get(self, name: str) -> RoleDef:
        self.main_of(name)
        return self._by_name[name]


def default_taxonomy_path() -> Path:
    return Path(str(resources.files("narrascope.taxonomy").joinpath("roles.json")))


def load_role_taxonomy(path: str | Path | None = None) -> RoleTaxonomy:
    """Load and validate a role taxonomy (default: the packaged ``roles.json``)."""
    path = Path(path) if path is not None else default_taxonomy_path()
    source = str(path)
    data = read_taxonomy_json(path, "role taxonomy")
    return parse_role_taxonomy(data, source=source)


def _need(obj: Any, key: str, kind: type, where: str, source: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise InputError(f"{where}: missing key {key!r}", source=source)
    value = obj[key]
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        raise InputError(f"{where}.{key}: expected a non-empty {kind.__name__}", source=source)
    return value


def parse_role_taxonomy(data: Any, *, source: str = "<dict>") -> RoleTaxonomy:
    """Validate a taxonomy given as a parsed JSON object."""
    if not isinstance(data, dict):
        raise InputError("role taxonomy must be a JSON object", source=source)
    name = _need(data, "name", str, "taxonomy", source)
    version = str(data.get("version", "0"))
    mains = _need(data, "main_roles", list, "taxonomy", source)
    main_definitions: dict[str, str] = {}
    for i, item in enumerate(mains):
        main = _need(item, "name", str, f"main_roles[{i}]", source)
        if main not in MAIN_ROLES:
            raise InputError(
                f"main_roles[{i}]: {main!r} is not a main role (expected one of {', '.join(MAIN_ROLES)})",
                code=Codes.BAD_LABEL,
                source=source,
            )
        if main in main_definitions:
            raise InputError(f"main_roles[{i}]: {main!r} appears twice", code=Codes.BAD_LABEL, source=source)
        main_definitions[main] = _need(item, "definition", str, f"main_roles[{i}]", source)
    roles: list[RoleDef] = []
    seen: set[str] = set()
    for i, item in enumerate(_need(data, "roles", list, "taxonomy", source)):
        where = f"roles[{i}]"
        role = _need(item, "name", str, where, source)
        main = _need(item, "main_role", str, where, source)
        if role in seen or role in MAIN_ROLES:
            raise InputError(f"{where}: role name {role!r} is used twice", code=Codes.BAD_LABEL, source=source)
        if main not in main_definitions:
            raise InputError(
                f"{where} ({role}): main_role {main!r} is not one of the declared main roles "
                f"({', '.join(main_definitions)})",
                code=Codes.BAD_LABEL,
                source=source,
            )
        examples = []
        for j, ex in enumerate(item.get("examples", []) or []):
            text = _need(ex, "text", str, f"{where}.examples[{j}]", source)
            entity = _need(ex, "entity", str, f"{where}.examples[{j}]", source)
            if entity not in text:
                raise InputError(f"{where}.examples[{j}]: entity {entity!r} does not occur in its text", source=source)
            examples.append(RoleExample(text=text, entity=entity))
        roles.append(RoleDef(role, main, _need(item, "definition", str, where, source), tuple(examples)))
        seen.add(role)
    for main in main_definitions:
        if not any(r.main_role == main for r in roles):
            raise InputError(f"main role {main!r} has no fine roles", code=Codes.BAD_LABEL, source=source)
    return RoleTaxonomy(name=name, version=version, main_definitions=main_definitions, roles=tuple(roles), source=source)
