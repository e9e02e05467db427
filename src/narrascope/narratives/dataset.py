"""Labelled training data for the narrative model (the SemEval subtask-2 layout).

A data directory holds ``raw-documents/<ID>.txt`` and ``subtask-2-annotations.txt``
(``ID<TAB>narratives<TAB>sub-narratives``).  Every label must be in the taxonomy
(``InputError`` N011 naming ``file:line`` otherwise).  Label sets are made consistent
with the hierarchy: a sub-narrative adds its narrative, and ``Other`` next to real
labels is dropped (both counted in :attr:`Dataset.repairs`).  The domain of a document
is the domain of its labels; for an ``Other`` document it is taken from the SemEval file
name (``_UA_`` -> URW, ``_CC_`` -> CC) when it has one, else left unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from narrascope.errors import Codes, InputError
from narrascope.narratives.semeval_io import read_document, read_st2
from narrascope.taxonomy.narratives import NarrativeTaxonomy

__all__ = ["LabelledDoc", "Dataset", "load_dataset", "domain_from_id"]

_ID_DOMAIN = {"UA": "URW", "URW": "URW", "CC": "CC"}
_ID_RE = re.compile(r"(?:^|[_-])(UA|URW|CC)(?:[_-])")


@dataclass
class LabelledDoc:
    id: str
    text: str
    coarse: list[str]
    fine: list[str]
    domain: str | None  # a taxonomy domain code, or None when unknown
    source: str


@dataclass
class Dataset:
    docs: list[LabelledDoc]
    source: str
    repairs: dict[str, int] = field(default_factory=dict)


def domain_from_id(doc_id: str, codes: tuple[str, ...]) -> str | None:
    m = _ID_RE.search(doc_id)
    if not m:
        return None
    code = _ID_DOMAIN[m.group(1)]
    return code if code in codes else None


def load_dataset(data_dir: str | Path, taxonomy: NarrativeTaxonomy) -> Dataset:
    """Read documents and subtask-2 labels of ``data_dir`` (annotation-file order)."""
    data_dir = Path(data_dir)
    ann = data_dir / "subtask-2-annotations.txt"
    docs_dir = data_dir / "raw-documents"
    if not data_dir.is_dir():
        raise InputError("training data directory does not exist", code=Codes.MISSING_PATH, source=str(data_dir))
    if not ann.is_file():
        raise InputError("subtask-2-annotations.txt is missing", code=Codes.MISSING_PATH, source=str(data_dir))
    if not docs_dir.is_dir():
        raise InputError("raw-documents/ is missing", code=Codes.MISSING_PATH, source=str(data_dir))
    repairs = {"added_parent": 0, "dropped_other": 0}
    docs: list[LabelledDoc] = []
    for row in read_st2(ann):
        where = f"{ann}:{row.line}"
        coarse = [x.strip() for x in row.narratives if x.strip()]
        fine = [x.strip() for x in row.subnarratives if x.strip()]
        if not coarse and not fine:
            raise InputError(f"document {row.id!r} has no labels", code=Codes.BAD_LABEL, source=where)
        taxonomy.check_labels(coarse, fine, source=where)
        other = taxonomy.other_label
        for f in fine:
            p = taxonomy.parent(f)
            if p not in coarse:
                coarse.append(p)
                repairs["added_parent"] += 1
        if len(coarse) > 1 and other in coarse:
            coarse = [c for c in coarse if c != other]
            repairs["dropped_other"] += 1
        fine = [f for f in fine if f != other] if coarse != [other] else [other]
        if not fine and coarse != [other]:
            # a narrative without sub-narratives: "<narrative>: Other" where the taxonomy has it
            fine = [c for c in (taxonomy.other_child(c) for c in coarse) if c]
        path = docs_dir / row.id
        if not path.is_file() and not row.id.endswith(".txt"):
            path = docs_dir / f"{row.id}.txt"
        try:
            doc = read_document(path)
        except InputError as exc:
            raise InputError(f"{exc.message} (labelled at {where})", code=exc.code, source=exc.source) from None
        if coarse == [other]:
            domain = domain_from_id(row.id, taxonomy.domain_codes)
        else:
            domains = {taxonomy.domain_of(c) for c in coarse}
            domain = domains.pop() if len(domains) == 1 else domain_from_id(row.id, taxonomy.domain_codes)
        docs.append(LabelledDoc(row.id, doc.text, sorted(set(coarse)), sorted(set(fine)), domain, doc.path))
    return Dataset(docs=docs, source=str(data_dir), repairs=repairs)
