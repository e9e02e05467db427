"""The narrative taxonomy: a data file (``narratives.json``) loaded and validated.

Layout (all keys required unless marked optional)::

    {"name": ..., "version": ..., "other_label": "Other", "other_definition": ...,
     "domains":       [{"code": "URW", "name": ..., "definition": ...}, ...],
     "narratives":    [{"label": "URW: Discrediting Ukraine", "domain": "URW", "definition": ...}, ...],
     "subnarratives": [{"label": "URW: Discrediting Ukraine: Ukraine is associated with nazism",
                        "narrative": "URW: Discrediting Ukraine", "definition": ...,
                        "official": false  (optional; default true)}, ...]}

Labels are written the SemEval way: ``"<domain>: <narrative>"`` and
``"<narrative label>: <sub-narrative>"``; a sub-narrative called ``Other`` stands for
"the narrative, without a listed sub-narrative".  The single ``other_label`` means "no
narrative of the taxonomy" and excludes every other label.  On load every label must
be unique, every parent must exist (no dangling references) and every label must
start with its parent's label; each problem raises :class:`InputError` naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from narrascope.errors import Codes, InputError
from narrascope.taxonomy.files import read_taxonomy_json

__all__ = [
    "Domain",
    "Narrative",
    "SubNarrative",
    "NarrativeTaxonomy",
    "load_narrative_taxonomy",
    "narrative_taxonomy_from_dict",
    "default_narrative_taxonomy_path",
]

_SEP = ": "


@dataclass(frozen=True)
class Domain:
    code: str
    name: str
    definition: str


@dataclass(frozen=True)
class Narrative:
    label: str  # "URW: Discrediting Ukraine"
    domain: str  # "URW"
    definition: str

    @property
    def name(self) -> str:
        return self.label[len(self.domain) + len(_SEP) :]


@dataclass(frozen=True)
class SubNarrative:
    label: str  # "URW: Discrediting Ukraine: Ukraine is associated with nazism"
    narrative: str  # parent narrative label
    definition: str
    official: bool = True  # in the task's scoring list

    @property
    def name(self) -> str:
        return self.label[len(self.narrative) + len(_SEP) :]

    @property
    def is_other(self) -> bool:
        return self.name == "Other"


@dataclass(frozen=True)
class NarrativeTaxonomy:
    """Domains, narratives (coarse labels) and sub-narratives (fine labels), in file order."""

    name: str
    version: str
    other_label: str
    other_definition: str
    domains: tuple[Domain, ...]
    narratives: tuple[Narrative, ...]
    subnarratives: tuple[SubNarrative, ...]
    source: str = "<packaged>"
    _narr: dict[str, Narrative] = field(default_factory=dict, repr=False, compare=False)
    _sub: dict[str, SubNarrative] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._narr.update({n.label: n for n in self.narratives})
        self._sub.update({s.label: s for s in self.subnarratives})

    # -- label lists (the order models use) -------------------------------
    @property
    def domain_codes(self) -> tuple[str, ...]:
        return tuple(d.code for d in self.domains)

    @property
    def coarse_labels(self) -> tuple[str, ...]:
        """Narrative labels plus ``other_label`` (last)."""
        return tuple(n.label for n in self.narratives) + (self.other_label,)

    @property
    def fine_labels(self) -> tuple[str, ...]:
        """Sub-narrative labels plus ``other_label`` (last)."""
        return tuple(s.label for s in self.subnarratives) + (self.other_label,)

    def official_labels(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(coarse, fine) label lists a SemEval scorer uses (labels marked ``official: false`` left out)."""
        fine = tuple(s.label for s in self.subnarratives if s.official) + (self.other_label,)
        return self.coarse_labels, fine

    # -- lookups -----------------------------------------------------------
    def is_coarse(self, label: str) -> bool:
        return label in self._narr or label == self.other_label

    def is_fine(self, label: str) -> bool:
        return label in self._sub or label == self.other_label

    def narrative(self, label: str) -> Narrative:
        try:
            return self._narr[label]
        except KeyError:
            raise InputError(f"unknown narrative {label!r}", code=Codes.BAD_LABEL, source=self.source) from None

    def subnarrative(self, label: str) -> SubNarrative:
        try:
            return self._sub[label]
        except KeyError:
            raise InputError(f"unknown sub-narrative {label!r}", code=Codes.BAD_LABEL, source=self.source) from None

    def parent(self, fine_label: str) -> str:
        """The narrative label of a sub-narrative (``other_label`` maps to itself)."""
        if fine_label == self.other_label:
            return self.other_label
        return self.subnarrative(fine_label).narrative

    def domain_of(self, label: str) -> str:
        """The domain code of a narrative or sub-narrative; ``"Other"`` for ``other_label``."""
        if label == self.other_label:
            return "Other"
        if label in self._sub:
            label = self._sub[label].narrative
        return self.narrative(label).domain

    def children(self, narrative_label: str) -> tuple[str, ...]:
        return tuple(s.label for s in self.subnarratives if s.narrative == narrative_label)

    def other_child(self, narrative_label: str) -> str | None:
        """``"<narrative>: Other"`` if the taxonomy has it."""
        label = f"{narrative_label}{_SEP}Other"
        return label if label in self._sub else None

    def definition(self, label: str) -> str:
        if label == self.other_label:
            return self.other_definition
        if label in self._sub:
            return self._sub[label].definition
        return self.narrative(label).definition

    def short_name(self, label: str) -> str:
        """The last part of a label (``"Ukraine is associated with nazism"``)."""
        if label in self._sub:
            sub = self._sub[label]
            return f"{self._narr[sub.narrative].name}: {sub.name}" if sub.is_other else sub.name
        if label in self._narr:
            return self._narr[label].name
        return label

    def check_labels(self, coarse: list[str], fine: list[str], *, source: str) -> None:
        """Raise ``InputError`` (N011) naming ``source`` for a label the taxonomy lacks."""
        for label in coarse:
            if not self.is_coarse(label):
                raise InputError(
                    f"narrative {label!r} is not in the taxonomy ({self.source})", code=Codes.BAD_LABEL, source=source
                )
        for label in fine:
            if not self.is_fine(label):
                raise InputError(
                    f"sub-narrative {label!r} is not in the taxonomy ({self.source})",
                    code=Codes.BAD_LABEL,
                    source=source,
                )

    def to_dict(self) -> dict[str, Any]:
        """The JSON layout (round-trips through :func:`narrative_taxonomy_from_dict`)."""
        subs = []
        for s in self.subnarratives:
            row: dict[str, Any] = {"label": s.label, "narrative": s.narrative, "definition": s.definition}
            if not s.official:
                row["official"] = False
            subs.append(row)
        return {
            "name": self.name,
            "version": self.version,
            "other_label": self.other_label,
            "other_definition": self.other_definition,
            "domains": [{"code": d.code, "name": d.name, "definition": d.definition} for d in self.domains],
            "narratives": [{"label": n.label, "domain": n.domain, "definition": n.definition} for n in self.narratives],
            "subnarratives": subs,
        }


def default_narrative_taxonomy_path() -> Path:
    return Path(str(resources.files("narrascope.taxonomy").joinpath("narratives.json")))


def load_narrative_taxonomy(path: str | Path | None = None) -> NarrativeTaxonomy:
    """Load and validate a taxonomy file (default: the packaged one)."""
    path = Path(path) if path is not None else default_narrative_taxonomy_path()
    source = str(path)
    data = read_taxonomy_json(path, "taxonomy")
    return narrative_taxonomy_from_dict(data, source=source)


def _text(entry: dict[str, Any], key: str, where: str, source: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: {key!r} must be a non-empty string", code=Codes.BAD_RECORD, source=source)
    return value


def _entries(data: dict[str, Any], key: str, source: str) -> list[dict[str, Any]]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InputError(f"{key!r} must be a list of objects", code=Codes.BAD_RECORD, source=source)
    return value


def narrative_taxonomy_from_dict(data: Any, *, source: str = "<dict>") -> NarrativeTaxonomy:
    """Build and validate a taxonomy from its JSON layout."""
    if not isinstance(data, dict):
        raise InputError("taxonomy must be a JSON object", code=Codes.BAD_RECORD, source=source)
    other = data.get("other_label", "Other")
    if not isinstance(other, str) or not other.strip():
        raise InputError("'other_label' must be a non-empty string", code=Codes.BAD_RECORD, source=source)
    seen: set[str] = {other}

    def unique(label: str, what: str) -> None:
        if label in seen:
            raise InputError(f"duplicate {what} label {label!r}", code=Codes.BAD_LABEL, source=source)
        seen.add(label)

    domains: list[Domain] = []
    codes: set[str] = set()
    for i, d in enumerate(_entries(data, "domains", source)):
        code = _text(d, "code", f"domains[{i}]", source)
        if code in codes or code == other:
            raise InputError(f"duplicate domain code {code!r}", code=Codes.BAD_LABEL, source=source)
        codes.add(code)
        domains.append(Domain(code, _text(d, "name", f"domains[{i}]", source), d.get("definition", "")))
    if not domains:
        raise InputError("the taxonomy has no domains", code=Codes.BAD_RECORD, source=source)

    narratives: list[Narrative] = []
    for i, n in enumerate(_entries(data, "narratives", source)):
        label = _text(n, "label", f"narratives[{i}]", source)
        domain = _text(n, "domain", f"narratives[{i}] {label!r}", source)
        if domain not in codes:
            raise InputError(
                f"narrative {label!r} refers to domain {domain!r}, which is not defined (dangling)",
                code=Codes.BAD_LABEL,
                source=source,
            )
        if not label.startswith(domain + _SEP) or len(label) <= len(domain) + len(_SEP):
            raise InputError(
                f"narrative label {label!r} must start with its domain: {domain + _SEP!r}",
                code=Codes.BAD_LABEL,
                source=source,
            )
        unique(label, "narrative")
        narratives.append(Narrative(label, domain, _text(n, "definition", f"narrative {label!r}", source)))
    if not narratives:
        raise InputError("the taxonomy has no narratives", code=Codes.BAD_RECORD, source=source)

    known = {n.label for n in narratives}
    subs: list[SubNarrative] = []
    for i, s in enumerate(_entries(data, "subnarratives", source)):
        label = _text(s, "label", f"subnarratives[{i}]", source)
        parent = _text(s, "narrative", f"subnarratives[{i}] {label!r}", source)
        if parent not in known:
            raise InputError(
                f"sub-narrative {label!r} refers to narrative {parent!r}, which is not defined (dangling)",
                code=Codes.BAD_LABEL,
                source=source,
            )
        if not label.startswith(parent + _SEP) or len(label) <= len(parent) + len(_SEP):
            raise InputError(
                f"sub-narrative label {label!r} must start with its narrative: {parent + _SEP!r}",
                code=Codes.BAD_LABEL,
                source=source,
            )
        unique(label, "sub-narrative")
        official = s.get("official", True)
        if not isinstance(official, bool):
            raise InputError(f"sub-narrative {label!r}: 'official' must be true or false", source=source)
        subs.append(SubNarrative(label, parent, _text(s, "definition", f"sub-narrative {label!r}", source), official))

    return NarrativeTaxonomy(
        name=str(data.get("name", "narratives")),
        version=str(data.get("version", "")),
        other_label=other,
        other_definition=str(data.get("other_definition", "No narrative of the taxonomy.")),
        domains=tuple(domains),
        narratives=tuple(narratives),
        subnarratives=tuple(subs),
        source=source,
    )
